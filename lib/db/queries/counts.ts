import "server-only";
import type { Db } from "../client";
import { REQUEST_STATUSES, type RequestStatus } from "../../requests/statuses";
import { perDb } from "../per-db";

/** Requests by status; `dead` leaves out the dead letters a person discarded. */
export type StatusCounts = Record<RequestStatus, number> & { discarded: number };

const statements = perDb(({ $client: c }) => ({
  counts: c.prepare("SELECT key, n FROM request_counts"),
}));

/** Counts by status from the trigger-kept `request_counts`: one small read at any table size. */
export function requestCounts(db: Db): StatusCounts {
  const counts = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as StatusCounts;
  counts.discarded = 0;
  for (const row of statements(db).counts.all() as { key: string; n: number }[]) {
    if (row.key === "dead:discarded") counts.discarded += row.n;
    else if (row.key in counts) counts[row.key as RequestStatus] += row.n;
  }
  return counts;
}

/** How many requests each list tab holds. */
export function tabCounts(counts: StatusCounts) {
  return {
    pending: counts.pending,
    approved: counts.queued + counts.running + counts.succeeded + counts.failed,
    rejected: counts.rejected + counts.expired + counts.cancelled,
    dead: counts.dead,
  };
}
export type TabCounts = ReturnType<typeof tabCounts>;
