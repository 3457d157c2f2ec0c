import type { Principal } from "../auth/principal";
import type { Request as RequestRow, RequestEvent } from "../db/rows";
import type { Store } from "../db/store";
import { notFound } from "../http/errors";
import { isShuttingDown } from "../shutdown";
import { waitForChange } from "./changes";
import { getRequest } from "./lifecycle";
import { TERMINAL_STATUSES } from "./statuses";


/** The request, or 404; an agent sees only its own (another agent's is a 404 too). */
export async function requireVisibleRequest(store: Store, id: string, who: Principal): Promise<RequestRow> {
  const row = await getRequest(store, id);
  if (!row || (who.kind === "agent" && row.agentId !== who.agent.id)) throw notFound(`No request with id ${id}.`);
  return row;
}

/**
 * The request once its status differs from the one it has now, or after `waitMs` (then as it is),
 * or as soon as `signal` aborts. A request that has already ended is returned at once: nothing
 * will change without a person, and a client that saw `pending` must not wait a minute for news
 * it already has. Waiting costs no polling of its own (see changes.ts).
 */
export async function awaitStatusChange(store: Store, row: RequestRow, waitMs: number, signal?: AbortSignal): Promise<RequestRow> {
  if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return row;
  const deadline = Date.now() + waitMs;
  let current = row;
  while (current.status === row.status && !signal?.aborted && !isShuttingDown()) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await waitForChange(store, row.id, row.status, left, signal);
    current = (await getRequest(store, row.id)) ?? current;
  }
  return current;
}

/** The audit trail of one request, oldest first. */
export function listEvents(store: Store, requestId: string): Promise<RequestEvent[]> {
  return store.listEvents(requestId);
}

/** An event as the API shows it. */
export function presentEvent(e: RequestEvent) {
  return { id: e.id, at: new Date(e.at).toISOString(), actor: e.actor, from: e.fromStatus, to: e.toStatus, reason: e.reason };
}
