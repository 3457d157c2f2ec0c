import "server-only";
import type { Db } from "../client";
import { WORKER_STALE_MS } from "../../queue/lease";
import { perDb } from "../per-db";

/** Stopped workers stay on the health page this long, so a restart is visible. */
const STOPPED_SHOWN_MS = 3600_000;

export interface WorkerStatus {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  actors: string[];
  concurrency: number;
  inFlight: number;
  processed: number;
  failed: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
  /** `up`: heartbeat fresh; `down`: heartbeat stale without a clean stop; `stopped`: shut down cleanly. */
  state: "up" | "down" | "stopped";
}

const statements = perDb(({ $client: c }) => ({
  workers: c.prepare(
    `SELECT id, host, pid, queues, actors, concurrency, in_flight AS inFlight, processed, failed,
       started_at AS startedAt, heartbeat_at AS heartbeatAt, stopped_at AS stoppedAt
     FROM workers WHERE heartbeat_at > ? ORDER BY host, started_at`,
  ),
}));

type WorkerRow = Omit<WorkerStatus, "queues" | "actors" | "state"> & { queues: string; actors: string };

/** Workers seen in the last hour, each with its state from its heartbeat. */
export function workerStatuses(db: Db, now = Date.now()): WorkerStatus[] {
  const rows = statements(db).workers.all(now - STOPPED_SHOWN_MS) as WorkerRow[];
  return rows.map((w) => ({
    ...w,
    queues: jsonList(w.queues),
    actors: jsonList(w.actors),
    state: w.stoppedAt !== null ? "stopped" : now - w.heartbeatAt > WORKER_STALE_MS ? "down" : "up",
  }));
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
