import type { Runner } from "../rows";
import { runnerWorkerId, type HeldMessage, type Lease, type RunnerInsert, type RunnerRecord } from "../store";
import type { Db } from "./client";
import { perDb } from "./per-db";
import { workWritten } from "./queue/wake";
import { jsonList } from "./queue/workers";

interface ListRow extends Omit<RunnerRecord, "sessions"> {
  sessions: string;
}

const statements = perDb((db) => {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO runners (id, token_hash, sessions, created_at, last_seen_at, revoked_at)
     VALUES (@id, @tokenHash, @sessions, @createdAt, @lastSeenAt, @revokedAt) ON CONFLICT DO NOTHING`,
  );
  const taken = c.prepare<[string], string>(`SELECT group_key FROM runner_groups WHERE group_key IN (SELECT value FROM json_each(?))`).pluck();
  const addGroup = c.prepare<[string, string]>(`INSERT INTO runner_groups (group_key, runner_id) VALUES (?, ?)`);
  const revoke = c.prepare<[number, string]>(`UPDATE runners SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`);
  const dropGroups = c.prepare<[string]>(`DELETE FROM runner_groups WHERE runner_id = ?`);
  const seen = c.prepare<[number, string]>(`UPDATE runners SET last_seen_at = ? WHERE id = ?`);
  const extend = c.prepare<[number, string], { id: number; leaseToken: string }>(
    `UPDATE messages SET lease_expires_at = ? WHERE worker_id = ? AND state = 'leased' RETURNING id, lease_token AS leaseToken`,
  );
  return {
    insert: c.transaction((runner: Runner, groups: readonly string[]): RunnerInsert => {
      if (insert.run(runner).changes === 0) return { ok: false, exists: true };
      const held = taken.all(JSON.stringify(groups));
      // Throwing rolls the runner back too; the refusal travels in the error.
      if (held.length) throw new GroupsTaken(held);
      for (const g of groups) addGroup.run(g, runner.id);
      return { ok: true };
    }),
    byHash: c.prepare<[string], Runner>(
      `SELECT id, token_hash AS tokenHash, sessions, created_at AS createdAt, last_seen_at AS lastSeenAt, revoked_at AS revokedAt
       FROM runners WHERE token_hash = ?`,
    ),
    list: c.prepare<[], ListRow>(
      `SELECT r.id, r.sessions, r.created_at AS createdAt, r.last_seen_at AS lastSeenAt, r.revoked_at AS revokedAt,
         (SELECT count(*) FROM messages m WHERE m.state = 'leased' AND m.worker_id = 'runner:' || r.id) AS leased
       FROM runners r ORDER BY r.created_at, r.id`,
    ),
    revoke: c.transaction((id: string, now: number): boolean => {
      if (revoke.run(now, id).changes === 0) return false;
      dropGroups.run(id);
      // Their waiting messages are the local workers' now.
      workWritten(db);
      return true;
    }),
    heartbeat: c.transaction((id: string, now: number, leaseMs: number): Lease[] => {
      seen.run(now, id);
      return extend.all(now + leaseMs, runnerWorkerId(id));
    }),
    lease: c.prepare<[number, string, string], HeldMessage>(
      `SELECT id, lease_token AS leaseToken, actor, payload, attempts FROM messages
       WHERE id = ? AND lease_token = ? AND worker_id = ? AND state = 'leased'`,
    ),
  };
});

class GroupsTaken extends Error {
  constructor(readonly groups: string[]) {
    super(`groups taken: ${groups.join(", ")}`);
  }
}

export function insertRunner(db: Db, runner: Runner, groups: readonly string[]): RunnerInsert {
  try {
    return statements(db).insert.immediate(runner, groups);
  } catch (e) {
    if (e instanceof GroupsTaken) return { ok: false, taken: e.groups };
    throw e;
  }
}

export const runnerByTokenHash = (db: Db, hash: string): Runner | undefined => statements(db).byHash.get(hash);

export function listRunners(db: Db): RunnerRecord[] {
  return statements(db)
    .list.all()
    .map((r) => ({ ...r, sessions: jsonList(r.sessions) }));
}

export const revokeRunner = (db: Db, id: string, now: number): boolean => statements(db).revoke.immediate(id, now);

export const runnerHeartbeat = (db: Db, id: string, now: number, leaseMs: number): Lease[] =>
  statements(db).heartbeat.immediate(id, now, leaseMs);

export const runnerLease = (db: Db, id: string, lease: Lease): HeldMessage | undefined =>
  statements(db).lease.get(lease.id, lease.leaseToken, runnerWorkerId(id));
