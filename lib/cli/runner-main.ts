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
  // V8 reads this flag each time it would grow the space, so it takes effect after the start,
  // which --max-semi-space-size (read once, as the heap is set up) would not.
  setFlagsFromString("--semi-space-growth-factor=1");
  const err = (s: string) => void process.stderr.write(s + "\n");
  try {
    return await runnerStart(parseArgs(argv, []), process.env, err);
  } catch (e) {
    err(`gatehouse: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof UsageError ? 64 : 1;
  }
}
