import "server-only";
import type { Store } from "../db/store";
import { requestCounts, type StatusCounts } from "./counts";
import type { Health } from "./health";
import { histogramSamples } from "./latency-histogram";
import { healthFamilies } from "./metrics-health";
import { exposition, type MetricFamily } from "./prometheus-text";
import { REACHED, requestTotals, type RequestTotals } from "./request-totals";

// Why not prom-client: it is built to count inside the process (inc/observe as things happen, then
// aggregate across a cluster's workers). Here nothing is counted in the web process: each scrape
// reads the database that every web server and worker writes, so every figure is a value to set.
// Its Histogram can only be fed one observation at a time, not the rollups' bucket counts, so the
// histograms would still be hand-built; what would remain is formatting, which prometheus-text.ts
// does in a few lines and `promtool check metrics` verifies in the tests.
//
// Every web server reads the same database, so each reports the same figures: aggregate them
// across instances with max (or scrape one), not sum.

/** Prometheus text exposition (version 0.0.4) of Gatehouse's state, read from the database at each scrape. */
export async function prometheusMetrics(store: Store, h: Health, now = Date.now()): Promise<string> {
  // minutes(0) reads every minute row ever written, so a scrape costs more as history grows; a
  // store read that sums them in SQL would make it one row.
  const [counts, minutes, latency, oldestPendingAt] = await Promise.all([
    requestCounts(store),
    store.minutes(0),
    store.latency(0),
    store.oldestPendingAt(),
  ]);
  const totals = requestTotals(minutes, latency, counts);
  return exposition([...requestFamilies(totals, counts, oldestPendingAt, now), ...healthFamilies(h, now)]);
}

const MIDDLE_NOTE = "_sum is estimated from the middle of each quarter-octave rollup bucket (within about 9%); buckets and _count are exact.";

function requestFamilies(totals: RequestTotals, counts: StatusCounts, oldestPendingAt: number | null, now: number): MetricFamily[] {
  return [
    { name: "gatehouse_requests_submitted_total", type: "counter", help: "Requests agents have submitted.", samples: [{ value: totals.submitted }] },
    {
      name: "gatehouse_requests_reached_total", type: "counter",
      help: "Times a request entered a status (queued again after a retry or requeue counts again).",
      samples: REACHED.map((status) => ({ labels: { status }, value: totals.reached[status] })),
    },
    {
      name: "gatehouse_requests_decided_total", type: "counter",
      help: "Approvals and rejections: by a policy rule or auto-approval at submission, or by a person.",
      samples: [{ labels: { by: "person" }, value: totals.decided.person }, { labels: { by: "policy" }, value: totals.decided.policy }],
    },
    {
      name: "gatehouse_request_decision_duration_seconds", type: "histogram",
      help: `Time from submission to a person's approval or rejection (policy decisions are not in it). ${MIDDLE_NOTE}`,
      samples: histogramSamples(totals.latency.decision),
    },
    {
      name: "gatehouse_request_wait_duration_seconds", type: "histogram",
      help: `Time from approval (enqueue) to a worker starting the command. ${MIDDLE_NOTE}`,
      samples: histogramSamples(totals.latency.wait),
    },
    {
      name: "gatehouse_request_run_duration_seconds", type: "histogram",
      help: `Time a command ran, for those that succeeded or failed. ${MIDDLE_NOTE}`,
      samples: histogramSamples(totals.latency.run),
    },
    {
      name: "gatehouse_requests", type: "gauge",
      help: "Requests by status now (dead leaves out discarded dead letters, which are under discarded); pending ones wait for a person.",
      samples: Object.entries(counts).map(([status, n]) => ({ labels: { status }, value: n })),
    },
    {
      name: "gatehouse_pending_oldest_age_seconds", type: "gauge", help: "How long the oldest pending request has waited for a person; 0 when none waits.",
      samples: [{ value: oldestPendingAt === null ? 0 : Math.max(0, (now - oldestPendingAt) / 1000) }],
    },
  ];
}
