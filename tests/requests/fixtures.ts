import type { AgentIdentity } from "../../lib/auth/agents";
import { createAgent } from "../../lib/auth/agents";
import type { UserIdentity } from "../../lib/auth/users";
import type { Db } from "../../lib/db/client";
import type { Request as RequestRow } from "../../lib/db/schema";
import {
  approveRequest,
  cancelRequest,
  discardRequest,
  expirePending,
  getRequest,
  markDead,
  markFinished,
  markRunning,
  rejectRequest,
} from "../../lib/requests/lifecycle";
import type { RequestStatus } from "../../lib/requests/statuses";
import { submitRequest, type NewRequest } from "../../lib/requests/submit";

export const alice: UserIdentity = { id: "u-alice", name: "alice", role: "supervisor" };
export const bob: UserIdentity = { id: "u-bob", name: "bob", role: "supervisor" };

export function agent(db: Db, id = "backend-api", opts: { sessions?: string[]; autoApprove?: boolean } = {}): AgentIdentity {
  return createAgent(db, { id, sessions: opts.sessions ?? ["claude-backend-api"], autoApprove: opts.autoApprove }).agent;
}

export function submit(db: Db, who: AgentIdentity, input: Partial<NewRequest> = {}, now?: number): RequestRow {
  return submitRequest(
    db,
    who,
    { session: who.sessions[0]!, command: "npm run build", priority: "NORMAL", autoApprove: false, ...input },
    { now },
  ).request;
}

/** Every state a request can be in, plus a discarded dead letter. */
export const FIXTURE_STATES = [...["pending", "queued", "running", "succeeded", "failed", "rejected", "expired", "cancelled", "dead"], "discarded"] as const;
export type FixtureState = RequestStatus | "discarded";

/** A request driven through the real lifecycle into `state`. */
export function requestIn(db: Db, who: AgentIdentity, state: FixtureState): RequestRow {
  const now = Date.now();
  const r = submit(db, who, {}, now);
  const run = () => {
    approveRequest(db, r.id, alice);
    return markRunning(db, r.id);
  };
  switch (state) {
    case "pending":
      return r;
    case "queued":
      return approveRequest(db, r.id, alice);
    case "running":
      return run();
    case "succeeded":
      run();
      return markFinished(db, r.id, { exitCode: 0, output: "ok\n", outputTruncated: false });
    case "failed":
      run();
      return markFinished(db, r.id, { exitCode: 3, output: "boom\n", outputTruncated: false });
    case "rejected":
      return rejectRequest(db, r.id, alice, "not now");
    case "expired": {
      // Only this request is due at time 1; the others in the test's database are not.
      db.$client.prepare("UPDATE requests SET expires_at = 0 WHERE id = ?").run(r.id);
      expirePending(db, 1);
      return getRequest(db, r.id)!;
    }
    case "cancelled":
      return cancelRequest(db, r.id, who.id);
    case "dead":
      run();
      return markDead(db, r.id, "interrupted");
    case "discarded":
      run();
      markDead(db, r.id, "interrupted");
      return discardRequest(db, r.id, alice);
  }
}
