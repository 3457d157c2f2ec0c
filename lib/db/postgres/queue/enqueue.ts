import type { Enqueued, NewMessage } from "../../store";
import type { PgTx } from "../client";
import { WORK_CHANNEL } from "./wake";

// One statement for the whole batch, atomic on its own. Ids are drawn from the sequence first, in
// the batch's order, so each message's answer is found again by its id (RETURNING promises no
// order). A message whose idempotency key is taken, by an older message or by one earlier in this
// batch, is not inserted and answers with the id that holds the key. The NOTIFY of each queue that
// got a message is part of the statement too (delivered at commit).
const INSERT = `
WITH input AS (
  SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id, t.*
  FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::text[], $8::text[], $9::text[], $10::bigint[])
    WITH ORDINALITY AS t(queue, actor, payload, priority, run_at, max_retries, on_lease_lost, group_key, idempotency_key, created_at, ord)
  ORDER BY t.ord
), inserted AS (
  INSERT INTO messages (id, queue, actor, payload, priority, state, run_at, max_retries, on_lease_lost, group_key, idempotency_key, created_at)
  SELECT id, queue, actor, payload, priority, 'ready', run_at, max_retries, on_lease_lost, group_key, idempotency_key, created_at
  FROM input ORDER BY ord
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, idempotency_key, queue
), woke AS (
  SELECT count(pg_notify('${WORK_CHANNEL}', q.queue)) AS queues FROM (SELECT DISTINCT queue FROM inserted) q
)
SELECT coalesce(i.id, same.id, old.id) AS id, i.id IS NOT NULL AS created
FROM input CROSS JOIN woke
LEFT JOIN inserted i ON i.id = input.id
LEFT JOIN inserted same ON i.id IS NULL AND same.idempotency_key = input.idempotency_key
LEFT JOIN messages old ON i.id IS NULL AND same.id IS NULL AND old.idempotency_key = input.idempotency_key
ORDER BY input.ord`;

/**
 * Writes messages in one statement (inside the caller's transaction, or alone) and NOTIFYs the
 * work channel of their queues, which listeners receive when it commits. A message whose
 * idempotency key is taken returns the existing one (`created: false`).
 */
export async function insertMessages(c: PgTx, messages: readonly NewMessage[]): Promise<Enqueued[]> {
  if (!messages.length) return [];
  const column = <K extends keyof NewMessage>(key: K) => messages.map((m) => m[key]);
  const rows = await c.query<{ id: number | null; created: boolean }>(INSERT, [
    column("queue"), column("actor"), column("payload"), column("priority"), column("runAt"), column("maxRetries"),
    column("onLeaseLost"), column("groupKey"), column("idempotencyKey"), column("createdAt"),
  ]);
  const answers: Enqueued[] = [];
  for (const [i, r] of rows.entries()) answers.push({ id: r.id ?? (await holderOf(c, messages[i]?.idempotencyKey)), created: r.created });
  return answers;
}

/**
 * The message that holds a key another transaction inserted concurrently: ON CONFLICT waited for
 * it to commit, but the statement's snapshot, taken before, cannot see it; a new statement can.
 */
async function holderOf(c: PgTx, key: string | null | undefined): Promise<number> {
  const [row] = await c.query<{ id: number }>(`SELECT id FROM messages WHERE idempotency_key = $1`, [key]);
  if (!row) throw new Error(`No message holds the idempotency key ${JSON.stringify(key)}`);
  return row.id;
}
