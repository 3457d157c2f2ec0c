import { statSync } from "node:fs";
import type { DatabaseInfo, MinuteRow, QueueCounts } from "../store";
import type { Db } from "./client";
import { perDb } from "./per-db";

/** `columns` of every ready message: those due (messages_ready_now) and those delayed (messages_delayed). */
const READY = (columns: string) =>
  `SELECT ${columns} FROM messages WHERE state = 'ready' AND run_at <= created_at
   UNION ALL SELECT ${columns} FROM messages WHERE state = 'ready' AND run_at > created_at`;

const statements = perDb(({ $client: c }) => ({
  counts: c.prepare<[], { key: string; n: number }>("SELECT key, n FROM request_counts"),
  minutes: c.prepare<[number], MinuteRow>(
    `SELECT minute, submitted, decided, started, succeeded, failed, dead, pending_in AS pendingIn, pending_out AS pendingOut,
       queued_in AS queuedIn, queued_out AS queuedOut
     FROM request_minutes WHERE minute >= ? ORDER BY minute`,
  ),
  latency: c.prepare<[number], { metric: string; bucket: number; n: number }>(
    "SELECT metric, bucket, sum(n) AS n FROM request_latency WHERE hour >= ? GROUP BY metric, bucket ORDER BY metric, bucket",
  ),
  oldestPending: c
    .prepare<[], number>("SELECT created_at FROM requests INDEXED BY requests_status WHERE status = 'pending' ORDER BY id LIMIT 1")
    .pluck(),
  recent: c.prepare<[number], { command: string; agentId: string; session: string; n: number }>(
    `SELECT command, agent_id AS agentId, session, count(*) AS n
     FROM (SELECT command, agent_id, session FROM requests ORDER BY id DESC LIMIT ?)
     GROUP BY command, agent_id, session`,
  ),
  // Each part reads one partial index: done messages, most of the table, are never scanned.
  queues: c.prepare<[], QueueCounts>(
    `SELECT queue, sum(state = 'ready') AS ready, sum(state = 'leased') AS leased,
       sum(state = 'dead' AND discarded_at IS NULL) AS dead,
       min(CASE WHEN state = 'ready' THEN created_at END) AS oldestReadyAt
     FROM (${READY("queue, state, created_at, discarded_at")}
       UNION ALL SELECT queue, state, created_at, discarded_at FROM messages WHERE state = 'leased'
       UNION ALL SELECT queue, state, created_at, discarded_at FROM messages WHERE state = 'dead')
     GROUP BY queue ORDER BY queue`,
  ),
  readyActors: c.prepare<[], { queue: string; actor: string }>(`SELECT DISTINCT queue, actor FROM (${READY("queue, actor")})`),
  size: c.prepare<[], number>("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").pluck(),
}));

/** Counts by status from the trigger-kept request_counts: one small read at any table size. */
export function statusCounts(db: Db): { key: string; n: number }[] {
  return statements(db).counts.all();
}

export const minutes = (db: Db, fromMinute: number) => statements(db).minutes.all(fromMinute);
export const latency = (db: Db, fromHour: number) => statements(db).latency.all(fromHour);
export const oldestPendingAt = (db: Db) => statements(db).oldestPending.get() ?? null;
export const recentCommands = (db: Db, window: number) => statements(db).recent.all(window);
export const queueCounts = (db: Db) => statements(db).queues.all();
export const readyActors = (db: Db) => statements(db).readyActors.all();

/** Checkpoint at most this often from health checks (SQLite keeps no record of when one ran). */
const CHECKPOINT_EVERY_MS = 60_000;
const checkpoints = new WeakMap<Db, DatabaseInfo["lastCheckpoint"]>();

/** The file, its size and its WAL's, and a passive checkpoint now and then (it never blocks anyone). */
export function databaseInfo(db: Db, now: number): DatabaseInfo {
  const file = db.$client.name;
  const sizeBytes = statements(db).size.get() ?? 0;
  let last = checkpoints.get(db) ?? null;
  if (!last || now - last.at >= CHECKPOINT_EVERY_MS) {
    const r = db.$client.pragma("wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
    last = { at: now, walFrames: r[0]?.log ?? 0, checkpointed: r[0]?.checkpointed ?? 0 };
    checkpoints.set(db, last);
  }
  return { kind: "sqlite", location: file, sizeBytes, walBytes: fileSize(file + "-wal"), lastCheckpoint: last };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
