// A runner on "another host" for tests: a tmux server of its own (a private socket), a data
// directory of its own, and `gatehouse runner` as a real child process pointed at a server URL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { privateServer, type PrivateServer } from "../tmux/private-server";
import { eventually } from "./eventually";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RunnerHost {
  /** Its tmux server, with the agents' sessions. */
  server: PrivateServer;
  /** Its data directory: jobs/, inbox/, outbox/. */
  dataDir: string;
  /** The running `gatehouse runner`, if started. */
  proc: ChildProcess | undefined;
  output(): string;
  /** Starts (or starts again) `gatehouse runner --server URL --token TOKEN`; resolves once it is ready. */
  start(url: string, token: string, opts?: { args?: string[]; env?: Record<string, string> }): Promise<void>;
  /** Resolves when `pattern` has appeared in its output. */
  printed(pattern: RegExp): Promise<void>;
  /** Sends `signal`; resolves when it has exited (SIGSTOP/SIGCONT: at once). */
  signal(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function runnerHost(name: string, sessions: readonly string[], root: string): Promise<RunnerHost> {
  const server = await privateServer();
  for (const s of sessions) await server.session(s);
  const dataDir = path.join(root, name);
  await mkdir(dataDir, { recursive: true });
  let out = "";
  let proc: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const host: RunnerHost = {
    server,
    dataDir,
    get proc() {
      return proc;
    },
    output: () => out,
    async start(url, token, { args = [], env = {} } = {}) {
      const started = out.length;
      proc = spawn(process.execPath, ["bin/gatehouse.js", "runner", "--server", url, "--data-dir", dataDir, ...args], {
        cwd: ROOT,
        env: { ...process.env, GATEHOUSE_RUNNER_TOKEN: token, GATEHOUSE_TMUX_SOCKET: server.tmux.socket ?? "", GATEHOUSE_GRACE_MS: "0", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const child = proc;
      child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
      exited = new Promise((resolve) => child.once("close", resolve));
      await eventually(() => out.slice(started).includes(" ready: runner") || child.exitCode !== null, `runner ${name} to start:\n${out}`, 60_000);
      if (child.exitCode !== null) throw new Error(`runner ${name} exited:\n${out}`);
    },
    printed: (pattern) => eventually(() => pattern.test(out), `${pattern} in runner ${name}'s output:\n${out}`, 30_000).then(() => {}),
    async signal(signal) {
      if (!proc || proc.exitCode !== null) return;
      proc.kill(signal);
      if (signal !== "SIGSTOP" && signal !== "SIGCONT") await exited;
    },
    async stop() {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGCONT");
        proc.kill("SIGKILL");
        await exited;
      }
      await server.stop();
    },
  };
  return host;
}
