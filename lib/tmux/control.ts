import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { TmuxError, classifyTmuxFailure } from "./errors";

/**
 * The session a control client stays attached to: one of Gatehouse's own, so that no agent's
 * session gets an attached client (its size, its hooks, `destroy-unattached` on detach).
 */
export const CONTROL_SESSION = "gatehouse-control";

/** A pipe, which Node's stream types do not show to have ref/unref. */
type Unrefable = { ref(): void; unref(): void };

interface Call {
  args: readonly string[];
  /** Commands in the line: tmux answers each with a block, and stops at the first that fails. */
  commands: number;
  outputs: string[];
  resolve: (stdout: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** One argument quoted for a tmux command line: single quotes take everything literally but themselves. */
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Whether `args` can travel on a control client's command line (one line: no line breaks). */
export const fitsOneLine = (args: readonly string[]) => args.every((a) => !/[\n\r]/.test(a));

/**
 * A tmux control-mode client (`tmux -C`, see tmux(1) "CONTROL MODE"), kept open to run commands
 * without starting a tmux process for each: a process start costs this machine ~3 ms of CPU in
 * tmux and ~1.5 ms in the Node process that forks it, a line on this client a fraction of that.
 * Attached to CONTROL_SESSION with `ignore-size,no-output`: it never sizes a window, and the
 * server sends it no pane output. Commands are answered in order, each by a `%begin … %end` (or
 * `%error`) block; anything else it prints is a notification, ignored.
 */
export class ControlClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly calls: Call[] = [];
  private buffered = "";
  /** The block being read: its first line's fields, and its lines so far. */
  private block: { header: string; ours: boolean; lines: string[] } | undefined;
  private exited = false;
  /** Settles once attached, or fails with what tmux said. */
  readonly ready: Promise<void>;
  private attached: ((error?: Error) => void) | undefined;

  constructor(
    serverArgs: readonly string[],
    env: NodeJS.ProcessEnv,
    private readonly label: string,
    private readonly callTimeoutMs: number,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.attached = (error) => (error ? reject(error) : resolve());
    });
    // -N: a client that finds no server does not start one (attach-session would).
    this.child = spawn("tmux", [...serverArgs, "-N", "-C", "attach-session", "-t", `=${CONTROL_SESSION}`, "-f", "ignore-size,no-output"], { env, stdio: "pipe" });
    this.child.stdout.setEncoding("utf8").on("data", (text: string) => this.read(text));
    let stderr = "";
    this.child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    this.child.on("error", (e: NodeJS.ErrnoException) =>
      this.end(e.code === "ENOENT" ? new TmuxError("not_installed", "tmux is not installed (no `tmux` on PATH)") : e),
    );
    this.child.on("exit", () => this.end(classifyTmuxFailure(stderr || "the control client exited", ["attach-session"], this.label)));
    this.child.stdin.on("error", () => {});
    // An idle client does not keep this process alive; one that is awaited does (see `hold`).
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stderr]) (stream as unknown as Unrefable).unref();
    void this.ready.then(() => this.hold(), () => this.hold());
  }

  /** Keeps this process alive while an answer is awaited (attaching, or a call), and only then. */
  private hold(): void {
    const stdout = this.child.stdout as unknown as Unrefable;
    if (this.attached || this.calls.length) stdout.ref();
    else stdout.unref();
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one command, or a `;`-separated sequence, and resolves with what it printed. */
  run(args: readonly string[]): Promise<string> {
    if (this.exited) return Promise.reject(new TmuxError("failed", `the tmux control client on ${this.label} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The server may still run it: whatever is pending fails once the client is gone.
        this.child.kill("SIGKILL");
        reject(new TmuxError("timeout", `tmux ${args[0] ?? ""} took longer than ${this.callTimeoutMs} ms on ${this.label}`));
      }, this.callTimeoutMs);
      timer.unref();
      this.calls.push({ args, commands: 1 + args.filter((a) => a === ";").length, outputs: [], resolve, reject, timer });
      this.hold();
      this.child.stdin.write(`${args.map((a) => (a === ";" ? ";" : quote(a))).join(" ")}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }

  private read(text: string): void {
    const lines = (this.buffered + text).split("\n");
    this.buffered = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (this.block) {
      const [mark, ...fields] = line.split(" ");
      if ((mark === "%end" || mark === "%error") && fields.join(" ") === this.block.header) {
        const { ours, lines } = this.block;
        this.block = undefined;
        this.answered(ours, mark === "%error", lines);
      } else {
        this.block.lines.push(line);
      }
      return;
    }
    if (line.startsWith("%begin ")) {
      const header = line.slice("%begin ".length);
      // The last field is the flags: 1 for a command this client sent, 0 for the attach itself.
      this.block = { header, ours: header.endsWith(" 1"), lines: [] };
    }
  }

  private answered(ours: boolean, failed: boolean, lines: string[]): void {
    if (!ours) {
      this.attached?.(failed ? classifyTmuxFailure(lines.join("\n"), ["attach-session"], this.label) : undefined);
      this.attached = undefined;
      return;
    }
    const call = this.calls[0];
    if (!call) return;
    const output = lines.length ? `${lines.join("\n")}\n` : "";
    if (failed) {
      this.calls.shift();
      clearTimeout(call.timer);
      call.reject(classifyTmuxFailure(output, call.args, this.label));
      this.hold();
      return;
    }
    call.outputs.push(output);
    if (call.outputs.length < call.commands) return;
    this.calls.shift();
    clearTimeout(call.timer);
    call.resolve(call.outputs.join(""));
    this.hold();
  }

  /** The client is gone: what it was asked and has not answered may or may not have run. */
  private end(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.attached?.(error);
    this.attached = undefined;
    for (const call of this.calls.splice(0)) {
      clearTimeout(call.timer);
      call.reject(new TmuxError("timeout", `tmux ${call.args[0] ?? ""} got no answer on ${this.label}: the control client exited (${error.message})`));
    }
  }
}
