import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { config } from "@/lib/config";
import { CONTROL_SESSION, ControlClient, fitsOneLine } from "./control";
import { TmuxError, classifyTmuxFailure, isTmuxError } from "./errors";
import { isRunning } from "./process-group";

const SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** After a control client could not attach, calls start a tmux process each for this long. */
const CONTROL_RETRY_MS = 1_000;

/** Throws `invalid_name` unless `name` is a session name Gatehouse accepts. */
export function assertSessionName(name: string): void {
  if (!SESSION_NAME.test(name)) {
    throw new TmuxError("invalid_name", `Invalid tmux session name ${JSON.stringify(name)}: use 1-64 of A-Z a-z 0-9 _ -`);
  }
}

/**
 * The exact target for a session. Without the `=`, tmux would take `claude-back` to mean
 * `claude-backend-api` when only the latter exists (prefix and fnmatch matching).
 */
export function exactSession(name: string): string {
  assertSessionName(name);
  return `=${name}`;
}

export interface TmuxOptions {
  /** Server socket name, as in `tmux -L NAME`. (Default: the user's default server) */
  socket?: string;
  /** Config file read by a server that this client starts; tests pass /dev/null. (Default: tmux's own) */
  configFile?: string;
  /** How long one tmux call may take before it is killed. (Default: 5000 ms) */
  callTimeoutMs?: number;
  /**
   * Send calls over one kept-open control-mode client (lib/tmux/control.ts) instead of starting a
   * tmux process for each, once the server runs. For a process that makes many calls: the runner.
   * (Default: false)
   */
  control?: boolean;
}

export interface CallOptions {
  /** Bytes written to tmux's stdin (`load-buffer -`), so that text never travels as an argument. */
  input?: string;
}

export interface SessionInfo {
  name: string;
  /** Whether any client (a person's terminal) is attached. */
  attached: boolean;
  clients: number;
  windows: number;
  createdAt: Date;
}

/**
 * The environment tmux gets: ours without Gatehouse's settings. A server that we start keeps its
 * starter's environment as every session's, so GATEHOUSE_ADMIN_PASSWORD would otherwise reach
 * every agent's commands.
 */
function tmuxEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("GATEHOUSE_")) delete env[key];
  return env;
}

/** A tmux server, reached with `execFile` and an argument array: never a shell string. */
export class Tmux {
  readonly socket: string | undefined;
  private readonly configFile: string | undefined;
  private readonly callTimeoutMs: number;
  private readonly useControl: boolean;
  /** The control client, once one is starting or running. */
  private control: Promise<ControlClient | undefined> | undefined;
  /** No control client is tried again before this (one could not attach: no server, say). */
  private controlRetryAt = 0;

  constructor(opts: TmuxOptions = {}) {
    this.socket = opts.socket;
    this.configFile = opts.configFile;
    this.callTimeoutMs = opts.callTimeoutMs ?? 5_000;
    this.useControl = opts.control ?? false;
  }

  /** How errors name the server: the socket, or "the default tmux server". */
  get label(): string {
    return this.socket ? `tmux socket "${this.socket}"` : "the default tmux server";
  }

  private get serverArgs(): string[] {
    return [...(this.socket ? ["-L", this.socket] : []), ...(this.configFile ? ["-f", this.configFile] : [])];
  }

  /** Runs one tmux command (or a `;`-separated sequence) and returns its stdout. */
  async exec(args: readonly string[], opts: CallOptions = {}): Promise<string> {
    if (this.useControl && opts.input === undefined && !args.includes("kill-server") && fitsOneLine(args)) {
      const client = await this.controlClient();
      if (client) return client.run(args);
    }
    return this.spawnExec(args, opts);
  }

  /** The running control client; a new one if there is none (undefined while none can attach). */
  private async controlClient(): Promise<ControlClient | undefined> {
    const current = this.control;
    const client = await current;
    if (client?.alive) return client;
    if (Date.now() < this.controlRetryAt) return undefined;
    // Callers that found the same one gone start one new client between them.
    if (this.control === current) this.control = this.attachControl();
    return this.control;
  }

