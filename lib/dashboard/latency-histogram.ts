import type { Sample } from "./prometheus-text";

/** A rollup bucket of request_latency, summed over hours: b holds durations in [2^(b/4), 2^((b+1)/4)) ms. */
export interface RollupBucket {
  bucket: number;
  n: number;
}

export interface LatencyBound {
  /** Rollup buckets with a lower index than this are at or under the bound. */
  below: number;
  leSeconds: number;
}

/**
 * The `le` bounds every Gatehouse exposes, the same at every scrape and on every instance, so that
 * `sum by (le)` and `histogram_quantile` combine them. Each is a rollup edge 2^(k + ½) ms, one per
 * doubling from 1 ms to 8.8 days: durations are whole milliseconds and such an edge is never a
 * whole number, so "below the edge" (how the triggers bucket) and "at most the largest whole ms
 * below it" (what `le` means) count exactly the same requests. An edge at 2^k ms would not: a
 * duration of exactly 2^k ms lies in the rollup bucket above it.
 */
export const LATENCY_BOUNDS: readonly LatencyBound[] = Array.from({ length: 30 }, (_, k) => ({
  below: 4 * k + 2,
  leSeconds: Math.floor(2 ** (k + 0.5)) / 1000,
}));

/** The middle of a rollup bucket in ms (geometric; bucket 0 also holds 0 and 1 ms), as `_sum` estimates it. */
const middleMs = (bucket: number): number => (bucket <= 0 ? 1 : 2 ** ((bucket + 0.5) / 4));

/**
 * A Prometheus histogram's `_bucket`, `_sum` and `_count` samples (seconds) from rollup buckets.
 * Buckets and count are exact; `_sum` counts each request at its bucket's middle, so it is within
 * about 9% of the true total. Every term only grows with the rollups, so all of them are monotonic.
 */
export function histogramSamples(rows: readonly RollupBucket[]): Sample[] {
  const sorted = [...rows].sort((a, b) => a.bucket - b.bucket);
  const samples: Sample[] = LATENCY_BOUNDS.map(({ below, leSeconds }) => ({
    suffix: "_bucket",
    labels: { le: leSeconds },
    value: sorted.reduce((n, r) => (r.bucket < below ? n + r.n : n), 0),
  }));
  const count = sorted.reduce((n, r) => n + r.n, 0);
  const sumMs = sorted.reduce((s, r) => s + r.n * middleMs(r.bucket), 0);
  samples.push(
    { suffix: "_bucket", labels: { le: "+Inf" }, value: count },
    { suffix: "_sum", value: sumMs / 1000 },
    { suffix: "_count", value: count },
  );
  return samples;
}
