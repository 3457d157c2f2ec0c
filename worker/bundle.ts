/**
 * The code a worker process runs: worker/child.ts, the --handlers modules and everything they
 * import but better-sqlite3 (a native addon), built by esbuild into one CommonJS file
 * (worker/build-bundle.ts). Run from source, a worker process would also hold tsx, esbuild's API
 * and all of zod (every locale loads under CommonJS); bundled, with zod tree-shaken, it needs
 * ~8 MB less (worker_rss_mb in bench/queue.ts). The supervisor builds it before it starts the
 * worker processes and again on SIGHUP, so that they run the current sources.
 */
import { execFile } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Builds the bundle for these worker options (it takes their --handlers); resolves with its path. */
export function buildWorkerBundle(workerArgs: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "worker", "build-bundle.ts"), ...workerArgs],
      { cwd: ROOT },
      (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)),
    ),
  );
}
