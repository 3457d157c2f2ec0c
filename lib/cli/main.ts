import path from "node:path";
import { agentAdd, runnerAdd, userAdd } from "./admin";
import { dbCopy } from "./db-copy";
import { parseArgs, UsageError } from "./args";
import { runnerStart } from "./runner";
import { submit } from "./submit";

const USAGE = `usage:
  gatehouse agent add ID --sessions a,b [--auto-approve]   register an agent; prints its token once
  gatehouse user add NAME --role viewer|supervisor|admin [--token]
                                                           add a person (password on stdin)
  gatehouse runner add NAME --sessions a,b                 register a runner (admin); prints its token once
  gatehouse runner --server URL --token TOKEN [--concurrency N] [--data-dir DIR]
                                                           run this host's approved commands (on an agent host)
  gatehouse db copy --to postgres://… [--from FILE]       copy a SQLite database into an empty PostgreSQL one
  gatehouse submit [--session S] [--priority P] [--reason R] [--no-wait] -- COMMAND...
                                                           run a command through Gatehouse and wait
environment: GATEHOUSE_URL (default http://127.0.0.1:3000), GATEHOUSE_TOKEN, GATEHOUSE_DB, GATEHOUSE_DATABASE_URL`;

/** The package root: migrations and the default database are found from here. */
const ROOT = path.resolve(import.meta.dirname, "../..");

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunks.join("").includes("\n")) break;
  }
  return Buffer.concat(chunks).toString("utf8");
}

const out = (s: string) => void process.stdout.write(s + "\n");
const err = (s: string) => void process.stderr.write(s + "\n");

/** Runs one CLI invocation; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  try {
    if (group === "agent" && verb === "add") return await agentAdd(parseArgs(rest, ["auto-approve"]), out, err);
    if (group === "db" && verb === "copy") return await dbCopy(parseArgs(rest, []), ROOT, out, err);
    if (group === "runner" && verb === "add") return await runnerAdd(parseArgs(rest, []), out, err);
    if (group === "runner") return await runnerStart(parseArgs(argv.slice(1), []), process.env, err);
    if (group === "user" && verb === "add") return await userAdd(parseArgs(rest, ["token"]), readStdin, out, err);
    if (group === "submit") {
      const controller = new AbortController();
      process.once("SIGINT", () => controller.abort());
      return await submit(parseArgs(argv.slice(1), ["no-wait"]), { env: process.env, out, err, signal: controller.signal });
    }
    if (group === "help" || group === "--help" || group === undefined) {
      out(USAGE);
      return group === undefined ? 64 : 0;
    }
    throw new UsageError(`unknown command: ${argv.join(" ")}`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`gatehouse: ${e.message}`);
      if (!e.message.startsWith("usage")) err(USAGE);
      return 64;
    }
    err(`gatehouse: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
