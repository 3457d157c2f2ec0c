import type { WorkerCounters, WorkerRecord } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

interface Row extends Omit<WorkerRecord, "queues" | "actors"> {
  queues: string;
  actors: string;
}

const statements = perDb(({ $client: c }) => {
  const beat = c.prepare<[number, number, number, number, string]>(
    `UPDATE workers SET heartbeat_at = ?, in_flight = ?, processed = ?, failed = ? WHERE id = ?`,
  );
  const extend = c.prepare<[number, string]>(`UPDATE messages SET lease_expires_at = ? WHERE worker_id = ? AND state = 'leased'`);
  return {
    register: c.prepare(
      `INSERT INTO workers (id, host, pid, queues, actors, concurrency, started_at, heartbeat_at)
       VALUES (@id, @host, @pid, @queues, @actors, @concurrency, @startedAt, @startedAt)`,
    ),
    heartbeat: c.transaction((id: string, k: WorkerCounters, now: number, leaseMs: number) => {
      beat.run(now, k.inFlight, k.processed, k.failed, id);
      return extend.run(now + leaseMs, id).changes;
    }),
    stop: c.prepare(
      `UPDATE workers SET stopped_at = @now, heartbeat_at = @now, in_flight = @inFlight, processed = @processed,
         failed = @failed WHERE id = @id`,
    ),
    list: c.prepare<[number], Row>(
      `SELECT id, host, pid, queues, actors, concurrency, in_flight AS inFlight, processed, failed,
         started_at AS startedAt, heartbeat_at AS heartbeatAt, stopped_at AS stoppedAt
       FROM workers WHERE heartbeat_at > ? ORDER BY host, started_at`,
    ),
  };
});

export function registerWorker(db: Db, w: Omit<WorkerRecord, "inFlight" | "processed" | "failed" | "heartbeatAt" | "stoppedAt">): void {
  statements(db).register.run({ ...w, queues: JSON.stringify(w.queues), actors: JSON.stringify(w.actors) });
}

/** The heartbeat and the extension of every lease the worker holds, in one transaction. */
export function heartbeat(db: Db, id: string, counters: WorkerCounters, now: number, leaseMs: number): number {
  return statements(db).heartbeat.immediate(id, counters, now, leaseMs);
}

export function markWorkerStopped(db: Db, id: string, counters: WorkerCounters, now: number): void {
  statements(db).stop.run({ ...counters, now, id });
}

export function listWorkers(db: Db, since: number): WorkerRecord[] {
  return statements(db)
    .list.all(since)
    .map((r) => ({ ...r, queues: jsonList(r.queues), actors: jsonList(r.actors) }));
}

/** A JSON array of names stored in a text column; anything else reads as none. */
export function jsonList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
