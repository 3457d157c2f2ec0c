import "server-only";
import type { Store } from "../db/store";
import { workerStatuses, type WorkerStatus } from "../queue/workers";
import { requestCounts, tabCounts, type StatusCounts, type TabCounts } from "./counts";

export interface Overview {
  now: number;
  counts: StatusCounts;
  tabs: TabCounts;
  lastHour: { succeeded: number; failed: number; submitted: number };
  /** When the oldest request still waiting for a decision arrived (ms), or null. */
  oldestPendingAt: number | null;
  /** Requests submitted and commands finished in each of the last 60 minutes, oldest first. */
  sparkline: { submitted: number[]; finished: number[] };
  workers: WorkerStatus[];
}

/** Everything the overview page shows, in a handful of index reads. */
export async function overview(store: Store, now = Date.now()): Promise<Overview> {
  const thisMinute = Math.floor(now / 60_000);
  const [counts, rows, oldestPendingAt, workers] = await Promise.all([
    requestCounts(store),
    store.minutes(thisMinute - 59),
    store.oldestPendingAt(),
    workerStatuses(store, now),
  ]);
  const submitted = new Array<number>(60).fill(0);
  const finished = new Array<number>(60).fill(0);
  const lastHour = { succeeded: 0, failed: 0, submitted: 0 };
  for (const r of rows) {
    const i = r.minute - (thisMinute - 59);
    if (i < 0 || i > 59) continue;
    submitted[i] = r.submitted;
    finished[i] = r.succeeded + r.failed;
    lastHour.succeeded += r.succeeded;
    lastHour.failed += r.failed;
    lastHour.submitted += r.submitted;
  }
  return {
    now,
    counts,
    tabs: tabCounts(counts),
    lastHour,
    oldestPendingAt,
    sparkline: { submitted, finished },
    workers,
  };
}
