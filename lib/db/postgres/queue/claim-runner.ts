import { runnerWorkerId, type ClaimedRow, type RunnerClaim } from "../../store";
import type { Pg } from "../client";

// A runner's claim takes only messages of its own groups (runner_groups), under the group rules of
// the worker's claim (lib/db/postgres/queue/claim.ts): first the advisory lock of each group it
// means to take from, without waiting, then, in a statement whose snapshot follows the locks, the
// group's first due message while fewer than groupLimit of the group are leased.
const LOCK_GROUPS = `
SELECT group_key AS "groupKey" FROM (
  SELECT group_key FROM (
    SELECT DISTINCT ON (m.group_key) m.group_key, m.priority, m.id FROM runner_groups g
    JOIN messages m ON m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= $2
    WHERE g.runner_id = $1 AND ($5::text[] IS NULL OR g.group_key = ANY($5::text[]))
    ORDER BY m.group_key, m.priority DESC NULLS LAST, m.id
  ) firsts
  WHERE (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = firsts.group_key) < $3
  ORDER BY priority DESC NULLS LAST, id
  LIMIT $4
) wanted
WHERE pg_try_advisory_xact_lock(hashtext('gatehouse.group'), hashtext(group_key))`;

const LEASE = `
UPDATE messages m
SET state = 'leased', lease_token = $5, lease_expires_at = $6, worker_id = $7, attempts = m.attempts + 1, started_at = $2`;

const RETURNING = `
RETURNING m.id, m.actor, m.payload, m.priority, m.attempts, m.max_retries AS "maxRetries"`;

const CLAIM = `${LEASE}
FROM (
  SELECT c.id FROM messages c
  WHERE c.state = 'ready' AND c.run_at <= $2 AND c.group_key = ANY($1::text[])
    AND (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = c.group_key) < $3
    AND NOT EXISTS (
      SELECT 1 FROM messages e
      WHERE e.state = 'ready' AND e.run_at <= $2 AND e.group_key = c.group_key
        AND (e.priority > c.priority OR (e.priority = c.priority AND e.id < c.id)))
  ORDER BY c.priority DESC NULLS LAST, c.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
) picked
WHERE m.id = picked.id${RETURNING}`;

// With no group rule: every due message of the runner's (asked) groups, in order. No group is
// locked: a runner's groups are its alone, and SKIP LOCKED keeps two of its claims apart.
const CLAIM_ALL = `${LEASE}
FROM (
  SELECT c.id FROM messages c
  WHERE c.state = 'ready' AND c.run_at <= $2
    AND c.group_key IN (SELECT g.group_key FROM runner_groups g WHERE g.runner_id = $1 AND ($3::text[] IS NULL OR g.group_key = ANY($3::text[])))
  ORDER BY c.priority DESC NULLS LAST, c.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
) picked
WHERE m.id = picked.id${RETURNING}`;

// A cheap read first, as on SQLite: a long-poll woken by others' work, or by its once-a-second
// check, takes no transaction for nothing (a session's commands behind its running one are nothing
// to take yet).
const ANY_DUE = `
SELECT 1 FROM runner_groups g
WHERE g.runner_id = $1 AND ($3::text[] IS NULL OR g.group_key = ANY($3::text[]))
  AND EXISTS (SELECT 1 FROM messages m WHERE m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= $2)
  AND ($4::integer IS NULL OR (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = g.group_key) < $4)
LIMIT 1`;

/** A runner's claim and its "last seen", in one transaction. */
export async function claimForRunner(pg: Pg, runnerId: string, req: RunnerClaim): Promise<ClaimedRow[]> {
  if (req.limit === 0 || !(await pg.query(ANY_DUE, [runnerId, req.now, req.groups ?? null, req.groupLimit])).length) return [];
  return pg.tx(async (c) => {
    await c.query(`UPDATE runners SET last_seen_at = $2 WHERE id = $1`, [runnerId, req.now]);
    const lease = [req.token, req.now + req.leaseMs, runnerWorkerId(runnerId)];
    let rows: Omit<ClaimedRow, "leaseToken">[];
    if (req.groupLimit === null) {
      rows = await c.query(CLAIM_ALL, [runnerId, req.now, req.groups ?? null, req.limit, ...lease]);
    } else {
      const locked = await c.query<{ groupKey: string }>(LOCK_GROUPS, [runnerId, req.now, req.groupLimit, req.limit, req.groups ?? null]);
      if (!locked.length) return [];
      rows = await c.query(CLAIM, [locked.map((g) => g.groupKey), req.now, req.groupLimit, req.limit, ...lease]);
    }
    rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
    return rows.map((r) => ({ ...r, leaseToken: req.token }));
  });
}
