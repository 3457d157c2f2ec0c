import type { ClaimedRow, ClaimRequest, Lease } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { markDone } from "./complete";

/**
 * What a claim's UPDATE returns of each message it leased (RETURNING_CLAIMED), as an array: its
 * statements are `raw()`. better-sqlite3 builds an object per row with keys looked up by name, which
 * cost a batched claim ~1 µs a message more than arrays (measured in a drain of 300,000).
 */
export type ClaimRow = [id: number, actor: string, payload: string, priority: number, attempts: number, maxRetries: number];

export const RETURNING_CLAIMED = "RETURNING id, actor, payload, priority, attempts, max_retries";

/** A leased message as the claimer is given it. */
export const claimedRow = (r: ClaimRow, leaseToken: string): ClaimedRow => ({
  id: r[0],
  leaseToken,
  actor: r[1],
  payload: r[2],
  priority: r[3],
  attempts: r[4],
  maxRetries: r[5],
});

// A message with a group key is claimable while fewer than @group_limit of its group are leased,
// and only if it is the first due message of its group (so one batch never takes two of a group).
// Due-ness and queues restrict the candidates, so they restrict "first of its group" too.
// Each condition costs ~10 µs per claim even when it short-circuits, so there is one statement per
// combination: the queue filter only for a worker of some queues, the group conditions only while
// some ready message has a group key (checked in the same transaction, on a partial index).
// Groups a runner has (runner_groups: its sessions' commands and notices) are its alone.
// Candidates come from messages_ready_now, which holds no delayed message: walking messages_ready
// in priority order instead stepped over every delayed message of a higher priority, ~12 ms per
// claim behind 100,000 of them. A delayed message joins it once due (`promote`, in the same
// transaction). One message is claimed with `id = (…)`: the `IN (…)` form costs several times more.
function claimSql(byQueue: boolean, groups: boolean, one: boolean): string {
  const inQueues = (alias: string) => (byQueue ? `AND ${alias}.queue IN (SELECT value FROM json_each(@queues))` : "");
  const groupRule = `
    AND (m.group_key IS NULL OR (
      NOT EXISTS (SELECT 1 FROM runner_groups g WHERE g.group_key = m.group_key)
      AND (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = m.group_key) < @group_limit
      AND NOT EXISTS (
        SELECT 1 FROM messages e
        WHERE e.state = 'ready' AND e.group_key = m.group_key AND e.run_at <= @now
          AND (e.priority > m.priority OR (e.priority = m.priority AND e.id < m.id)) ${inQueues("e")})))`;
  return `
UPDATE messages
SET state = 'leased', lease_token = @token, lease_expires_at = @expires, worker_id = @worker,
    attempts = attempts + 1, started_at = @now
WHERE id ${one ? "=" : "IN"} (
  SELECT m.id FROM messages m INDEXED BY messages_ready_now
  WHERE m.state = 'ready' AND m.run_at <= m.created_at AND m.run_at <= @now ${inQueues("m")} ${groups ? groupRule : ""}
  ORDER BY m.priority DESC, m.id
  LIMIT @limit)
${RETURNING_CLAIMED}`;
}

const statements = perDb((db) => {
  const client = db.$client;
  // [byQueue][groups][one]
  const variants = [false, true].map((byQueue) =>
    [false, true].map((groups) => [false, true].map((one) => client.prepare<[Record<string, unknown>], ClaimRow>(claimSql(byQueue, groups, one)).raw())),
  );
  const anyGrouped = client
    .prepare<[], number>(`SELECT 1 FROM messages WHERE state = 'ready' AND group_key IS NOT NULL LIMIT 1`)
    .pluck();
  // Delayed and retried messages that came due join messages_ready_now: their run_at, no longer
  // needed to hold them back, becomes their created_at. Reads one entry of messages_delayed when
  // none is due.
  const promote = client.prepare<[number]>(
    `UPDATE messages SET run_at = created_at WHERE state = 'ready' AND run_at > created_at AND run_at <= ?`,
  );
  return {
    // A cheap read first: an idle worker woken by someone else's write does not take the write lock.
    anyDue: client
      .prepare<[number, number], number>(
        `SELECT EXISTS (SELECT 1 FROM messages INDEXED BY messages_ready_now WHERE state = 'ready' AND run_at <= created_at AND run_at <= ?)
             OR EXISTS (SELECT 1 FROM messages WHERE state = 'ready' AND run_at > created_at AND run_at <= ?)`,
      )
      .pluck(),
    claim: client.transaction((now: number, finished: readonly Lease[], params: Record<string, unknown>) => {
      const completed = markDone(db, now, finished);
      if (params.limit === 0) return { completed, rows: [] };
      promote.run(now);
      const grouped = anyGrouped.get() !== undefined;
      const statement = variants[params.queues === undefined ? 0 : 1]![grouped ? 1 : 0]![params.limit === 1 ? 1 : 0]!;
      return { completed, rows: statement.all(params) };
    }),
    due: client
      .prepare<[number], number | null>(
        `SELECT min(run_at) FROM messages WHERE state = 'ready' AND run_at > created_at AND run_at > ?`,
      )
      .pluck(),
  };
});

/**
 * Completes a worker's finished messages and claims its next ones in one IMMEDIATE transaction
 * (which takes the write lock before the read, so a concurrent claimer waits at BEGIN): one commit
 * per turn of the worker's loop, and two workers never take the same message.
 */
export function completeAndClaim(
  db: Db,
  finished: readonly Lease[],
  req: ClaimRequest & { token: string },
): { completed: number; claimed: ClaimedRow[] } {
  const s = statements(db);
  const { now } = req;
  if (finished.length === 0 && (req.limit === 0 || s.anyDue.get(now, now) !== 1)) return { completed: 0, claimed: [] };
  const { completed, rows } = s.claim.immediate(now, finished, {
    token: req.token,
    expires: now + req.leaseMs,
    worker: req.workerId,
    now,
    ...(req.queues && { queues: JSON.stringify(req.queues) }),
    group_limit: req.groupLimit,
    limit: req.limit,
  });
  return { completed, claimed: rows.map((r) => claimedRow(r, req.token)) };
}

/** When the next delayed or retried message comes due, or null; reads only the index of delayed messages. */
export function nextDueAt(db: Db, now: number): number | null {
  return statements(db).due.get(now) ?? null;
}
