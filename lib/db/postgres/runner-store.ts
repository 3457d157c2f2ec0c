import type { Runner } from "../rows";
import { runnerWorkerId, type HeldMessage, type Lease, type RunnerRecord, type RunnerStore } from "../store";
import type { Pg } from "./client";
import { claimForRunner } from "./queue/claim-runner";
import { notifyWork } from "./queue/wake";
import { insertStatement, RUNNER_COLUMNS, RUNNER_KEYS, unstorable } from "./rows";

class GroupsTaken extends Error {
  constructor(readonly groups: string[]) {
    super(`groups taken: ${groups.join(", ")}`);
  }
}

/** Runners and their leases, in PostgreSQL; each method one transaction or one statement. */
export function runnerStore(pg: Pg): RunnerStore {
  return {
    async insertRunner(runner, groups) {
      try {
        return await pg.tx(async (c) => {
          const { text, values } = insertStatement<Runner>("runners", RUNNER_KEYS, [runner]);
          if ((await c.query(`${text} ON CONFLICT DO NOTHING RETURNING id`, values)).length === 0) return { ok: false, exists: true } as const;
          const added = await c.query<{ groupKey: string }>(
            `INSERT INTO runner_groups (group_key, runner_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING RETURNING group_key AS "groupKey"`,
            [groups, runner.id],
          );
          if (added.length < groups.length) {
            const mine = new Set(added.map((g) => g.groupKey));
            // Throwing rolls the runner back too.
            throw new GroupsTaken(groups.filter((g) => !mine.has(g)));
          }
          return { ok: true } as const;
        });
      } catch (e) {
        if (e instanceof GroupsTaken) return { ok: false, taken: e.groups };
        throw e;
      }
    },
    runnerByTokenHash: async (hash) => (await pg.query<Runner>(`SELECT ${RUNNER_COLUMNS} FROM runners WHERE token_hash = $1`, [hash]))[0],
    listRunners: () =>
      pg.query<RunnerRecord>(
        `SELECT r.id, ARRAY(SELECT json_array_elements_text(r.sessions::json)) AS sessions, r.created_at AS "createdAt",
           r.last_seen_at AS "lastSeenAt", r.revoked_at AS "revokedAt",
           (SELECT count(*) FROM messages m WHERE m.state = 'leased' AND m.worker_id = 'runner:' || r.id) AS leased
         FROM runners r ORDER BY r.created_at, r.id COLLATE "C"`,
      ),
    revokeRunner: (id, now) =>
      unstorable(id)
        ? Promise.resolve(false)
        : pg.tx(async (c) => {
            if ((await c.query(`UPDATE runners SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id, now])).length === 0) {
              return false;
            }
            const freed = await c.query<{ groupKey: string }>(`DELETE FROM runner_groups WHERE runner_id = $1 RETURNING group_key AS "groupKey"`, [id]);
            // Their waiting messages are the local workers' now: wake them.
            const queues = await c.query<{ queue: string }>(
              `SELECT DISTINCT queue FROM messages WHERE state = 'ready' AND group_key = ANY($1::text[])`,
              [freed.map((g) => g.groupKey)],
            );
            await notifyWork(c, queues.map((q) => q.queue));
            return true;
          }),
    claimForRunner: (runnerId, req) => claimForRunner(pg, runnerId, req),
    runnerHeartbeat: (id, now, leaseMs) =>
      pg.tx(async (c) => {
        await c.query(`UPDATE runners SET last_seen_at = $2 WHERE id = $1`, [id, now]);
        // SKIP LOCKED as in the worker's heartbeat: a locked row is being settled right now.
        await c.query(
          `UPDATE messages SET lease_expires_at = $2 WHERE id IN (
             SELECT id FROM messages WHERE worker_id = $1 AND state = 'leased' FOR UPDATE SKIP LOCKED)`,
          [runnerWorkerId(id), now + leaseMs],
        );
        return c.query<Lease>(`SELECT id, lease_token AS "leaseToken" FROM messages WHERE worker_id = $1 AND state = 'leased'`, [runnerWorkerId(id)]);
      }),
    runnerLease: async (id, lease) =>
      unstorable(lease.leaseToken)
        ? undefined
        : (
            await pg.query<HeldMessage>(
              `SELECT id, lease_token AS "leaseToken", actor, payload, attempts FROM messages
               WHERE id = $1 AND lease_token = $2 AND worker_id = $3 AND state = 'leased'`,
              [lease.id, lease.leaseToken, runnerWorkerId(id)],
            )
          )[0],
  };
}
