import type { PgTx } from "../client";
import type { Request, RequestEvent } from "../../rows";
import type { RequestStatus } from "../../../requests/statuses";
import { EVENT_COLUMNS, REQUEST_COLUMNS, unstorable } from "../rows";

export async function getRequest(c: PgTx, id: string): Promise<Request | undefined> {
  if (unstorable(id)) return undefined;
  const [row] = await c.query<Request>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = $1`, [id]);
  return row;
}

/** Notes that the request's agent waits on it now (no status change: no NOTIFY). */
export async function markAgentWaited(c: PgTx, id: string, at: number): Promise<void> {
  if (!unstorable(id)) await c.query("UPDATE requests SET agent_waited_at = $2 WHERE id = $1", [id, at]);
}

/** Pending requests whose time is up, oldest expiry first (requests_pending_expiry). */
export async function duePending(c: PgTx, now: number, limit: number): Promise<string[]> {
  const rows = await c.query<{ id: string }>(
    "SELECT id FROM requests WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2",
    [now, limit],
  );
  return rows.map((r) => r.id);
}

export function statuses(c: PgTx, ids: readonly string[]): Promise<{ id: string; status: RequestStatus }[]> {
  const keys = ids.filter((id) => !unstorable(id));
  if (keys.length === 0) return Promise.resolve([]);
  return c.query<{ id: string; status: RequestStatus }>("SELECT id, status FROM requests WHERE id = ANY($1::text[]) ORDER BY id", [keys]);
}

export async function idsWithStatus(c: PgTx, ids: readonly string[], wanted: readonly RequestStatus[]): Promise<string[]> {
  const keys = ids.filter((id) => !unstorable(id));
  if (keys.length === 0 || wanted.length === 0) return [];
  const rows = await c.query<{ id: string }>("SELECT id FROM requests WHERE id = ANY($1::text[]) AND status = ANY($2::text[]) ORDER BY id", [
    keys,
    [...wanted],
  ]);
  return rows.map((r) => r.id);
}

/** The audit trail of one request, oldest first. */
export const listEvents = async (c: PgTx, requestId: string): Promise<RequestEvent[]> =>
  unstorable(requestId) ? [] : c.query<RequestEvent>(`SELECT ${EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY id`, [requestId]);
