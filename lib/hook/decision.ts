/**
 * Reads a gate request's status as the hook's verdict. Approved statuses allow (a gate request
 * ends in `allowed`; an ordinary request's `queued`, `running`, `succeeded` or `failed` also mean a
 * person or the policy approved it); `rejected` denies with the decision's comment; `pending`
 * waits; anything else (`expired`, `cancelled`, `dead`, or a status this client does not know)
 * is no decision, never an allow.
 */
import type { GateRequestView } from "./contract";

const ALLOWED = new Set(["allowed", "queued", "running", "succeeded", "failed"]);
const WAITING = new Set(["pending"]);

export type RequestReading =
  | { kind: "waiting" }
  | { kind: "allow"; reason: string }
  | { kind: "deny"; reason: string }
  | { kind: "undecided"; why: string };

const byWhom = (r: GateRequestView) => (r.decision?.by ? ` by ${r.decision.by}` : "");

export function readRequest(r: GateRequestView): RequestReading {
  if (WAITING.has(r.status)) return { kind: "waiting" };
  const comment = r.decision?.comment?.trim();
  if (ALLOWED.has(r.status)) {
    return { kind: "allow", reason: `Gatehouse request ${r.id} approved${byWhom(r)}${comment ? `: ${comment}` : ""}` };
  }
  if (r.status === "rejected") {
    // The reason is what the model reads: it should be the person's words, first.
    return { kind: "deny", reason: `${comment || "rejected"} (Gatehouse request ${r.id}, rejected${byWhom(r)})` };
  }
  return { kind: "undecided", why: `request ${r.id} is ${r.status}` };
}
