import { isConnectionError, type Pg, type PgTx } from "../client";
import type { Request } from "../../rows";
import type { NewRequestWrite } from "../../store";
import { insertMessages } from "../queue/enqueue";
import { REQUEST_COLUMNS, REQUEST_KEYS, insertStatement } from "../rows";
import { getRequest } from "./reads";

const byKey = (c: PgTx, agentId: string, key: string) =>
  c.query<Request>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE agent_id = $1 AND idempotency_key = $2`, [agentId, key]);

/**
 * The request and its first events in one statement (one round trip, atomic on its own): the
 * events are written only when the request was, and their ids follow the order given. It returns
 * only the id, since the row written is the one given: reading two dozen columns back cost the web
 * server 12 % of its submissions per second.
 */
function requestWithEvents(w: NewRequestWrite): { text: string; values: unknown[] } {
  const { text, values } = insertStatement("requests", REQUEST_KEYS, [w.row]);
  const column = <K extends keyof NewRequestWrite["events"][number]>(key: K) => values.push(w.events.map((e) => e[key]));
  const [requestId, at, actor, from, to, reason] = [column("requestId"), column("at"), column("actor"), column("fromStatus"), column("toStatus"), column("reason")];
  return {
    text: `
WITH r AS (
  ${text} ON CONFLICT DO NOTHING RETURNING id
), e AS (
  INSERT INTO request_events (request_id, at, actor, from_status, to_status, reason)
  SELECT t.request_id, t.at, t.actor, t.from_status, t.to_status, t.reason
  FROM unnest($${requestId}::text[], $${at}::bigint[], $${actor}::text[], $${from}::text[], $${to}::text[], $${reason}::text[])
    WITH ORDINALITY AS t(request_id, at, actor, from_status, to_status, reason, ord)
  WHERE EXISTS (SELECT 1 FROM r)
  ORDER BY t.ord
)
SELECT id FROM r`,
    values,
  };
}

/** Tries of the one-statement insert when the connection fails: it is idempotent by the request's id. */
const TRIES = 3;

/**
 * A new request with its first events and messages, atomically: one statement when it enqueues
 * nothing (a request left for a person, with no outgoing webhooks), else one transaction. An
 * idempotency key its agent already used returns that request instead, written nothing: the
 * unique index decides, so of two inserts racing with one key, the second waits for the first to
 * commit and then finds its row. The one statement is sent again when the connection fails,
 * since its answer may be lost after it committed: finding its own id, it writes nothing twice.
 */
export async function insertRequest(pg: Pg, w: NewRequestWrite): Promise<{ request: Request; created: boolean }> {
  if (w.enqueue.length) return pg.tx((c) => insert(c, w));
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert(pg, w);
    } catch (err) {
      if (!isConnectionError(err) || attempt >= TRIES) throw err;
    }
  }
}

async function insert(c: PgTx, w: NewRequestWrite): Promise<{ request: Request; created: boolean }> {
  const { text, values } = requestWithEvents(w);
  const [written] = await c.query<{ id: string }>(text, values);
  if (written) {
    if (w.enqueue.length) await insertMessages(c, w.enqueue);
    return { request: w.row, created: true };
  }
  // Nothing written. Either an earlier try of this very request committed and its answer was lost
  // (the id is this request's alone), or its idempotency key is taken by a committed request (a
  // new statement takes a fresh snapshot: the transaction, if any, is READ COMMITTED).
  const mine = await getRequest(c, w.row.id);
  if (mine) return { request: mine, created: true };
  const key = w.row.idempotencyKey;
  const [earlier] = key === null ? [] : await byKey(c, w.row.agentId, key);
  if (!earlier) throw new Error(`Request ${w.row.id} conflicts on its idempotency key, yet no request holds it.`);
  return { request: earlier, created: false };
}
