import type { Db } from "../db/client";
import { describeError } from "./error-text";
import { announce, announceDiscard, announceRequeue, CHANGED_COLUMNS, type ChangedRow } from "./hooks";
import type { Lease } from "./lease";
import { perDb } from "../db/per-db";
import { nudge } from "./wake";
import type { DeadReason } from "./states";

/** A dead letter as triage shows it. */
export interface DeadLetter {
  id: number;
  queue: string;
  actor: string;
  payload: unknown;
  priority: number;
  attempts: number;
  reason: DeadReason;
  lastError: string | null;
  groupKey: string | null;
  createdAt: number;
  /** When it died. */
  finishedAt: number;
  discardedAt: number | null;
}

interface DeadRow {
  id: number;
  queue: string;
  actor: string;
  payload: string;
  priority: number;
  attempts: number;
  dead_reason: string;
  last_error: string | null;
  group_key: string | null;
  created_at: number;
  finished_at: number;
  discarded_at: number | null;
}

const statements = perDb(({ $client: client }) => {
  const bury = client.prepare<[Record<string, unknown>], ChangedRow>(
    `UPDATE messages SET state = 'dead', dead_reason = @reason, last_error = @error, finished_at = @now,
       lease_token = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_token = @token AND state = 'leased'
     RETURNING ${CHANGED_COLUMNS}`,
  );
  const requeue = client.prepare<[number, number], ChangedRow>(
    `UPDATE messages SET state = 'ready', run_at = ?, attempts = 0, dead_reason = NULL, finished_at = NULL,
       started_at = NULL, worker_id = NULL
     WHERE id = ? AND state = 'dead' AND discarded_at IS NULL
     RETURNING ${CHANGED_COLUMNS}`,
  );
  const discard = client.prepare<[number, number], ChangedRow>(
    `UPDATE messages SET discarded_at = ?
     WHERE id = ? AND state = 'dead' AND discarded_at IS NULL
     RETURNING ${CHANGED_COLUMNS}`,
  );
  return {
    bury: client.transaction((params: Record<string, unknown>, db: Db) => {
      const row = bury.get(params);
      if (row) announce(db, [row]);
      return row !== undefined;
    }),
    requeue: client.transaction((now: number, id: number, db: Db) => {
      const row = requeue.get(now, id);
      if (row) announceRequeue(db, row);
      return row !== undefined;
    }),
    discard: client.transaction((now: number, id: number, db: Db) => {
      const row = discard.get(now, id);
      if (row) announceDiscard(db, row);
      return row !== undefined;
    }),
    list: client.prepare<[Record<string, unknown>], DeadRow>(
      `SELECT id, queue, actor, payload, priority, attempts, dead_reason, last_error, group_key, created_at,
              finished_at, discarded_at
       FROM messages
       WHERE state = 'dead' AND (@discarded = (discarded_at IS NOT NULL))
         AND (@actor IS NULL OR actor = @actor) AND (@before IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    ),
  };
});

/**
 * Dead-letters a message this worker holds, at once and without retries — for a message no
 * handler here can run (`unknown_actor`). False when the lease is no longer this claim's.
 */
export function deadLetter(db: Db, lease: Lease, reason: DeadReason, error: unknown, now = Date.now()): boolean {
  return statements(db).bury.immediate(
    { id: lease.id, token: lease.leaseToken, reason, error: describeError(error), now },
    db,
  );
}

export interface ListDeadOptions {
  /** (Default: 50) */
  limit?: number;
  /** Keyset cursor: only dead letters with a smaller id (older). */
  beforeId?: number;
  actor?: string;
  /** Show the discarded ones instead of those awaiting triage. (Default: false) */
  discarded?: boolean;
}

/** Dead letters, newest first. */
export function listDead(db: Db, opts: ListDeadOptions = {}): DeadLetter[] {
  const rows = statements(db).list.all({
    discarded: opts.discarded ? 1 : 0,
    actor: opts.actor ?? null,
    before: opts.beforeId ?? null,
    limit: opts.limit ?? 50,
  });
  return rows.map((r) => ({
    id: r.id,
    queue: r.queue,
    actor: r.actor,
    payload: JSON.parse(r.payload) as unknown,
    priority: r.priority,
    attempts: r.attempts,
    reason: r.dead_reason as DeadReason,
    lastError: r.last_error,
    groupKey: r.group_key,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    discardedAt: r.discarded_at,
  }));
}

/**
 * Puts a dead letter back on its queue with a fresh count of retries (a person decided to run it
 * again). False when it is not a dead letter awaiting triage (already requeued or discarded).
 */
export function requeueDead(db: Db, id: number, now = Date.now()): boolean {
  const requeued = statements(db).requeue.immediate(now, id, db);
  if (requeued) nudge();
  return requeued;
}

/** Marks a dead letter discarded: kept until pruned, out of triage. False when it was not awaiting triage. */
export function discardDead(db: Db, id: number, now = Date.now()): boolean {
  return statements(db).discard.immediate(now, id, db);
}
