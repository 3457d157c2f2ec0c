/**
 * The queue group of `npm run bench`: the broker and the worker daemon on a fresh SQLite file each.
 *
 * - enqueue_single_per_s: enqueue() one message at a time, each its own transaction.
 * - enqueue_bulk_per_s: enqueueMany() in batches of 10,000.
 * - e2e_one_per_s: no-op messages run per second by one worker process claiming one at a time
 *   (--concurrency 1), from the first run's start (in the worker, on the monotonic clock every
 *   process shares) to the moment this process sees the queue drained (asked every 5 ms). A
 *   finished message leaves no row to take the time from.
 * - e2e_one_per_s_delayed: e2e_one_per_s with 100,000 messages delayed by an hour waiting in the
 *   same queue at a higher priority (HIGH): a claim must not pay for messages that are not due.
 *   SQLite only (PostgreSQL's claim still steps over them).
 * - e2e_batch_per_s: the same with batched claims (--concurrency 256: claims of up to 256).
 * - e2e_two_procs_per_s: the same with two worker processes (--processes 2).
 * - latency_p50_ms / latency_p99_ms: enqueue (in this process) → handler start (in the worker
 *   process), on the shared monotonic clock, at 1,000 jobs/s for 5 s, default worker options.
 * - idle_cpu_pct: CPU of that worker (supervisor + child) idle for 10 s after, % of one core
 *   (CPU time comes in 10 ms ticks: over 5 s, one tick more or less moved the figure by 0.2).
 * - idle_cpu_pct_settled / worker_rss_mb_idle: the same over the following 10 s, and the child's
 *   resident memory then: what an idle worker costs once V8's memory reducer has given back what
 *   the burst took (its collections fall in the first window).
 * - worker_rss_mb: resident memory of that worker's child after the latency run; the RSS after
 *   each throughput run is noted on stderr.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { enqueue, enqueueMany } from "../lib/queue/enqueue";
import { listWorkers } from "../lib/queue/workers";
import { eventually } from "../tests/support/eventually";
import { startWorker, type WorkerProcess } from "../tests/support/worker-process";
import { percentile, round, type BenchGroup, type Emit } from "./support/figures";
import { benchLatency, benchNoop } from "./support/queue-handlers";
import { sqliteScratch, type MakeScratch, type Scratch } from "./support/scratch";

const HANDLERS = "bench/support/queue-handlers.ts";

async function fill(t: Scratch, n: number, actor = "noop"): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    await enqueueMany(t.store, Array.from({ length: Math.min(10_000, n - i) }, () => ({ actor, payload: null })));
  }
}

async function enqueueSingle(t: Scratch, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1_000; i++) await enqueue(t.store, "noop", null);
    n += 1_000;
  }
  return n / ((performance.now() - start) / 1000);
}

async function enqueueBulk(t: Scratch, total: number): Promise<number> {
  const start = performance.now();
  await fill(t, total);
  return total / ((performance.now() - start) / 1000);
}

/** Messages delayed by an hour at HIGH priority, ahead of e2e_one_per_s_delayed's no-ops. */
const DELAYED_BACKLOG = 100_000;

async function fillDelayed(t: Scratch, n: number): Promise<void> {
  const runAt = Date.now() + 3_600_000;
  for (let i = 0; i < n; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, n - i) }, () => ({ actor: "noop", payload: null, priority: "HIGH" as const, runAt }));
    await enqueueMany(t.store, batch);
  }
}

/**
 * Runs `n` no-op messages through a fresh worker, behind `delayed` messages that are not due;
 * messages per second from the first run's start to the queue drained.
 */
async function endToEnd(scratch: MakeScratch, n: number, args: string[], delayed = 0) {
  const t = await scratch("gatehouse-bench-");
  const startLog = `${t.dir}/started.log`;
  try {
    await fillDelayed(t, delayed);
    await fill(t, n, benchNoop.name);
    const worker = startWorker({ db: t.env, args: [...args, "--handlers", HANDLERS], env: { GATEHOUSE_BENCH_START_LOG: startLog } });
    await eventually(() => t.drained(), "the queue drained", 300_000, 5);
    const last = Number(process.hrtime.bigint()); // on the clock the worker noted its first start on
    const first = Math.min(...readFileSync(startLog, "utf8").split("\n").filter(Boolean).map(Number));
    console.error(`bench: worker ${args.join(" ")}: RSS ${round(await rssMb((await listWorkers(t.store))[0]!.pid), 1)} MB after the run`);
    await worker.stop();
    return n / (Math.max(last - first, 1) / 1e9);
  } finally {
    await t.cleanup();
  }
}

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

