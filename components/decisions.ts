import { postJson } from "./api";

export type Action = "approve" | "reject" | "requeue" | "discard";

const PAST: Record<Action, string> = { approve: "Approved", reject: "Rejected", requeue: "Requeued", discard: "Discarded" };

export interface Outcome {
  ok: boolean;
  /** What the server did, in a sentence for the person who clicked (a 409 names who decided first). */
  message: string;
}

interface ApiRequestLite {
  id: string;
  status: string;
}

/** One decision on one request, through the API; the message reports what the server did. */
export async function decide(id: string, action: Action, body: { reason?: string; remember?: boolean } = {}): Promise<Outcome> {
  const res = await postJson<ApiRequestLite>(`/api/requests/${encodeURIComponent(id)}/${action}`, body);
  if (res.ok) {
    const extra = action === "approve" && body.remember ? " and remembered for this agent" : "";
    return { ok: true, message: `${PAST[action]}${extra}: now ${res.data.status}.` };
  }
  return { ok: false, message: res.error.status === 409 ? `Not ${PAST[action].toLowerCase()}: ${res.error.message}` : res.error.message };
}

type BulkResult = { id: string; ok: true } | { id: string; ok: false; status: number; error: { message: string } };

/** One decision on many requests; each succeeds or fails on its own, and the message counts both. */
export async function decideMany(ids: string[], action: Action, reason?: string): Promise<Outcome & { done: string[] }> {
  const res = await postJson<{ results: BulkResult[] } | BulkResult[]>("/api/requests/bulk", { action, ids, ...(reason ? { reason } : {}) });
  if (!res.ok) return { ok: false, message: res.error.message, done: [] };
  const results = Array.isArray(res.data) ? res.data : res.data.results;
  const done = results.filter((r) => r.ok).map((r) => r.id);
  const failed = results.filter((r): r is Extract<BulkResult, { ok: false }> => !r.ok);
  const first = failed[0]?.error.message;
  const message =
    `${PAST[action]} ${done.length} of ${results.length}.` + (failed.length ? ` ${failed.length} not: ${first}${failed.length > 1 ? " …" : ""}` : "");
  return { ok: failed.length === 0, message, done };
}
