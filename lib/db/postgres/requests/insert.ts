import type { Pg, PgTx } from "../client";
import type { Request } from "../../rows";
import type { NewRequestWrite } from "../../store";
import { insertMessages } from "../queue/enqueue";
import { REQUEST_COLUMNS, REQUEST_KEYS, insertStatement } from "../rows";
import { insertEvents } from "./events";

const byKey = (c: PgTx, agentId: string, key: string) =>
  c.query<Request>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE agent_id = $1 AND idempotency_key = $2`, [agentId, key]);

/**
 * A new request with its first events and messages, in one transaction. An idempotency key its
 * agent already used returns that request instead, written nothing: the unique index decides,
 * so of two inserts racing with one key, the second waits for the first to commit and then
 * finds its row.
 */
export function insertRequest(pg: Pg, w: NewRequestWrite): Promise<{ request: Request; created: boolean }> {
  return pg.tx(async (c) => {
    const { text, values } = insertStatement("requests", REQUEST_KEYS, [w.row]);
    const [request] = await c.query<Request>(
      `${text} ON CONFLICT (agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING ${REQUEST_COLUMNS}`,
      values,
    );
    if (!request) {
      // Only the idempotency index is the conflict target, so the key is set and its row has
      // committed (this statement takes a fresh snapshot: the transaction is READ COMMITTED).
      const key = w.row.idempotencyKey;
      const [earlier] = key === null ? [] : await byKey(c, w.row.agentId, key);
      if (!earlier) throw new Error(`Request ${w.row.id} conflicts on its idempotency key, yet no request holds it.`);
      return { request: earlier, created: false };
    }
    await insertEvents(c, w.events);
    if (w.enqueue.length) await insertMessages(c, w.enqueue);
    return { request, created: true };
  });
}