  private async attachControl(): Promise<ControlClient | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const client = new ControlClient(this.serverArgs, tmuxEnv(), this.label, this.callTimeoutMs);
      try {
        await client.ready;
        return client;
      } catch (e) {
        // The server runs without the control session: make it, once (two racing: both fine).
        if (attempt > 0 || !isTmuxError(e, "no_session")) break;
        await this.spawnExec(["new-session", "-d", "-s", CONTROL_SESSION, "--", "sleep", "infinity"]).catch(() => {});
      }
    }
    this.controlRetryAt = Date.now() + CONTROL_RETRY_MS;
    return undefined;
  }

  /** Ends the control client, if one runs; calls after this start a new one. */
  async close(): Promise<void> {
    (await this.control)?.close();
    this.control = undefined;
  }

  private spawnExec(args: readonly string[], opts: CallOptions = {}): Promise<string> {
    const full = [...this.serverArgs, ...args];
    const timeoutMs = this.callTimeoutMs;
    return new Promise((resolve, reject) => {
      const child = execFile(
        "tmux",
        full,
        { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024, env: tmuxEnv() },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
          if (e.code === "ENOENT") {
            return reject(new TmuxError("not_installed", "tmux is not installed (no `tmux` on PATH)"));
          }
          if (e.killed || e.signal === "SIGKILL") {
            return reject(new TmuxError("timeout", `tmux ${args[0] ?? ""} took longer than ${timeoutMs} ms on ${this.label}`));
          }
          reject(classifyTmuxFailure(String(stderr), args, this.label));
        },
      );
      // tmux exits before reading stdin when a command fails early; that EPIPE is not our error.
      child.stdin?.on("error", () => {});
      child.stdin?.end(opts.input ?? "");
    });
  }

  async hasSession(name: string): Promise<boolean> {
    try {
      await this.exec(["has-session", "-t", exactSession(name)]);
      return true;
    } catch (e) {
      if (isTmuxError(e, "no_session") || isTmuxError(e, "no_server")) return false;
      throw e;
    }
  }

  /**
   * Creates a detached session unless it exists; starts the server if needed. Two callers racing
   * both succeed (tmux serializes server start with a lock; the loser sees "duplicate session").
   */
  async createSession(
    name: string,
    opts: {
      /** Working directory of the first window. (Default: the server's) */
      cwd?: string;
      /** Program of the first window, as an argument vector. (Default: the user's shell) */
      command?: readonly string[];
    } = {},
  ): Promise<{ created: boolean }> {
    assertSessionName(name);
    const args = ["new-session", "-d", "-s", name];
    if (opts.cwd) args.push("-c", opts.cwd);
    if (opts.command?.length) args.push("--", ...opts.command);
    try {
      await this.exec(args);
      return { created: true };
    } catch (e) {
      if (isTmuxError(e, "failed") && e.message.includes("duplicate session")) return { created: false };
      throw e;
    }
  }

  /** Every session on the server; none when no server runs. */
  async listSessions(): Promise<SessionInfo[]> {
    let out: string;
    try {
      // The name goes last: it is the only field that could hold a tab.
      out = await this.exec([
        "list-sessions",
        "-F",
        "#{session_attached}\t#{session_windows}\t#{session_created}\t#{session_name}",
      ]);
    } catch (e) {
      if (isTmuxError(e, "no_server")) return [];
      throw e;
    }
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [clients = "0", windows = "0", created = "0", ...name] = line.split("\t");
        return {
          name: name.join("\t"),
          attached: Number(clients) > 0,
          clients: Number(clients),
          windows: Number(windows),
          createdAt: new Date(Number(created) * 1000),
        };
      });
  }

  async killSession(name: string): Promise<void> {
    await this.exec(["kill-session", "-t", exactSession(name)]);
  }

  /**
   * Stops the whole server, for tests and benchmarks on their private sockets, and returns once
   * it has exited (a client started before that would reach the dying server and fail with
   * "server exited unexpectedly"), its socket and lock files removed (tmux 3.3 leaves them behind).
   */
  async killServer(): Promise<void> {
    let said: string;
    try {
      said = await this.exec(["display-message", "-p", "#{pid} #{socket_path}", ";", "kill-server"]);
    } catch (e) {
      if (isTmuxError(e, "no_server")) return;
      throw e;
    }
    const space = said.indexOf(" ");
    const pid = Number(said.slice(0, space));
    for (let waited = 0; isRunning(pid) && waited < 2_000; waited += 5) await sleep(5);
    // Until the socket refuses connections, a client may still reach a half-dead listener.
    for (let waited = 0; waited < 2_000 && !(await this.refusesConnections()); waited += 5) await sleep(5);
    const socketPath = said.slice(space + 1).trimEnd();
    await Promise.all([socketPath, `${socketPath}.lock`].map((f) => rm(f, { force: true })));
  }

  private async refusesConnections(): Promise<boolean> {
    try {
      await this.exec(["list-sessions"]);
      return false;
    } catch (e) {
      return isTmuxError(e, "no_server") && !e.message.includes("server exited unexpectedly");
    }
  }
}

/** The client for this process's settings (`GATEHOUSE_TMUX_SOCKET`). */
export function tmuxFromConfig(opts: Pick<TmuxOptions, "control"> = {}): Tmux {
  return new Tmux({ socket: config().GATEHOUSE_TMUX_SOCKET, ...opts });
}
