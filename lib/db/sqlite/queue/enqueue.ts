import type { Enqueued, NewMessage } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { workWritten } from "./wake";

const statements = perDb(({ $client: client }) => ({
  insert: client.prepare<[string, string, string, number, number, number, string, string | null, string | null, number]>(
    `INSERT INTO messages (queue, actor, payload, priority, state, run_at, max_retries, on_lease_lost, group_key, idempotency_key, created_at)
     VALUES (?, ?, ?, ?, 'ready', ?, ?, ?, ?, ?, ?)
     ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
  ),
  byKey: client.prepare<[string], number>(`SELECT id FROM messages WHERE idempotency_key = ?`).pluck(),
}));

/**
 * Writes messages inside the caller's transaction (or, for one message, as one statement). A
 * message whose idempotency key is taken returns the existing one.
 */
export function insertMessages(db: Db, messages: readonly NewMessage[]): Enqueued[] {
  const s = statements(db);
  if (messages.length) workWritten(db);
  return messages.map((m) => {
    const { changes, lastInsertRowid } = s.insert.run(
      m.queue, m.actor, m.payload, m.priority, m.runAt, m.maxRetries, m.onLeaseLost, m.groupKey, m.idempotencyKey, m.createdAt,
    );
    if (changes === 1) return { id: Number(lastInsertRowid), created: true };
    return { id: s.byKey.get(m.idempotencyKey!)!, created: false };
  });
}
