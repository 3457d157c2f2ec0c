import type { Pg } from "./client";
import type { DatabaseInfo, MinuteRow, QueueCounts, ReadStore } from "../store";

// The pages' reads. Names sort bytewise (COLLATE "C") where SQLite sorts them, so both stores
// list in the same order whatever the database's locale.

/** Readers served by the trigger-kept rollups and small indexed reads, never a scan of requests. */
export function readStore(pg: Pg): ReadStore {
  return {
    statusCounts: () => pg.query<{ key: string; n: number }>("SELECT key, n FROM request_counts"),
    minutes: (fromMinute) =>
      pg.query<MinuteRow>(
        `SELECT minute, submitted, decided, started, succeeded, failed, dead, pending_in AS "pendingIn", pending_out AS "pendingOut",
           queued_in AS "queuedIn", queued_out AS "queuedOut"
         FROM request_minutes WHERE minute >= $1 ORDER BY minute`,
        [fromMinute],
      ),
    latency: (fromHour) =>
      pg.query<{ metric: string; bucket: number; n: number }>(
        `SELECT metric, bucket, sum(n) AS n FROM request_latency WHERE hour >= $1
         GROUP BY metric, bucket ORDER BY metric COLLATE "C", bucket`,
        [fromHour],
      ),
    async oldestPendingAt() {
      const [row] = await pg.query<{ createdAt: number }>(
        `SELECT created_at AS "createdAt" FROM requests WHERE status = 'pending' ORDER BY id LIMIT 1`,
      );
      return row?.createdAt ?? null;
    },
    recentCommands: (window) =>
      pg.query<{ command: string; agentId: string; session: string; n: number }>(
        `SELECT command, agent_id AS "agentId", session, count(*) AS n
         FROM (SELECT command, agent_id, session FROM requests ORDER BY id DESC LIMIT $1) recent
         GROUP BY command, agent_id, session ORDER BY command COLLATE "C", agent_id COLLATE "C", session COLLATE "C"`,
        [window],
      ),
    queueCounts: () =>
      pg.query<QueueCounts>(
        `SELECT queue, count(*) FILTER (WHERE state = 'ready') AS ready, count(*) FILTER (WHERE state = 'leased') AS leased,
           count(*) FILTER (WHERE state = 'dead' AND discarded_at IS NULL) AS dead,
           min(created_at) FILTER (WHERE state = 'ready') AS "oldestReadyAt"
         FROM messages WHERE state IN ('ready', 'leased', 'dead') GROUP BY queue ORDER BY queue COLLATE "C"`,
      ),
    readyActors: () => pg.query<{ queue: string; actor: string }>("SELECT DISTINCT queue, actor FROM messages WHERE state = 'ready'"),
    async databaseInfo(): Promise<DatabaseInfo> {
      const [row] = await pg.query<{ size: number }>("SELECT pg_database_size(current_database()) AS size");
      const { totalCount: total, idleCount: idle, waitingCount: waiting } = pg.pool;
      return { kind: "postgres", location: location(pg.url), sizeBytes: row?.size ?? 0, pool: { total, idle, waiting } };
    },
  };
}

/** `host:port/database` of a connection URL, leaving out the user and password. */
export function location(url: string): string {
  try {
    // Without its user and password: WHATWG URLs refuse credentials before an empty host, which
    // libpq's Unix-socket form (postgres://user@/db?host=/run/postgresql) has.
    const u = new URL(url.replace(/^([a-z]+:\/\/)[^@/]*@/, "$1"));
    const host = u.searchParams.get("host") ?? (u.hostname || "localhost");
    return `${host}:${u.port || "5432"}/${decodeURIComponent(u.pathname.slice(1))}`;
  } catch {
    return "(unparsable PostgreSQL URL)";
  }
}
