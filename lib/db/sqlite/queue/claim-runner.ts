import { runnerWorkerId, type ClaimedRow, type RunnerClaim } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { claimedRow, RETURNING_CLAIMED, type ClaimRow } from "./claim";

/** The runner's group `g` is one asked for (@groups: a JSON array, or null for all). */
const ASKED = `(@groups IS NULL OR g.group_key IN (SELECT value FROM json_each(@groups)))`;

/** Fewer than @group_limit of the group `key` names are leased (a null limit: no group rule). */
const UNDER_GROUP_LIMIT = (key: string) =>
  `(@group_limit IS NULL OR (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = ${key}) < @group_limit)`;

const LEASE = `
UPDATE messages
SET state = 'leased', lease_token = @token, lease_expires_at = @expires, worker_id = @worker,
    attempts = attempts + 1, started_at = @now`;

// A runner takes only messages of its own groups (runner_groups), with the group rules of the
// worker's claim (lib/db/sqlite/queue/claim.ts): while fewer than @group_limit of the group are
// leased, by whoever, and only the group's first due message. Each of the runner's few groups
// reads just that message, the first due one in messages_ready_group's order: a session's
// queued commands behind it are never visited.
const CLAIM = `${LEASE}
WHERE id IN (
  SELECT m.id FROM runner_groups g
  JOIN messages m ON m.id = (
    SELECT f.id FROM messages f
    WHERE f.group_key = g.group_key AND f.state = 'ready' AND f.run_at <= @now
    ORDER BY f.priority DESC, f.id LIMIT 1)
  WHERE g.runner_id = @runner AND ${ASKED} AND ${UNDER_GROUP_LIMIT("g.group_key")}
  ORDER BY m.priority DESC, m.id
  LIMIT @limit)
${RETURNING_CLAIMED}`;

// With no group rule: every due message of the runner's groups, in order, through messages_ready_group.
const CLAIM_ALL = `${LEASE}
WHERE id IN (
  SELECT m.id FROM runner_groups g
  JOIN messages m ON m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= @now
  WHERE g.runner_id = @runner AND ${ASKED}
  ORDER BY m.priority DESC, m.id
  LIMIT @limit)
${RETURNING_CLAIMED}`;

const statements = perDb(({ $client: c }) => {
  const claim = c.prepare<[Record<string, unknown>], ClaimRow>(CLAIM).raw();
  const claimAll = c.prepare<[Record<string, unknown>], ClaimRow>(CLAIM_ALL).raw();
  const seen = c.prepare<[number, string]>(`UPDATE runners SET last_seen_at = ? WHERE id = ?`);
  return {
    // A cheap read first: a long-poll woken by any commit takes no write lock for nothing, and a
    // session's queued commands behind its running one are nothing to take yet.
    anyDue: c.prepare<[{ runner: string; now: number; group_limit: number | null; groups: string | null }], number>(
      `SELECT 1 FROM runner_groups g
       WHERE g.runner_id = @runner AND ${ASKED}
         AND EXISTS (SELECT 1 FROM messages m WHERE m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= @now)
         AND ${UNDER_GROUP_LIMIT("g.group_key")}
       LIMIT 1`,
    ),
    claim: c.transaction((runnerId: string, params: Record<string, unknown> & { now: number; group_limit: number | null }) => {
      seen.run(params.now, runnerId);
      return (params.group_limit === null ? claimAll : claim).all(params);
    }),
  };
});

/** A runner's claim, in one IMMEDIATE transaction (two claimers never take the same message). */
export function claimForRunner(db: Db, runnerId: string, req: RunnerClaim): ClaimedRow[] {
  const s = statements(db);
  const groups = req.groups ? JSON.stringify(req.groups) : null;
  if (req.limit === 0 || s.anyDue.get({ runner: runnerId, now: req.now, group_limit: req.groupLimit, groups }) === undefined) return [];
  const rows = s.claim.immediate(runnerId, {
    token: req.token,
    expires: req.now + req.leaseMs,
    worker: runnerWorkerId(runnerId),
    runner: runnerId,
    now: req.now,
    group_limit: req.groupLimit,
    limit: req.limit,
    groups,
  });
  // RETURNING's order is SQLite's own: the jobs go out in the claim's (a session's notices, in order).
  return rows.map((r) => claimedRow(r, req.token)).sort((a, b) => b.priority - a.priority || a.id - b.id);
}
