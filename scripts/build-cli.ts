/**
 * `tsx scripts/build-cli.ts [--if-possible]`: builds the `gatehouse` command into ES module chunks
 * that bin/gatehouse.js runs instead of the TypeScript through tsx: `gatehouse hook` runs before
 * every command an agent runs, and tsx alone costs ~0.4 s of start. Each command's code is its own
 * chunk (lib/cli/main.ts imports them lazily), so the hook never loads the database layer.
 *
 * Writes node_modules/.cache/gatehouse/cli-<stamp>/ (main.js and its chunks; hook.cjs, the hook
 * alone in one CommonJS file) and then, atomically, cli.json naming them and the mtime of every
 * source file that went in: bin/cli-bundle.cjs uses the bundle only while they all match, and
 * builds a new one otherwise. Run at `npm ci` (postinstall), at
 * `npm start`, and by bin/gatehouse.js on the first run after a change.
 *
 * --if-possible: a failed build warns and exits 0 (an install must not fail over it; the command
 * then runs through tsx).
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { build, type BuildOptions } from "esbuild";
import { importMetaOfSource } from "../worker/import-meta-plugin";

const ROOT = path.resolve(import.meta.dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "gatehouse");
/** A directory of an older build is kept this long: a running command may still load its chunks. */
const KEEP_OLD_MS = 3600_000;

async function buildCli(): Promise<string> {
  const dirName = `cli-${Date.now()}-${process.pid}`;
  const outdir = path.join(CACHE, dirName);
  const common: BuildOptions = {
    bundle: true,
    platform: "node",
    target: "node20",
    plugins: [importMetaOfSource],
    // Minified, there is less for V8 to parse at each start; stack traces still name the
    // TypeScript through the source maps (run with --enable-source-maps to see them).
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: "silent",
  };
  // The hook alone, as one CommonJS file: no ES module loader to start (~15 ms), no chunks to
  // resolve (each a realpath walk), so the hook answers sooner before every agent command.
  const hookBuild = await build({
    ...common,
    entryPoints: [path.join(ROOT, "lib", "cli", "hook-process.ts")],
    format: "cjs",
    outfile: path.join(outdir, "hook.cjs"),
    metafile: true,
  });
  const result = await build({
    ...common,
    entryPoints: { main: path.join(ROOT, "lib", "cli", "main.ts") },
    splitting: true,
    format: "esm",
    // A native addon, loaded from the package's node_modules where it was compiled.
    external: ["better-sqlite3", "pg", "pg-native"],
    // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
    banner: { js: 'import { createRequire as __gatehouseRequire } from "node:module"; const require = __gatehouseRequire(import.meta.url);' },
    outdir,
    metafile: true,
  });
  // Every source file outside node_modules, with package-lock.json standing for the dependencies
  // (an `npm ci` rewrites node_modules and runs this script again anyway). The hook checks only
  // its own sources: a stat each, before every agent command.
  const inputs = await mtimes([...Object.keys(result.metafile.inputs), ...Object.keys(hookBuild.metafile.inputs)]);
  const hookInputs = await mtimes(Object.keys(hookBuild.metafile.inputs));
  const manifest = path.join(CACHE, "cli.json");
  const temp = `${manifest}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ entry: `${dirName}/main.js`, hook: `${dirName}/hook.cjs`, inputs, hookInputs }));
  await rename(temp, manifest);
  await removeOld(dirName);
  return path.join(outdir, "main.js");
}

/** The mtime of each source file outside node_modules, and of package-lock.json and this script. */
async function mtimes(sources: string[]): Promise<Record<string, number>> {
  const files = [...new Set(sources)].filter((f) => !f.includes("node_modules/"));
  const times: Record<string, number> = {};
  for (const file of [...files, "package-lock.json", "scripts/build-cli.ts"]) {
    const relative = path.relative(ROOT, path.resolve(ROOT, file));
    times[relative] = (await stat(path.join(ROOT, relative))).mtimeMs;
  }
  return times;
}

async function removeOld(current: string): Promise<void> {
  for (const name of await readdir(CACHE)) {
    if (!name.startsWith("cli-") || name === current) continue;
    const dir = path.join(CACHE, name);
    const { mtimeMs } = await stat(dir).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > KEEP_OLD_MS) await rm(dir, { recursive: true, force: true });
  }
}

try {
  await mkdir(CACHE, { recursive: true });
  process.stdout.write(`${await buildCli()}\n`);
} catch (err) {
  process.stderr.write(`gatehouse: cannot build the CLI bundle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(process.argv.includes("--if-possible") ? 0 : 1);
}
