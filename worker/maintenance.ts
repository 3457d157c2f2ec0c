import { config } from "../lib/config";
import type { Db } from "../lib/db/client";
import { RECLAIM_EVERY_MS } from "../lib/queue/lease";
import { prune } from "../lib/queue/prune";
import { reclaim } from "../lib/queue/reclaim";
import { log } from "./log";

/** Periodic housekeeping that every worker process runs; each task must be safe to run concurrently. */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(db: Db, now: number): void;
}

const tasks: MaintenanceTask[] = [
  {
    name: "reclaim expired leases",
    everyMs: RECLAIM_EVERY_MS,
    run(db, now) {
      const { retried, dead } = reclaim(db, now);
      if (retried.length) log.warn(`lease expired: messages ${retried.join(", ")} are due again`);
      if (dead.length) log.warn(`lease expired: messages ${dead.join(", ")} are dead letters`);
    },
  },
  {
    name: "prune finished messages",
    everyMs: 60_000,
    run(db, now) {
      const settings = config();
      prune(db, {
        now,
        doneRetentionMs: settings.GATEHOUSE_DONE_RETENTION_HOURS * 3600_000,
        deadRetentionMs: settings.GATEHOUSE_DEAD_RETENTION_DAYS * 86_400_000,
      });
    },
  },
];

/**
 * Adds a periodic task to every worker process (register before the worker starts, e.g. from a
 * module that worker/actors/index.ts imports). Example: expiring pending requests.
 */
export function registerMaintenance(task: MaintenanceTask): void {
  tasks.push(task);
}

/** Runs every task now and then on its own interval; returns a function that stops them. */
export function startMaintenance(db: Db): () => void {
  const timers = tasks.map((task) => {
    const tick = () => {
      try {
        task.run(db, Date.now());
      } catch (err) {
        log.error(`maintenance "${task.name}" failed`, err);
      }
    };
    tick();
    return setInterval(tick, task.everyMs);
  });
  return () => timers.forEach(clearInterval);
}