async function idleAndMemory(emit: Emit, worker: WorkerProcess, t: Scratch): Promise<void> {
  const child = (await listWorkers(t.store))[0]!.pid;
  const supervisor = worker.proc.pid!;
  emit("worker_rss_mb", round(await rssMb(child), 1), "MB");
  console.error(`bench: supervisor RSS ${round(await rssMb(supervisor), 1)} MB`);
  await sleep(1_000); // let the last completions and the heartbeat settle
  /** CPU of supervisor and child over the next 10 s, % of one core. */
  const idlePct = async () => {
    const before = cpuMs(child) + cpuMs(supervisor);
    const start = performance.now();
    await sleep(10_000);
    return round(((cpuMs(child) + cpuMs(supervisor) - before) / (performance.now() - start)) * 100);
  };
  emit("idle_cpu_pct", await idlePct(), "%");
  // The next 10 s: V8's memory reducer, which gives back memory after a burst, has run by then.
  emit("idle_cpu_pct_settled", await idlePct(), "%");
  emit("worker_rss_mb_idle", round(await rssMb(child), 1), "MB");
}

async function latency(emit: Emit, scratch: MakeScratch): Promise<void> {
  const t = await scratch("gatehouse-bench-");
  const log = `${t.dir}/latency.log`;
  try {
    const worker = startWorker({ db: t.env, args: ["--handlers", HANDLERS], env: { GATEHOUSE_BENCH_LATENCY_LOG: log } });
    await worker.ready();
    await sleep(500);
    const rate = 1_000;
    const total = 5 * rate;
    const start = performance.now();
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) await enqueue(t.store, benchLatency.name, { t: Number(process.hrtime.bigint()) });
      await sleep(1);
    }
    await eventually(() => t.drained(), "the latency run drained", 60_000);
    await idleAndMemory(emit, worker, t);
    await worker.stop();
    const ms = readFileSync(log, "utf8").split("\n").filter(Boolean).map(Number).sort((a, b) => a - b);
    emit("latency_p50_ms", round(percentile(ms, 50), 3), "ms");
    emit("latency_p99_ms", round(percentile(ms, 99), 3), "ms");
  } finally {
    await t.cleanup();
  }
}

/**
 * The queue figures on the store `scratch` makes; the PostgreSQL group (queue-pg) names them with
 * `_pg`. `delayedBacklog`: measure e2e_one_per_s_delayed too. (Default: true)
 */
export async function queueFigures(emit: Emit, scratch: MakeScratch, opts: { delayedBacklog?: boolean } = {}): Promise<void> {
  const t = await scratch("gatehouse-bench-");
  try {
    await enqueueSingle(t, 300); // warm-up: JIT, page cache
    emit("enqueue_single_per_s", Math.round(await enqueueSingle(t, 2_000)), "jobs/s");
    await enqueueBulk(t, 30_000);
    emit("enqueue_bulk_per_s", Math.round(await enqueueBulk(t, 300_000)), "jobs/s");
  } finally {
    await t.cleanup();
  }
  emit("e2e_one_per_s", Math.round(await endToEnd(scratch, 50_000, ["--concurrency", "1"])), "jobs/s");
  if (opts.delayedBacklog !== false) {
    emit("e2e_one_per_s_delayed", Math.round(await endToEnd(scratch, 50_000, ["--concurrency", "1"], DELAYED_BACKLOG)), "jobs/s");
  }
  emit("e2e_batch_per_s", Math.round(await endToEnd(scratch, 300_000, ["--concurrency", "256"])), "jobs/s");
  emit("e2e_two_procs_per_s", Math.round(await endToEnd(scratch, 300_000, ["--concurrency", "256", "--processes", "2"])), "jobs/s");
  await latency(emit, scratch);
}

const queue: BenchGroup = (emit) => queueFigures(emit, sqliteScratch);

export default queue;
