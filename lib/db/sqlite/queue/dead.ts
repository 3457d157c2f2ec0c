import type { ChangedRow, DeadRow, Lease, ListDeadQuery, QueueReactions } from "../../store";
import type { DeadReason } from "../../../queue/states";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { CHANGED_COLUMNS, follow } from "./changed";

const statements = perDb((db) => {
  const c = db.$client;
  const bury = c.prepare<[Record<string, unknown>], ChangedRow>(
    `UPDATE messages SET state = 'dead', dead_reason = @reason, last_error = @error, finished_at = @now,
       lease_token = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_token = @token AND state = 'leased'
     RETURNING ${CHANGED_COLUMNS}`,
  );
  const requeue = c.prepare<[number, number], ChangedRow>(
    `UPDATE messages SET state = 'ready', run_at = ?, attempts = 0, dead_reason = NULL, finished_at = NULL,
       started_at = NULL, worker_id = NULL
     WHERE id = ? AND state = 'dead' AND discarded_at IS NULL
     RETURNING ${CHANGED_COLUMNS}`,
  );
  const discard = c.prepare<[number, number], ChangedRow>(
    `UPDATE messages SET discarded_at = ?
     WHERE id = ? AND state = 'dead' AND discarded_at IS NULL
     RETURNING ${CHANGED_COLUMNS}`,
  );
  return {
    bury: c.transaction((params: Record<string, unknown>, react: QueueReactions) => {
      const row = bury.get(params);
      if (row) follow(db, [row], react.changed([row]));
      return row !== undefined;
    }),
    requeue: c.transaction((now: number, id: number, react: QueueReactions) => {
      const row = requeue.get(now, id);
      if (row) follow(db, [row], react.requeued(row));
      return row !== undefined;
    }),
    discard: c.transaction((now: number, id: number, react: QueueReactions) => {
      const row = discard.get(now, id);
      if (row) follow(db, [row], react.discarded(row));
      return row !== undefined;
    }),
    list: c.prepare<[Record<string, unknown>], DeadRow>(
      `SELECT id, queue, actor, payload, priority, attempts, dead_reason AS deadReason, last_error AS lastError,
              group_key AS groupKey, created_at AS createdAt, finished_at AS finishedAt, discarded_at AS discardedAt
       FROM messages
       WHERE state = 'dead' AND (@discarded = (discarded_at IS NOT NULL))
         AND (@actor IS NULL OR actor = @actor) AND (@before IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    ),
  };
});

/** Dead-letters a held message at once; false when the lease is lost. */
export function deadLetter(db: Db, lease: Lease, reason: DeadReason, error: string, now: number, react: QueueReactions): boolean {
  return statements(db).bury.immediate({ id: lease.id, token: lease.leaseToken, reason, error, now }, react);
}

/** Dead letters, newest first. */
export function listDead(db: Db, q: ListDeadQuery): DeadRow[] {
  return statements(db).list.all({ discarded: q.discarded ? 1 : 0, actor: q.actor ?? null, before: q.beforeId ?? null, limit: q.limit });
}

/** A dead letter back on its queue with a fresh count of retries; false when it was not awaiting triage. */
export function requeueDead(db: Db, id: number, now: number, react: QueueReactions): boolean {
  return statements(db).requeue.immediate(now, id, react);
}

/** A dead letter marked discarded: kept until pruned, out of triage; false when it was not awaiting triage. */
export function discardDead(db: Db, id: number, now: number, react: QueueReactions): boolean {
  return statements(db).discard.immediate(now, id, react);
}
