import { setFlagsFromString } from "node:v8";
import { parseArgs, UsageError } from "./args";
import { runnerStart } from "./runner";

/**
 * `gatehouse runner …` (not `runner add`): the entry of the runner's bundle (scripts/build-runner.ts),
 * so that a long-lived runner holds neither tsx nor the rest of the CLI. Returns the exit code.
 */
export async function runnerMain(argv: string[]): Promise<number> {
  // A runner lives all day on every agent host and allocates little: its young generation stays at
  // the first 1 MB semi-space instead of growing to 16 MB (~25 MB of RSS after a burst of work).
  // V8 reads these flags as it goes, so they take effect after the start, which
  // --max-semi-space-size (read once, as the heap is set up) would not. --optimize-for-size (V8
  // grows the heap less eagerly, inlines less): runner_rss_mb 63-64 → 55-57 MB, with no loss of
  // runner_commands_per_s (bench/runner.ts).
  setFlagsFromString("--semi-space-growth-factor=1");
  setFlagsFromString("--optimize-for-size");
  const err = (s: string) => void process.stderr.write(s + "\n");
  try {
    return await runnerStart(parseArgs(argv, []), process.env, err);
  } catch (e) {
    err(`gatehouse: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof UsageError ? 64 : 1;
  }
}
