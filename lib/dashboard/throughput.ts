import "server-only";
import * as z from "zod";
import type { MinuteRow, Store } from "../db/store";
import { requestCounts } from "./counts";

/** The throughput page's ranges and the width of one chart bucket in each. */
export const RANGES = {
  "1h": { ms: 3600_000, bucketMinutes: 1 },
  "24h": { ms: 24 * 3600_000, bucketMinutes: 15 },
  "7d": { ms: 7 * 24 * 3600_000, bucketMinutes: 60 },
} as const;
export type Range = keyof typeof RANGES;

/** The query of `GET /api/stats`: with `?range=`, the answer includes that range's throughput series. */
export const statsQuerySchema = z.strictObject({ range: z.enum(Object.keys(RANGES) as [Range]).optional() });

export interface ThroughputPoint {
  /** Start of the bucket, ms since the epoch. */
  t: number;
  submitted: number;
  decided: number;
  started: number;
  succeeded: number;
  failed: number;
  dead: number;
  /** Requests waiting for a decision, and approved ones waiting for a worker, at the bucket's end. */
  pendingDepth: number;
  queuedDepth: number;
}

/** Percentiles in ms; null when nothing was measured in the range. */
export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Throughput {
  range: Range;
  bucketMs: number;
  points: ThroughputPoint[];
  totals: { submitted: number; decided: number; started: number; succeeded: number; failed: number; dead: number };
  /** decision: created → decided by a person; wait: queued → started; run: started → finished. */
  latency: { decision: Percentiles; wait: Percentiles; run: Percentiles };
  /** Latency histograms are kept per hour, so their window starts at this hour. */
  latencySince: number;
}

type BucketRow = Omit<ThroughputPoint, "t" | "pendingDepth" | "queuedDepth"> & {
  b: number;
  pendingDelta: number;
  queuedDelta: number;
};

/** Minute rows summed into chart buckets of `per` minutes, in order. */
function buckets(minutes: MinuteRow[], per: number): BucketRow[] {
  const out = new Map<number, BucketRow>();
  for (const m of minutes) {
    const b = Math.floor(m.minute / per);
    const row = out.get(b) ?? { b, submitted: 0, decided: 0, started: 0, succeeded: 0, failed: 0, dead: 0, pendingDelta: 0, queuedDelta: 0 };
    row.submitted += m.submitted;
    row.decided += m.decided;
    row.started += m.started;
    row.succeeded += m.succeeded;
    row.failed += m.failed;
    row.dead += m.dead;
    row.pendingDelta += m.pendingIn - m.pendingOut;
    row.queuedDelta += m.queuedIn - m.queuedOut;
    out.set(b, row);
  }
  return [...out.values()];
}

/**
 * Throughput, latency percentiles and queue depth over a range, read from the per-minute and
 * per-hour rollups that triggers keep: the cost depends on the range, not on the table size.
 */
export async function throughput(store: Store, range: Range, now = Date.now()): Promise<Throughput> {
  const { ms, bucketMinutes } = RANGES[range];
  const bucketMs = bucketMinutes * 60_000;
  const lastBucket = Math.floor(now / bucketMs);
  const firstBucket = lastBucket - Math.round(ms / bucketMs) + 1;
  const latencySince = Math.floor((now - ms) / 3600_000) * 3600_000;
  const [minutes, counts, hist] = await Promise.all([
    store.minutes(firstBucket * bucketMinutes),
    requestCounts(store),
    store.latency(latencySince / 3600_000),
  ]);
  const rows = buckets(minutes, bucketMinutes);
  const byBucket = new Map(rows.map((r) => [r.b, r]));

  // Depth now is known exactly; walking back through each bucket's ins and outs gives the past.
  let pending = counts.pending;
  let queued = counts.queued;
  for (const r of rows) {
    if (r.b > lastBucket) {
      pending -= r.pendingDelta;
      queued -= r.queuedDelta;
    }
  }
  const points: ThroughputPoint[] = [];
  for (let b = lastBucket; b >= firstBucket; b--) {
    const r = byBucket.get(b);
    points.push({
      t: b * bucketMs,
      submitted: r?.submitted ?? 0,
      decided: r?.decided ?? 0,
      started: r?.started ?? 0,
      succeeded: r?.succeeded ?? 0,
      failed: r?.failed ?? 0,
      dead: r?.dead ?? 0,
      pendingDepth: Math.max(0, pending),
      queuedDepth: Math.max(0, queued),
    });
    pending -= r?.pendingDelta ?? 0;
    queued -= r?.queuedDelta ?? 0;
  }
  points.reverse();

  const totals = { submitted: 0, decided: 0, started: 0, succeeded: 0, failed: 0, dead: 0 };
  for (const p of points) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += p[k];

  return {
    range,
    bucketMs,
    points,
    totals,
    latency: {
      decision: percentiles(hist.filter((h) => h.metric === "decision")),
      wait: percentiles(hist.filter((h) => h.metric === "wait")),
      run: percentiles(hist.filter((h) => h.metric === "run")),
    },
    latencySince,
  };
}

/**
 * Percentiles from a log histogram whose bucket b holds values in [2^(b/4), 2^((b+1)/4)) ms:
 * each is reported as its bucket's geometric middle, within ~10% of the true value.
 */
export function percentiles(buckets: { bucket: number; n: number }[]): Percentiles {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const count = sorted.reduce((n, b) => n + b.n, 0);
  if (count === 0) return { count, p50: null, p95: null, p99: null };
  const at = (q: number) => {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (const b of sorted) {
      seen += b.n;
      if (seen >= rank) return b.bucket <= 0 ? 1 : Math.round(2 ** ((b.bucket + 0.5) / 4));
    }
    return null;
  };
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
