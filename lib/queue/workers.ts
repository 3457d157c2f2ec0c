import { hostname } from "node:os";
import type { Store, WorkerCounters, WorkerRecord } from "../db/store";
import { LEASE_MS, WORKER_STALE_MS } from "./lease";

/** Stopped workers stay on the health page this long, so a restart is visible. */
const STOPPED_SHOWN_MS = 3600_000;

/** What a worker process says about itself. */
export interface WorkerInfo {
  id: string;
  /** Queues it claims from; empty means every queue. */
  queues: readonly string[];
  /** Actors it has handlers for. */
  actors: readonly string[];
  concurrency: number;
}

/** A worker record with what its heartbeat says. */
export interface WorkerStatus extends WorkerRecord {
  /** `up`: heartbeat fresh; `down`: heartbeat stale without a clean stop; `stopped`: shut down cleanly. */
  state: "up" | "down" | "stopped";
}

/** Records a starting worker process. */
export function registerWorker(store: Store, info: WorkerInfo, now = Date.now()): Promise<void> {
  return store.registerWorker({
    id: info.id,
    host: hostname(),
    pid: process.pid,
    queues: [...info.queues],
    actors: [...info.actors],
    concurrency: info.concurrency,
    startedAt: now,
  });
}

/**
 * Records that the worker is alive, with its counters, and extends the leases of every message it
 * holds, in one transaction. Returns how many leases it extended.
 */
export function heartbeat(store: Store, id: string, counters: WorkerCounters, now = Date.now(), leaseMs = LEASE_MS): Promise<number> {
  return store.heartbeat(id, counters, now, leaseMs);
}

/** Records a worker's clean exit, with its final counters. */
export function markWorkerStopped(store: Store, id: string, counters: WorkerCounters, now = Date.now()): Promise<void> {
  return store.markWorkerStopped(id, counters, now);
}

/** Workers whose last heartbeat is after `since` (default: all), each with its state at `now`. */
export async function listWorkers(store: Store, since = 0, now = Date.now()): Promise<WorkerStatus[]> {
  return (await store.listWorkers(since)).map((w) => ({
    ...w,
    state: w.stoppedAt !== null ? "stopped" : now - w.heartbeatAt > WORKER_STALE_MS ? "down" : "up",
  }));
}

/** Workers seen in the last hour, as the health and overview pages show them. */
export function workerStatuses(store: Store, now = Date.now()): Promise<WorkerStatus[]> {
  return listWorkers(store, now - STOPPED_SHOWN_MS, now);
}
