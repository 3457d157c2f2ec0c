import { asc, eq } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { requestEvents, type Request as RequestRow } from "../db/schema";
import { notFound } from "../http/errors";
import { waitForChange } from "./changes";
import { getRequest } from "./lifecycle";
import { TERMINAL_STATUSES } from "./statuses";

/** The request, or 404; an agent sees only its own (another agent's is a 404 too). */
export function requireVisibleRequest(db: Db, id: string, who: Principal): RequestRow {
  const row = getRequest(db, id);
  if (!row || (who.kind === "agent" && row.agentId !== who.agent.id)) throw notFound(`No request with id ${id}.`);
  return row;
}

/**
 * The request once its status differs from the one it has now, or after `waitMs` (then as it is),
 * or as soon as `signal` aborts. A request that has already ended is returned at once: nothing
 * will change without a person, and a client that saw `pending` must not wait a minute for news
 * it already has. Waiting costs no polling of its own (see changes.ts).
 */
export async function awaitStatusChange(db: Db, row: RequestRow, waitMs: number, signal?: AbortSignal): Promise<RequestRow> {
  if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return row;
  const deadline = Date.now() + waitMs;
  let current = row;
  while (current.status === row.status && !signal?.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await waitForChange(db, row.id, row.status, left, signal);
    current = getRequest(db, row.id) ?? current;
  }
  return current;
}

/** The audit trail of one request, oldest first. */
export function listEvents(db: Db, requestId: string) {
  return db.select().from(requestEvents).where(eq(requestEvents.requestId, requestId)).orderBy(asc(requestEvents.id)).all();
}

/** An event as the API shows it. */
export function presentEvent(e: ReturnType<typeof listEvents>[number]) {
  return { id: e.id, at: new Date(e.at).toISOString(), actor: e.actor, from: e.fromStatus, to: e.toStatus, reason: e.reason };
}
