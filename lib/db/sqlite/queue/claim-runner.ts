import { runnerWorkerId, type ClaimedRow, type ClaimRequest } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { claimedRow, RETURNING_CLAIMED, type ClaimRow } from "./claim";

/** Fewer than @group_limit of the group `key` names are leased. */
const UNDER_GROUP_LIMIT = (key: string) => `(SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = ${key}) < @group_limit`;

// A runner takes only messages of its own groups (runner_groups), with the group rules of the
// worker's claim (lib/db/sqlite/queue/claim.ts): while fewer than @group_limit of the group are
// leased, by whoever, and only the group's first due message. The join starts from the runner's
// few groups and reads each one's ready messages from messages_ready_group.
const CLAIM = `
UPDATE messages
SET state = 'leased', lease_token = @token, lease_expires_at = @expires, worker_id = @worker,
    attempts = attempts + 1, started_at = @now
WHERE id IN (
  SELECT m.id FROM runner_groups g
  JOIN messages m ON m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= @now
  WHERE g.runner_id = @runner
    AND ${UNDER_GROUP_LIMIT("m.group_key")}
    AND NOT EXISTS (
      SELECT 1 FROM messages e
      WHERE e.state = 'ready' AND e.group_key = m.group_key AND e.run_at <= @now
        AND (e.priority > m.priority OR (e.priority = m.priority AND e.id < m.id)))
  ORDER BY m.priority DESC, m.id
  LIMIT @limit)
${RETURNING_CLAIMED}`;

const statements = perDb(({ $client: c }) => {
  const claim = c.prepare<[Record<string, unknown>], ClaimRow>(CLAIM);
  const seen = c.prepare<[number, string]>(`UPDATE runners SET last_seen_at = ? WHERE id = ?`);
  return {
    // A cheap read first: a long-poll woken by any commit takes no write lock for nothing, and a
    // session's queued commands behind its running one are nothing to take yet.
    anyDue: c.prepare<[{ runner: string; now: number; group_limit: number }], number>(
      `SELECT 1 FROM runner_groups g
       WHERE g.runner_id = @runner
         AND EXISTS (SELECT 1 FROM messages m WHERE m.group_key = g.group_key AND m.state = 'ready' AND m.run_at <= @now)
         AND ${UNDER_GROUP_LIMIT("g.group_key")}
       LIMIT 1`,
    ),
    claim: c.transaction((runnerId: string, params: Record<string, unknown> & { now: number }) => {
      seen.run(params.now, runnerId);
      return claim.all(params);
    }),
  };
});

/** A runner's claim, in one IMMEDIATE transaction (two claimers never take the same message). */
export function claimForRunner(db: Db, runnerId: string, req: Omit<ClaimRequest, "workerId" | "queues"> & { token: string }): ClaimedRow[] {
  const s = statements(db);
  if (req.limit === 0 || s.anyDue.get({ runner: runnerId, now: req.now, group_limit: req.groupLimit }) === undefined) return [];
  const rows = s.claim.immediate(runnerId, {
    token: req.token,
    expires: req.now + req.leaseMs,
    worker: runnerWorkerId(runnerId),
    runner: runnerId,
    now: req.now,
    group_limit: req.groupLimit,
    limit: req.limit,
  });
  return rows.map((r) => claimedRow(r, req.token));
}
