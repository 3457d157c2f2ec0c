import { hostname } from "node:os";
import type { Db } from "../db/client";
import { LEASE_MS, WORKER_STALE_MS } from "./lease";
import { perDb } from "../db/per-db";

/** What a worker process says about itself. */
export interface WorkerInfo {
  id: string;
  /** Queues it claims from; empty means every queue. */
  queues: readonly string[];
  /** Actors it has handlers for. */
  actors: readonly string[];
  concurrency: number;
}

export interface WorkerStats {
  inFlight: number;
  processed: number;
  failed: number;
}

/** A worker record as the health page shows it. */
export interface WorkerStatus extends WorkerInfo, WorkerStats {
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
  /** Heartbeat recent and not stopped: it is claiming. */
  live: boolean;
}

interface Row {
  id: string;
  host: string;
  pid: number;
  queues: string;
  actors: string;
  concurrency: number;
  in_flight: number;
  processed: number;
  failed: number;
  started_at: number;
  heartbeat_at: number;
  stopped_at: number | null;
}

const statements = perDb(({ $client: client }) => {
  const beat = client.prepare<[number, number, number, number, string]>(
    `UPDATE workers SET heartbeat_at = ?, in_flight = ?, processed = ?, failed = ? WHERE id = ?`,
  );
  const extend = client.prepare<[number, string]>(
    `UPDATE messages SET lease_expires_at = ? WHERE worker_id = ? AND state = 'leased'`,
  );
  return {
    register: client.prepare(
      `INSERT INTO workers (id, host, pid, queues, actors, concurrency, started_at, heartbeat_at)
       VALUES (@id, @host, @pid, @queues, @actors, @concurrency, @now, @now)`,
    ),
    heartbeat: client.transaction((id: string, stats: WorkerStats, now: number, leaseMs: number) => {
      beat.run(now, stats.inFlight, stats.processed, stats.failed, id);
      return extend.run(now + leaseMs, id).changes;
    }),
    stop: client.prepare(
      `UPDATE workers SET stopped_at = @now, heartbeat_at = @now, in_flight = @inFlight, processed = @processed,
         failed = @failed WHERE id = @id`,
    ),
    list: client.prepare<[], Row>(`SELECT * FROM workers ORDER BY started_at DESC`),
  };
});

/** Records a starting worker process. */
export function registerWorker(db: Db, info: WorkerInfo, now = Date.now()): void {
  statements(db).register.run({
    id: info.id,
    host: hostname(),
    pid: process.pid,
    queues: JSON.stringify(info.queues),
    actors: JSON.stringify(info.actors),
    concurrency: info.concurrency,
    now,
  });
}

/**
 * Records that the worker is alive, with its counters, and extends the leases of every message it
 * holds, in one transaction. Returns how many leases it extended.
 */
export function heartbeat(db: Db, id: string, stats: WorkerStats, now = Date.now(), leaseMs = LEASE_MS): number {
  return statements(db).heartbeat.immediate(id, stats, now, leaseMs);
}

/** Records a worker's clean exit, with its final counters. */
export function markWorkerStopped(db: Db, id: string, stats: WorkerStats, now = Date.now()): void {
  statements(db).stop.run({ ...stats, now, id });
}

/** Every recorded worker, newest first, with whether it is live now. */
export function listWorkers(db: Db, now = Date.now()): WorkerStatus[] {
  return statements(db)
    .list.all()
    .map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      queues: JSON.parse(r.queues) as string[],
      actors: JSON.parse(r.actors) as string[],
      concurrency: r.concurrency,
      inFlight: r.in_flight,
      processed: r.processed,
      failed: r.failed,
      startedAt: r.started_at,
      heartbeatAt: r.heartbeat_at,
      stoppedAt: r.stopped_at,
      live: r.stopped_at === null && now - r.heartbeat_at < WORKER_STALE_MS,
    }));
}
