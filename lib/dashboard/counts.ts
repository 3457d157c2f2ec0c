import "server-only";
import type { Store } from "../db/store";
import { REQUEST_STATUSES, type RequestStatus } from "../requests/statuses";

/** Requests by status; `dead` leaves out the dead letters a person discarded. */
export type StatusCounts = Record<RequestStatus, number> & { discarded: number };

/** Counts by status from the trigger-kept `request_counts`: one small read at any table size. */
export async function requestCounts(store: Store): Promise<StatusCounts> {
  const counts = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as StatusCounts;
  counts.discarded = 0;
  for (const row of await store.statusCounts()) {
    if (row.key === "dead:discarded") counts.discarded += row.n;
    else if (row.key in counts) counts[row.key as RequestStatus] += row.n;
  }
  return counts;
}

/** How many requests each list tab holds. */
export function tabCounts(counts: StatusCounts) {
  return {
    pending: counts.pending,
    approved: counts.queued + counts.running + counts.succeeded + counts.failed + counts.allowed,
    rejected: counts.rejected + counts.expired + counts.cancelled,
    dead: counts.dead,
  };
}
export type TabCounts = ReturnType<typeof tabCounts>;
