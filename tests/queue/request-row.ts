// Requests for the queue's tests to change in a transaction of its own: handlers and hooks hand the
// store plans (guarded request transitions), so a request's status shows whether a plan committed.
import type { Request } from "../../lib/db/rows";
import type { Plan, Store } from "../../lib/db/store";
import { plan } from "../../lib/requests/lifecycle";
import type { RequestStatus } from "../../lib/requests/statuses";
import { requestRow } from "../support/request-row";

/** A request written straight into `status` (no events, no messages). */
export async function requestIn(store: Store, status: RequestStatus, command = "true"): Promise<Request> {
  const row = requestRow({ agentId: "test-agent", session: "test-session", command, status });
  return (await store.insertRequest({ row, events: [], enqueue: [] })).request;
}

/** running → succeeded with `output`, and nothing following from it (no notice enqueued). */
export function succeedPlan(id: string, output: string, now = Date.now()): Plan {
  return plan(id, "succeed", { actor: "worker", set: { exitCode: 0, output, finishedAt: now }, now });
}

/** The status of a request now. */
export async function statusOf(store: Store, id: string): Promise<RequestStatus | undefined> {
  return (await store.getRequest(id))?.status;
}
