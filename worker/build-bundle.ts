/**
 * `node --import tsx worker/build-bundle.ts [worker options]`: builds the code a worker process
 * runs, for those options' --handlers modules, and prints the bundle's path. Run as a short-lived
 * process of its own (see worker/bundle.ts), so that no long-lived one holds esbuild.
 */
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { importMetaOfSource } from "./import-meta-plugin";
import { parseWorkerArgs } from "./options";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Inside node_modules, so that the bundle's require("better-sqlite3") finds the package. */
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", "gatehouse");

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
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: "worker-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // Native or optional: loaded from node_modules at run time, and only by the store in use
    // (pg only when GATEHOUSE_DATABASE_URL names a PostgreSQL server).
    external: ["better-sqlite3", "pg", "pg-native"],
    plugins: [importMetaOfSource],
    // Minified, the worker holds ~2.5 MB less (shorter names in V8's scope data, half the source);
    // its stack traces still name the TypeScript functions, files and lines, through the source
    // map (the worker processes run with --enable-source-maps).
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile: file,
    write: false,
    logLevel: "silent",
  });
  await mkdir(OUT_DIR, { recursive: true });
  // Each file replaced atomically, the map first: a worker process starting meanwhile reads
  // the old bundle or the new one, never half of one.
  const outputs = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith(".map")) - Number(a.path.endsWith(".map")));
  for (const out of outputs) {
    const temp = `${out.path}.${process.pid}.tmp`;
    await writeFile(temp, out.contents);
    await rename(temp, out.path);
  }
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
