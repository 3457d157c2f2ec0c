import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startWorker, type WorkerProcess, type WorkerProcessOptions } from "../support/worker-process";

const FIXTURES = "tests/worker/fixtures/actors.ts";

export interface RunLog {
  file: string;
  /** The runs recorded so far, one per handler call. */
  runs(): { id: number; attempt: number; pid: number }[];
  /** Starts `npm run worker` on the database with the fixture actors, recording their runs here. */
  worker(opts?: Omit<WorkerProcessOptions, "db">): WorkerProcess;
}

/** The runs that fixture actors (tests/worker/fixtures/actors.ts) record, in a file beside the database. */
export function runLog(t: { dir: string; env: Record<string, string> }): RunLog {
  const file = path.join(t.dir, "runs.log");
  return {
    file,
    runs: () =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => {
              const [id, attempt, pid] = line.split(" ").map(Number);
              return { id: id!, attempt: attempt!, pid: pid! };
            })
        : [],
    worker: (opts = {}) =>
      startWorker({
        ...opts,
        db: t.env,
        args: [...(opts.args ?? []), "--handlers", FIXTURES],
        env: { GATEHOUSE_TEST_RUN_LOG: file, ...opts.env },
      }),
  };
}
