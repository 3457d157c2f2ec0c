/**
 * `node --import tsx worker/build-bundle.ts [worker options]`: builds the code a worker process
 * runs, for those options' --handlers modules, and prints the bundle's path. Run as a short-lived
 * process of its own (see worker/bundle.ts), so that no long-lived one holds esbuild.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Plugin } from "esbuild";
import { config } from "../lib/config";
import { parseWorkerArgs } from "./options";
import { buildProcessBundle } from "./process-bundle";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Inside node_modules, so that the bundle's require("better-sqlite3") finds the package. */
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", "gatehouse");

/**
 * Leaves the store this process does not use out of the bundle (lib/db/open.ts imports each only
 * when it is used): a worker on SQLite then holds neither the PostgreSQL store nor drizzle's
 * pg-core, ~95 KB of the bundle's ~285 and their part of the source map. The bundle is built
 * from this process's settings, which its parent's worker processes share.
 */
function onlyStoreInUse(): Plugin {
  const unused = config().GATEHOUSE_DATABASE_URL ? "sqlite" : "postgres";
  return {
    name: "only-the-store-in-use",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^\\./${unused}/store$`) }, (args) => ({ path: args.path, namespace: "unused-store" }));
      b.onLoad({ filter: /.*/, namespace: "unused-store" }, () => ({
        loader: "ts",
        contents: `const unused = () => { throw new Error("This worker was built for the other store: restart it after changing GATEHOUSE_DATABASE_URL"); };
          export const openPostgresStore = unused, openSqliteStore = unused;`,
      }));
    },
  };
}

/** Builds the worker with these extra handler modules (each exporting `handlers`); resolves with the bundle's path. */
async function buildWorkerBundle(handlerModules: readonly string[]): Promise<string> {
  const modules = handlerModules.map((m) => path.resolve(m));
  const entry = [
    `import { runWorker } from ${JSON.stringify(path.join(ROOT, "worker", "child.ts"))};`,
    ...modules.map((m, i) => `import { handlers as extra${i} } from ${JSON.stringify(m)};`),
    `runWorker([${modules.map((_, i) => `extra${i}`).join(", ")}]);`,
  ].join("\n");
  // The bundle of the process that asked for it, this one's parent (the supervisor, or a lone
  // worker process): its worker processes load it whenever they start, so it is its own file.
  const file = path.join(OUT_DIR, `worker-${process.ppid}.cjs`);
  await buildProcessBundle({ stdin: { contents: entry, resolveDir: ROOT, sourcefile: "worker-entry.ts", loader: "ts" } }, file, [onlyStoreInUse()]);
  await removeOrphans();
  return file;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes the bundles (and half-written files) of processes that have ended. */
async function removeOrphans(): Promise<void> {
  for (const name of await readdir(OUT_DIR)) {
    const owner = /^worker-(\d+)\.cjs(?:\.map)?(?:\.(\d+)\.tmp)?$/.exec(name);
    if (owner && !alive(Number(owner[2] ?? owner[1]))) await rm(path.join(OUT_DIR, name), { force: true });
  }
}

try {
  process.stdout.write(await buildWorkerBundle(parseWorkerArgs(process.argv.slice(2)).handlerModules));
} catch (err) {
  // esbuild's message names each file, line and problem.
  process.stderr.write(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
