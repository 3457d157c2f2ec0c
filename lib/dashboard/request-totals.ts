import "server-only";
import type { MinuteRow } from "../db/store";
import type { StatusCounts } from "./counts";
import type { RollupBucket } from "./latency-histogram";

/** Statuses a counter reports entries into; `pending` is `submitted`. */
export const REACHED = ["queued", "running", "succeeded", "failed", "dead", "rejected", "expired", "cancelled", "allowed"] as const;
export type Reached = (typeof REACHED)[number];

/** The latency histograms the triggers keep (request_latency.metric). */
export const LATENCY_METRICS = ["decision", "wait", "run"] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** Everything Gatehouse has counted since its database was created: figures that only grow. */
export interface RequestTotals {
  submitted: number;
  /** Times a request entered each status (a dead letter put back on the queue enters `queued` again). */
  reached: Record<Reached, number>;
  /** Decisions at submission by a policy rule or auto-approval, and later ones by a person. */
  decided: { person: number; policy: number };
  latency: Record<LatencyMetric, RollupBucket[]>;
}

/**
 * All-time totals from the rollups: every minute row summed, and the latency buckets summed over
 * every hour. Rollups are only ever added to (nothing prunes them), so these never go down. A
 * pruner of rollups MUST fold what it deletes into a row it keeps, in the same transaction, or
 * these counters fall and Prometheus reads a reset (a false jump in rate and increase).
 */
export function requestTotals(minutes: readonly MinuteRow[], latency: readonly (RollupBucket & { metric: string })[], counts: StatusCounts): RequestTotals {
  const sum = (k: keyof Omit<MinuteRow, "minute">) => minutes.reduce((n, m) => n + m[k], 0);
  const buckets = (metric: LatencyMetric) => latency.filter((r) => r.metric === metric).map(({ bucket, n }) => ({ bucket, n }));
  const hist = { decision: buckets("decision"), wait: buckets("wait"), run: buckets("run") };
  // The decision histogram counts exactly the decisions a person made (its trigger leaves out
  // `policy:*`), and `decided` counts every decision; the difference is the policy's.
  const person = hist.decision.reduce((n, b) => n + b.n, 0);
  const decided = sum("decided");
  return {
    submitted: sum("submitted"),
    reached: {
      queued: sum("queuedIn"),
      running: sum("started"),
      succeeded: sum("succeeded"),
      failed: sum("failed"),
      dead: sum("dead"),
      // No rollup counts these; they are final statuses that nothing moves a request out of, and
      // nothing deletes requests, so how many are in them now is how many ever reached them.
      rejected: counts.rejected,
      expired: counts.expired,
      cancelled: counts.cancelled,
      allowed: counts.allowed,
    },
    decided: { person, policy: Math.max(0, decided - person) },
    latency: hist,
  };
}
