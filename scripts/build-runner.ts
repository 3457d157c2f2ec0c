/**
 * `node --import tsx scripts/build-runner.ts`: builds the runner (lib/cli/runner-main.ts and what
 * it imports) into one CommonJS file and prints its path. bin/gatehouse.js runs this in a
 * short-lived process of its own before it starts a runner, so that the runner holds neither
 * esbuild nor tsx: it is the long-lived process on every agent host (runner_rss_mb).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { importMetaOfSource } from "../worker/import-meta-plugin";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "node_modules", ".cache", "gatehouse", "runner.cjs");

try {
  const result = await build({
    entryPoints: [path.join(ROOT, "lib", "cli", "runner-main.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // The runner never opens a database; should an import chain reach a driver, it stays outside.
    external: ["better-sqlite3", "pg", "pg-native"],
    plugins: [importMetaOfSource],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile: OUT,
    write: false,
    logLevel: "silent",
  });
  await mkdir(path.dirname(OUT), { recursive: true });
  // Each file replaced atomically, the map first: a runner starting meanwhile reads one whole bundle.
  const outputs = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith(".map")) - Number(a.path.endsWith(".map")));
  for (const out of outputs) {
    const temp = `${out.path}.${process.pid}.tmp`;
    await writeFile(temp, out.contents);
    await rename(temp, out.path);
  }
  process.stdout.write(OUT);
} catch (err) {
  process.stderr.write(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
