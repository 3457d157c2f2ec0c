import "server-only";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { requestCounts, tabCounts, type StatusCounts, type TabCounts } from "./counts";
import { workerStatuses, type WorkerStatus } from "./workers";

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

const statements = perDb(({ $client: c }) => ({
  minutes: c.prepare(
    "SELECT minute, submitted, succeeded + failed AS finished, succeeded, failed FROM request_minutes WHERE minute > ? ORDER BY minute",
  ),
  oldestPending: c
    .prepare("SELECT created_at FROM requests INDEXED BY requests_status WHERE status = 'pending' ORDER BY id LIMIT 1")
    .pluck(),
}));

/** Everything the overview page shows, in a handful of index reads. */
export function overview(db: Db, now = Date.now()): Overview {
  const s = statements(db);
  const counts = requestCounts(db);
  const thisMinute = Math.floor(now / 60_000);
  const rows = s.minutes.all(thisMinute - 60) as { minute: number; submitted: number; finished: number; succeeded: number; failed: number }[];
  const submitted = new Array<number>(60).fill(0);
  const finished = new Array<number>(60).fill(0);
  const lastHour = { succeeded: 0, failed: 0, submitted: 0 };
  for (const r of rows) {
    const i = r.minute - (thisMinute - 59);
    if (i < 0 || i > 59) continue;
    submitted[i] = r.submitted;
    finished[i] = r.finished;
    lastHour.succeeded += r.succeeded;
    lastHour.failed += r.failed;
    lastHour.submitted += r.submitted;
  }
  return {
    now,
    counts,
    tabs: tabCounts(counts),
    lastHour,
    oldestPendingAt: (s.oldestPending.get() as number | undefined) ?? null,
    sparkline: { submitted, finished },
    workers: workerStatuses(db, now),
  };
}
