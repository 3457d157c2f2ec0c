import { parseArgs, UsageError } from "./args";
import { runnerStart } from "./runner";

/**
 * `gatehouse runner …` (not `runner add`): the entry of the runner's bundle (scripts/build-runner.ts),
 * so that a long-lived runner holds neither tsx nor the rest of the CLI. Returns the exit code.
 */
export async function runnerMain(argv: string[]): Promise<number> {
  const err = (s: string) => void process.stderr.write(s + "\n");
  try {
    return await runnerStart(parseArgs(argv, []), process.env, err);
  } catch (e) {
    err(`gatehouse: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof UsageError ? 64 : 1;
  }
}
