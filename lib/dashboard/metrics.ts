import "server-only";
import type { Store } from "../db/store";
import { requestCounts } from "./counts";
import type { Health } from "./health";
import { throughput } from "./throughput";

type Labels = Record<string, string | number>;
const QUANTILES = { p50: "0.5", p95: "0.95", p99: "0.99" } as const;

/** Prometheus text exposition (version 0.0.4) of Gatehouse's state, from the same reads as the pages. */
export async function prometheusMetrics(store: Store, h: Health, now = Date.now()): Promise<string> {
  const out: string[] = [];
  const metric = (name: string, type: "gauge" | "counter", help: string, samples: [Labels, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labelText(labels)} ${value}`);
  };

  const [counts, hour] = await Promise.all([requestCounts(store), throughput(store, "1h", now)]);
  metric("gatehouse_requests", "gauge", "Requests by status (dead excludes discarded dead letters).",
    Object.entries(counts).map(([status, n]) => [{ status }, n]));

  metric("gatehouse_requests_last_hour", "gauge", "Requests submitted, decided, started, succeeded, failed and dead-lettered in the last hour.",
    Object.entries(hour.totals).map(([event, n]) => [{ event }, n]));
  const latency: [Labels, number][] = [];
  for (const [name, p] of Object.entries(hour.latency)) {
    for (const q of ["p50", "p95", "p99"] as const) {
      const v = p[q];
      if (v !== null) latency.push([{ stage: name, quantile: QUANTILES[q] }, v / 1000]);
    }
  }
  metric("gatehouse_latency_seconds", "gauge",
    "Latency quantiles since the start of the previous hour: decision (created to decided), wait (queued to started), run (started to finished).",
    latency);

  metric("gatehouse_up", "gauge", "1 when every part of Gatehouse is healthy.", [[{}, h.ok ? 1 : 0]]);
  metric("gatehouse_worker_up", "gauge", "1 for a worker with a fresh heartbeat.",
    h.workers.map((w) => [{ worker: w.id, host: w.host, pid: w.pid }, w.state === "up" ? 1 : 0]));
  metric("gatehouse_worker_in_flight", "gauge", "Messages a worker is running now.",
    h.workers.map((w) => [{ worker: w.id }, w.inFlight]));
  metric("gatehouse_worker_processed_total", "counter", "Messages a worker has finished.",
    h.workers.map((w) => [{ worker: w.id }, w.processed]));
  metric("gatehouse_worker_failed_total", "counter", "Messages that failed in a worker.",
    h.workers.map((w) => [{ worker: w.id }, w.failed]));
  metric("gatehouse_queue_messages", "gauge", "Queue messages by state.",
    h.queues.flatMap((q) => [[{ queue: q.queue, state: "ready" }, q.ready], [{ queue: q.queue, state: "leased" }, q.leased], [{ queue: q.queue, state: "dead" }, q.dead]] as [Labels, number][]));
  metric("gatehouse_queue_oldest_ready_age_seconds", "gauge", "Age of the oldest ready message in a queue.",
    h.queues.map((q) => [{ queue: q.queue }, q.oldestReadyAt === null ? 0 : Math.max(0, (now - q.oldestReadyAt) / 1000)]));
  metric("gatehouse_queue_actors_without_consumer", "gauge", "Actors of a queue that no live worker handles.",
    h.queues.map((q) => [{ queue: q.queue }, q.actorsWithoutConsumer.length]));
  metric("gatehouse_db_size_bytes", "gauge", "Size of the database (the SQLite file, or the PostgreSQL database).", [[{}, h.db.sizeBytes]]);
  if (h.db.walBytes !== undefined) metric("gatehouse_db_wal_bytes", "gauge", "Size of the SQLite write-ahead log.", [[{}, h.db.walBytes]]);
  metric("gatehouse_tmux_up", "gauge", "1 when the tmux server answers.", [[{}, h.tmux.reachable ? 1 : 0]]);
  metric("gatehouse_tmux_sessions", "gauge", "tmux sessions on Gatehouse's server.", [[{}, h.tmux.sessions.length]]);
  return out.join("\n") + "\n";
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}
