import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { eventually } from "./eventually";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface WorkerProcessOptions {
  /** The environment naming its database (TestDb.env: GATEHOUSE_DB or GATEHOUSE_DATABASE_URL). */
  db: Record<string, string>;
  /** `npm run worker` options: --processes, --concurrency, --queues, --handlers … */
  args?: string[];
  /** More environment (GATEHOUSE_GRACE_MS …). */
  env?: Record<string, string>;
  /** Run one worker process without its supervisor (to SIGKILL the worker itself). (Default: true) */
  supervisor?: boolean;
}

export interface WorkerProcess {
  proc: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once `n` worker processes have printed that they are claiming. */
  ready(n?: number): Promise<void>;
  /** Resolves when `pattern` appears in the output `times` times. */
  printed(pattern: RegExp, times?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

const started = new Set<ChildProcess>();

/**
 * Starts `npm run worker` (or one bare worker process, as the supervisor starts it) on `db` as a
 * real child process.
 */
export function startWorker(opts: WorkerProcessOptions): WorkerProcess {
  const entry = opts.supervisor === false ? "worker/child.cjs" : "worker/index.cjs";
  const proc = spawn(process.execPath, [entry, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.db, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(proc);
  let out = "";
  proc.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  // "close", not "exit": the worker processes write to the same pipes, and what they printed
  // last must be in output() by the time this resolves.
  const exited = new Promise<number | string>((resolve) =>
    proc.on("close", (code, signal) => {
      started.delete(proc);
      resolve(code ?? signal ?? "unknown");
    }),
  );
  const count = (pattern: RegExp) => out.match(new RegExp(pattern.source, "g"))?.length ?? 0;
  const printed = (pattern: RegExp, times = 1) =>
    eventually(() => count(pattern) >= times, `${pattern} in the worker's output:\n${out}`, 60_000).then(() => {});
  return {
    proc,
    output: () => out,
    ready: (n = 1) => printed(/ ready: worker /, n),
    printed,
    exited,
    stop: () => {
      proc.kill("SIGTERM");
      return exited;
    },
  };
}

/** Kills (SIGKILL) every worker process a test left running; call it in afterEach. */
export async function killWorkers(): Promise<void> {
  const left = [...started];
  for (const proc of left) proc.kill("SIGKILL");
  await Promise.all(left.map((p) => new Promise((resolve) => (p.exitCode !== null ? resolve(null) : p.on("close", resolve)))));
}
