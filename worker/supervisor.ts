import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { buildWorkerBundle } from "./bundle";
import { log } from "./log";

const CHILD = path.join(import.meta.dirname, "child.cjs");

/**
 * Node flags of a worker process. A small young generation keeps a busy worker's RSS down
 * (~50 MB less after a burst of 100,000 messages) for a few more, cheap, scavenges; one V8
 * helper thread instead of four saves ~4 MB on this 2-core machine. An old generation of at most
 * 64 MB makes V8 grow the heap less eagerly (RSS after the queue bench's bursts: 76/89/80 MB
 * instead of 79/101/85; any limit above ~90 MB does not); it leaves room for the largest working
 * set (concurrency × the 1 MiB output cap, as UTF-16, plus ~15 MB of code and data).
 * --optimize-for-size: ~2 MB less with no measurable loss of throughput (bench/queue.ts).
 * (--no-opt would save ~5 MB more, but one-at-a-time throughput falls ~15 %, to about 15,000/s.)
 * --memory-reducer-single-gc: once a burst of work is over, V8's memory reducer collects the heap
 * once instead of up to three times: the 10 s after a burst of 5,000 messages cost 0.7-0.8 % of a
 * core instead of 1.0-1.3, and the idle child keeps ~57 MB instead of ~54.5.
 * --enable-source-maps: stack traces name the TypeScript sources of the minified bundle.
 */
const CHILD_NODE_FLAGS = [
  "--max-semi-space-size=1",
  "--v8-pool-size=1",
  "--max-old-space-size=64",
  "--optimize-for-size",
  "--memory-reducer-single-gc",
  "--enable-source-maps",
];

/** A worker child that takes this long to say it is ready is given up on during a rolling restart. */
const READY_TIMEOUT_MS = 60_000;
/** Restart delays after a child dies: doubling from 1 s up to 30 s, reset once a child lives a minute. */
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const HEALTHY_AFTER_MS = 60_000;

interface Child {
  proc: ChildProcess;
  ready: Promise<boolean>;
  exited: Promise<number>;
  startedAt: number;
  /** Being replaced or stopped on purpose: its exit is not a crash. */
  retiring: boolean;
}

/**
 * Keeps `processes` worker children running: restarts one that dies, rolls them over one at a time
 * on SIGHUP (a new child is claiming before an old one stops), and stops them all gracefully on
 * SIGTERM/SIGINT.
 */
export class Supervisor {
  private readonly children = new Set<Child>();
  private stopping = false;
  private rolling = false;
  private crashes = 0;
  /** The worker's code the children run (worker/bundle.ts); rebuilt on SIGHUP. */
  private bundle = "";

  constructor(
    private readonly processes: number,
    private readonly childArgs: readonly string[],
  ) {}

  /** Builds the worker's code and starts the children; rejects when the code does not build. */
  async start(): Promise<void> {
    process.on("SIGTERM", () => void this.stop("SIGTERM"));
    process.on("SIGINT", () => void this.stop("SIGINT"));
    process.on("SIGHUP", () => void this.rollingRestart());
    this.bundle = await buildWorkerBundle(this.childArgs);
    if (this.stopping) return;
    for (let i = 0; i < this.processes; i++) this.spawn();
  }

  private spawn(): Child {
    const proc = fork(CHILD, [...this.childArgs], {
      stdio: "inherit",
      execArgv: CHILD_NODE_FLAGS,
      env: { ...process.env, GATEHOUSE_WORKER_BUNDLE: this.bundle },
    });
    const child: Child = {
      proc,
      startedAt: Date.now(),
      retiring: false,
      ready: new Promise((resolve) => {
        proc.on("message", (m: { type?: string }) => m?.type === "ready" && resolve(true));
        proc.on("exit", () => resolve(false));
      }),
      exited: new Promise((resolve) =>
        proc.on("exit", (code, signal) => {
          if (signal) log.warn(`supervisor: worker process ${proc.pid} was killed by ${signal}`);
          resolve(code ?? 128);
        }),
      ),
    };
    this.children.add(child);
    void child.exited.then((code) => this.onExit(child, code));
    log.info(`supervisor: started worker process ${proc.pid}`);
    return child;
  }

  private onExit(child: Child, code: number): void {
    this.children.delete(child);
    if (this.stopping || child.retiring) {
      if (code !== 0) log.warn(`supervisor: worker process ${child.proc.pid} exited with ${code} while stopping`);
      return;
    }
    this.crashes = Date.now() - child.startedAt > HEALTHY_AFTER_MS ? 1 : this.crashes + 1;
    const delay = Math.min(RESTART_MIN_MS * 2 ** (this.crashes - 1), RESTART_MAX_MS);
    log.warn(`supervisor: worker process ${child.proc.pid} died (exit ${code}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (!this.stopping) this.spawn();
    }, delay);
  }

  /** Builds the current sources for the next children; false (and the old build kept) when they do not build. */
  private async rebuild(): Promise<boolean> {
    try {
      this.bundle = await buildWorkerBundle(this.childArgs);
      return true;
    } catch (err) {
      log.error("supervisor: the worker's code does not build; keeping the running processes", err);
      return false;
    }
  }

  /** Replaces each child in turn: the replacement is ready (claiming) before the old one is told to stop. */
  async rollingRestart(): Promise<void> {
    if (this.rolling || this.stopping) return;
    this.rolling = true;
    log.info("supervisor: SIGHUP, rolling restart");
    try {
      if (!(await this.rebuild())) return;
      for (const old of [...this.children]) {
        if (this.stopping) return;
        const fresh = this.spawn();
        const ready = await Promise.race([fresh.ready, sleep(READY_TIMEOUT_MS).then(() => false)]);
        if (!ready) {
          log.error(`supervisor: worker process ${fresh.proc.pid} did not become ready; keeping the old ones`);
          fresh.retiring = true;
          fresh.proc.kill("SIGTERM");
          return;
        }
        old.retiring = true;
        old.proc.kill("SIGTERM");
        await old.exited;
      }
      log.info("supervisor: rolling restart done");
    } finally {
      this.rolling = false;
    }
  }

  /** Asks every child to stop gracefully and exits once all have: 0 when all stopped cleanly. */
  async stop(signal: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    log.info(`supervisor: ${signal}, stopping ${this.children.size} worker process(es)`);
    const children = [...this.children];
    for (const child of children) child.proc.kill("SIGTERM");
    const codes = await Promise.all(children.map((c) => c.exited));
    process.exit(codes.every((c) => c === 0) ? 0 : 1);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
