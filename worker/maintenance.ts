import { config } from "../lib/config";
import type { Store } from "../lib/db/store";
import { RECLAIM_EVERY_MS } from "../lib/queue/lease";
import { prune } from "../lib/queue/prune";
import { reclaim } from "../lib/queue/reclaim";
import { log } from "./log";

/** Periodic housekeeping that every worker process runs; each task must be safe to run concurrently. */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(store: Store, now: number): Promise<void>;
}

const tasks: MaintenanceTask[] = [
  {
    name: "reclaim expired leases",
    everyMs: RECLAIM_EVERY_MS,
    async run(store, now) {
      const { retried, dead } = await reclaim(store, now);
      if (retried.length) log.warn(`lease expired: messages ${retried.join(", ")} are due again`);
      if (dead.length) log.warn(`lease expired: messages ${dead.join(", ")} are dead letters`);
    },
  },
  {
    name: "prune finished messages",
    everyMs: 60_000,
    async run(store, now) {
      const settings = config();
      await prune(store, {
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
export function startMaintenance(store: Store): () => void {
  const timers = tasks.map((task) => {
    // One run of a task at a time: a slow one is not started again on top of itself.
    let running = false;
    const tick = () => {
      if (running) return;
      running = true;
      task
        .run(store, Date.now())
        .catch((err: unknown) => log.error(`maintenance "${task.name}" failed`, err))
        .finally(() => (running = false));
    };
    tick();
    return setInterval(tick, task.everyMs);
  });
  return () => timers.forEach(clearInterval);
}
