import path from "node:path";
import { config } from "../config";
import { RunnerDaemon } from "../runner/daemon";
import { tmuxFromConfig } from "../tmux/client";
import { option, UsageError, type Args } from "./args";

export const RUNNER_USAGE = "usage: gatehouse runner --server URL --token TOKEN [--concurrency N] [--data-dir DIR]";

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--${name} must be a whole number from 1 to 100, not "${value}"`);
  return n;
}

/**
 * `gatehouse runner --server URL --token TOKEN`: runs this host's approved commands until SIGTERM
 * or SIGINT, then drains as the worker does (GATEHOUSE_GRACE_MS). The token may come from
 * GATEHOUSE_RUNNER_TOKEN instead, out of sight of `ps`.
 */
export async function runnerStart(args: Args, env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<number> {
  const server = option(args, "server") ?? env.GATEHOUSE_URL;
  const token = option(args, "token") ?? env.GATEHOUSE_RUNNER_TOKEN;
  if (!server || !token) throw new UsageError(RUNNER_USAGE);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL such as https://gatehouse.example.com, not "${server}"`);
  }
  const settings = config();
  if (url.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    log(`warning: ${url.origin} is plain HTTP: the runner's token and the commands' output cross the network readable; use https:// (see README, "Runners")`);
  }
  const dataDir = path.resolve(option(args, "data-dir") ?? path.dirname(path.resolve(settings.GATEHOUSE_DB)));
  const daemon = new RunnerDaemon({
    server: url.origin,
    token,
    concurrency: positiveInt("concurrency", option(args, "concurrency"), 4),
    dataDir,
    tmux: tmuxFromConfig({ control: true }),
    outputCapBytes: settings.GATEHOUSE_OUTPUT_CAP_BYTES,
    jobRetentionMs: settings.GATEHOUSE_DONE_RETENTION_HOURS * 3600_000,
    log: (line) => log(`gatehouse runner[${process.pid}] ${line}`),
  });
  await daemon.start();
  log(`gatehouse runner[${process.pid}] ready: runner of ${url.origin}, data in ${dataDir}`);
  await new Promise<void>((resolve) => {
    const stop = () => void daemon.stop(settings.GATEHOUSE_GRACE_MS).then(resolve);
    process.once("SIGTERM", stop).once("SIGINT", stop);
  });
  log(`gatehouse runner[${process.pid}] stopped`);
  return 0;
}
