import type { Db } from "../db/client";
import { LEASE_MS, newLeaseToken, type Lease } from "./lease";
import { markDone } from "./complete";
import { perDb } from "../db/per-db";

export interface ClaimOptions {
  /** Recorded on each message as the worker that holds it; heartbeats extend its leases. */
  workerId: string;
  /** Queues to take messages from. (Default: every queue) */
  queues?: readonly string[];
  /** Most messages to take at once. */
  limit: number;
  /** Messages sharing a group key that may be leased at once (GATEHOUSE_SESSION_CONCURRENCY). (Default: 1) */
  groupLimit?: number;
  /** (Default: LEASE_MS) */
  leaseMs?: number;
  now?: number;
}

/** A message this worker now holds, until it completes, fails or releases it. */
export interface Claimed extends Lease {
  queue: string;
  actor: string;
  payload: unknown;
  priority: number;
  /** Times claimed, this claim included (1 on the first run). */
  attempts: number;
  maxRetries: number;
  groupKey: string | null;
  createdAt: number;
}

interface Row {
  id: number;
  queue: string;
  actor: string;
  payload: string;
  priority: number;
  attempts: number;
  max_retries: number;
  group_key: string | null;
  created_at: number;
}

// A message with a group key is claimable while fewer than @group_limit of its group are leased,
// and only if it is the first due message of its group (so one batch never takes two of a group).
// Due-ness and queues restrict the candidates, so they restrict "first of its group" too.
// Each condition costs ~10 µs per claim even when it short-circuits, so there is one statement per
// combination: the queue filter only for a worker of some queues, the group conditions only while
// some ready message has a group key (checked in the same transaction, on a partial index).
function claimSql(byQueue: boolean, groups: boolean): string {
  const inQueues = (alias: string) => (byQueue ? `AND ${alias}.queue IN (SELECT value FROM json_each(@queues))` : "");
  const groupRule = `
    AND (m.group_key IS NULL OR (
      (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = m.group_key) < @group_limit
      AND NOT EXISTS (
        SELECT 1 FROM messages e
        WHERE e.state = 'ready' AND e.group_key = m.group_key AND e.run_at <= @now
          AND (e.priority > m.priority OR (e.priority = m.priority AND e.id < m.id)) ${inQueues("e")})))`;
  return `
UPDATE messages
SET state = 'leased', lease_token = @token, lease_expires_at = @expires, worker_id = @worker,
    attempts = attempts + 1, started_at = @now
WHERE id IN (
  SELECT m.id FROM messages m
  WHERE m.state = 'ready' AND m.run_at <= @now ${inQueues("m")} ${groups ? groupRule : ""}
  ORDER BY m.priority DESC, m.id
  LIMIT @limit)
RETURNING id, queue, actor, payload, priority, attempts, max_retries, group_key, created_at`;
}

const statements = perDb(({ $client: client }) => {
  const variants = [false, true].map((byQueue) =>
    [false, true].map((groups) => client.prepare<[Record<string, unknown>], Row>(claimSql(byQueue, groups))),
  );
  const anyGrouped = client
    .prepare<[], number>(`SELECT 1 FROM messages WHERE state = 'ready' AND group_key IS NOT NULL LIMIT 1`)
    .pluck();
  const done = markDone(client);
  return {
    // A cheap read first: an idle worker woken by someone else's write does not take the write lock.
    anyDue: client.prepare<[number], number>(`SELECT 1 FROM messages WHERE state = 'ready' AND run_at <= ? LIMIT 1`),
    claim: client.transaction((now: number, finished: readonly Lease[], params: Record<string, unknown>) => {
      const completed = done(now, finished);
      if (params.limit === 0) return { completed, rows: [] };
      const grouped = anyGrouped.get() !== undefined;
      const statement = variants[params.queues === undefined ? 0 : 1]![grouped ? 1 : 0]!;
      return { completed, rows: statement.all(params) };
    }),
  };
});

/**
 * Takes up to `limit` due messages, highest priority first and FIFO within a priority, under one
 * new lease token. One UPDATE … RETURNING in an IMMEDIATE transaction (which takes the write lock
 * before the read, so a concurrent claimer waits at BEGIN): two workers never take the same message.
 */
export function claim(db: Db, opts: ClaimOptions): Claimed[] {
  return completeAndClaim(db, [], opts).claimed;
}

/**
 * Completes a worker's finished messages and claims its next ones in the same transaction: one
 * commit per turn of the worker's loop instead of two. `limit` may be 0 (only complete).
 */
export function completeAndClaim(
  db: Db,
  finished: readonly Lease[],
  opts: ClaimOptions,
): { completed: number; claimed: Claimed[] } {
  const now = opts.now ?? Date.now();
  const s = statements(db);
  if (finished.length === 0 && (opts.limit === 0 || s.anyDue.get(now) === undefined)) return { completed: 0, claimed: [] };
  const token = newLeaseToken();
  const { completed, rows } = s.claim.immediate(now, finished, {
    token,
    expires: now + (opts.leaseMs ?? LEASE_MS),
    worker: opts.workerId,
    now,
    ...(opts.queues && { queues: JSON.stringify(opts.queues) }),
    group_limit: opts.groupLimit ?? 1,
    limit: opts.limit,
  });
  // RETURNING gives rows in no promised order.
  rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
  const claimed = rows.map((r) => ({
    id: r.id,
    leaseToken: token,
    queue: r.queue,
    actor: r.actor,
    payload: JSON.parse(r.payload) as unknown,
    priority: r.priority,
    attempts: r.attempts,
    maxRetries: r.max_retries,
    groupKey: r.group_key,
    createdAt: r.created_at,
  }));
  return { completed, claimed };
}

const due = perDb(({ $client: client }) =>
  client
    .prepare<[number], number | null>(
      `SELECT min(run_at) FROM messages WHERE state = 'ready' AND run_at > created_at AND run_at > ?`,
    )
    .pluck(),
);

/**
 * When the next delayed or retried message becomes due, or null when none waits: an idle worker
 * sleeps until then instead of polling. Reads only the index of delayed messages.
 */
export function nextDueAt(db: Db, now = Date.now()): number | null {
  return due(db).get(now) ?? null;
}
