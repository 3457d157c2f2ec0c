import "server-only";
import type { Health } from "./health";
import type { MetricFamily } from "./prometheus-text";

/** Gauges of what the health page shows now: workers, queues, the database and tmux. */
export function healthFamilies(h: Health, now: number): MetricFamily[] {
  const states = ["up", "down", "stopped"] as const;
  return [
    { name: "gatehouse_up", type: "gauge", help: "1 when every part of Gatehouse is healthy.", samples: [{ value: h.ok ? 1 : 0 }] },
    {
      name: "gatehouse_workers", type: "gauge",
      help: "Worker processes seen in the last hour by state: up (fresh heartbeat), down (stale without a clean stop), stopped.",
      samples: states.map((state) => ({ labels: { state }, value: h.workers.filter((w) => w.state === state).length })),
    },
    {
      name: "gatehouse_worker_up", type: "gauge", help: "1 for a worker with a fresh heartbeat.",
      samples: h.workers.map((w) => ({ labels: { worker: w.id, host: w.host, pid: w.pid }, value: w.state === "up" ? 1 : 0 })),
    },
    {
      name: "gatehouse_worker_in_flight", type: "gauge", help: "Messages a worker is running now.",
      samples: h.workers.map((w) => ({ labels: { worker: w.id }, value: w.inFlight })),
    },
    // Per worker process (a restart is a new worker id, so a new series from 0), as of its last
    // heartbeat. All workers together: sum(rate(...)) — summing the counters themselves would
    // drop when a stopped worker leaves the list an hour later.
    {
      name: "gatehouse_worker_processed_total", type: "counter", help: "Messages a worker has finished, as of its last heartbeat.",
      samples: h.workers.map((w) => ({ labels: { worker: w.id }, value: w.processed })),
    },
    {
      name: "gatehouse_worker_failed_total", type: "counter",
      help: "Runs that failed in a worker (retried or dead-lettered), as of its last heartbeat.",
      samples: h.workers.map((w) => ({ labels: { worker: w.id }, value: w.failed })),
    },
    {
      name: "gatehouse_queue_messages", type: "gauge",
      help: "Queue messages by state: ready (due now or later), leased (running), dead (dead letters awaiting triage).",
      samples: h.queues.flatMap((q) => [
        { labels: { queue: q.queue, state: "ready" }, value: q.ready },
        { labels: { queue: q.queue, state: "leased" }, value: q.leased },
        { labels: { queue: q.queue, state: "dead" }, value: q.dead },
      ]),
    },
    {
      name: "gatehouse_queue_oldest_ready_age_seconds", type: "gauge", help: "Time since the oldest ready message of a queue was enqueued; 0 when none is ready.",
      samples: h.queues.map((q) => ({ labels: { queue: q.queue }, value: q.oldestReadyAt === null ? 0 : Math.max(0, (now - q.oldestReadyAt) / 1000) })),
    },
    {
      name: "gatehouse_queue_actors_without_consumer", type: "gauge", help: "Actors of a queue that no live worker handles.",
      samples: h.queues.map((q) => ({ labels: { queue: q.queue }, value: q.actorsWithoutConsumer.length })),
    },
    {
      name: "gatehouse_db_size_bytes", type: "gauge", help: "Size of the database (the SQLite file, or the PostgreSQL database).",
      samples: [{ value: h.db.sizeBytes }],
    },
    ...(h.db.walBytes === undefined
      ? []
      : [{ name: "gatehouse_db_wal_bytes", type: "gauge", help: "Size of the SQLite write-ahead log.", samples: [{ value: h.db.walBytes }] } satisfies MetricFamily]),
    { name: "gatehouse_tmux_up", type: "gauge", help: "1 when the tmux server answers.", samples: [{ value: h.tmux.reachable ? 1 : 0 }] },
    { name: "gatehouse_tmux_sessions", type: "gauge", help: "tmux sessions on Gatehouse's server.", samples: [{ value: h.tmux.sessions.length }] },
  ];
}
