/**
 * `node --import tsx scripts/build-runner.ts`: builds the runner (lib/cli/runner-main.ts and what
 * it imports) into one CommonJS file and prints its path. bin/gatehouse.js runs this in a
 * short-lived process of its own before it starts a runner, so that the runner holds neither
 * esbuild nor tsx: it is the long-lived process on every agent host (runner_rss_mb).
 */
import path from "node:path";
import { buildProcessBundle } from "../worker/process-bundle";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "node_modules", ".cache", "gatehouse", "runner.cjs");

try {
  // The runner never opens a database; should an import chain reach a driver, it stays outside.
  await buildProcessBundle({ entryPoints: [path.join(ROOT, "lib", "cli", "runner-main.ts")] }, OUT);
  process.stdout.write(OUT);
} catch (err) {
  process.stderr.write(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
