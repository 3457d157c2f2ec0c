import { parseArgs } from "node:util";

/** How `npm run worker` was asked to run. */
export interface WorkerOptions {
  /** Queues to claim from; empty means every queue. */
  queues: string[];
  /** Messages each worker process runs at once. */
  concurrency: number;
  /** Worker processes the supervisor keeps running. */
  processes: number;
  /** Extra handler modules (each exporting `handlers`) loaded by every worker process: test and bench actors. */
  handlerModules: string[];
}

export const USAGE = `Usage: npm run worker -- [--queues a,b] [--concurrency 15] [--processes 1] [--handlers module.ts]
  --queues       queues to claim from, comma-separated (default: every queue)
  --concurrency  messages each worker process runs at once (default: 15)
  --processes    worker processes to keep running (default: 1)
  --handlers     a module exporting extra \`handlers\` (tests and benchmarks); repeatable`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, not "${value}"`);
  return n;
}

export function parseWorkerArgs(argv: readonly string[]): WorkerOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      queues: { type: "string" },
      concurrency: { type: "string" },
      processes: { type: "string" },
      handlers: { type: "string", multiple: true },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    queues: (values.queues ?? "").split(",").map((q) => q.trim()).filter(Boolean),
    concurrency: positiveInt("concurrency", values.concurrency, 15),
    processes: positiveInt("processes", values.processes, 1),
    handlerModules: values.handlers ?? [],
  };
}
