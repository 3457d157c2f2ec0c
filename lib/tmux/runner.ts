import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { config } from "@/lib/config";
import { exactSession, type Tmux } from "./client";
import { TmuxError, isTmuxError } from "./errors";
import { jobFiles, readCappedOutput } from "./output";
import { exists, killProcessGroup } from "./process-group";

const WRAPPER = fileURLToPath(new URL("./wrapper.sh", import.meta.url));

/** How often the runner checks that the job's window still exists while it waits. */
const LIVENESS_MS = 200;

export interface StartedJob {
  paneId: string;
  /** The wrapper's pid, which is also the id of the job's process group. */
  panePid: number;
  windowName: string;
  startedAt: Date;
}

export interface RunOptions {
  /** The command text, run by bash exactly as given. */
  command: string;
  /** Absolute working directory; a missing one fails the command (exit 1), it is never replaced. */
  cwd: string;
  /** Time limit from the start; then SIGTERM, SIGKILL 500 ms later, and the pane is killed. */
  timeoutMs: number;
  /** A directory for this job's files (command, output, exit code); created if missing. */
  jobDir: string;
  /** Names the window `job-ID`. (Default: the job directory's name) */
  jobId?: string;
  /** Output kept, in bytes. (Default: GATEHOUSE_OUTPUT_CAP_BYTES, 1 MiB) */
  outputCapBytes?: number;
  /** Leave the window open after the run, showing the output and exit code. (Default: GATEHOUSE_KEEP_WINDOWS) */
  keepWindow?: boolean;
  /**
   * Called once the command's window exists, before waiting. Awaited; if it throws, the job is
   * killed and the error rethrown, so that no command runs unrecorded.
   */
  onStarted?: (job: StartedJob) => void | Promise<void>;
}

export interface RunResult {
  /** The command's exit code; null when the time limit stopped it. */
  exitCode: number | null;
  output: string;
  outputTruncated: boolean;
  timedOut: boolean;
  startedAt: Date;
  finishedAt: Date;
  paneId: string;
}

type Ending = "exited" | "vanished" | "timeout";

async function prepareJobDir(opts: RunOptions, keep: boolean): Promise<ReturnType<typeof jobFiles>> {
  if (!path.isAbsolute(opts.jobDir)) throw new Error(`jobDir must be absolute: ${opts.jobDir}`);
  if (!path.isAbsolute(opts.cwd)) throw new Error(`cwd must be absolute: ${opts.cwd}`);
  const files = jobFiles(opts.jobDir);
  await mkdir(opts.jobDir, { recursive: true });
  // A retried job reuses its directory: an old exit code must not end the new run at once.
  await Promise.all([files.exit, files.exitTmp, files.output, files.keep].map((f) => rm(f, { force: true })));
  await Promise.all([
    writeFile(files.command, opts.command),
    writeFile(files.cwd, opts.cwd),
    keep ? writeFile(files.keep, "") : undefined,
  ]);
  return files;
}

/** Starts the job's window; nothing has run if this throws, unless the error says otherwise. */
async function startWindow(tmux: Tmux, session: string, windowName: string, jobDir: string, channel: string) {
  let out: string;
  try {
    out = await tmux.exec([
      "new-window", "-d", "-P", "-F", "#{pane_id} #{pane_pid}",
      "-t", `${exactSession(session)}:`, "-n", windowName,
      "--", "/bin/bash", WRAPPER, jobDir, channel,
    ]);
  } catch (e) {
    // A timed-out new-window may still have created the window.
    if (isTmuxError(e, "timeout")) throw new TmuxError("timeout", e.message, true);
    throw e;
  }
  const [paneId = "", pid = ""] = out.trim().split(" ");
  const panePid = Number(pid);
  if (!paneId.startsWith("%") || !Number.isInteger(panePid) || panePid <= 1) {
    throw new TmuxError("failed", `tmux new-window printed an unexpected pane "${out.trim()}"`, true);
  }
  return { paneId, panePid };
}

/**
 * Waits for the first of: the wrapper's exit code (woken by `tmux wait-for`, which in tmux 3.3
 * also returns at once when the signal came first), the window vanishing (checked every
 * LIVENESS_MS with kill(pid, 0), which costs no tmux call), or the time limit.
 */
function waitForEnd(tmux: Tmux, exitFile: string, panePid: number, channel: string, timeoutMs: number): Promise<Ending> {
  return new Promise((resolve) => {
    const waiter = new AbortController();
    let settled = false;
    const finish = (how: Ending) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(limit);
      waiter.abort();
      resolve(how);
    };
    const check = () => {
      if (existsSync(exitFile)) finish("exited");
      else if (!exists(panePid)) finish(existsSync(exitFile) ? "exited" : "vanished");
    };
    const poll = setInterval(check, LIVENESS_MS);
    const limit = setTimeout(() => (existsSync(exitFile) ? finish("exited") : finish("timeout")), timeoutMs);
    tmux
      .exec(["wait-for", channel], { timeoutMs: timeoutMs + 5_000, signal: waiter.signal })
      .then(check, check);
    check();
  });
}

/** Why the window went away, in words the worker can record. */
async function vanishedError(tmux: Tmux, session: string, paneId: string): Promise<TmuxError> {
  let why: string;
  try {
    await tmux.exec(["has-session", "-t", exactSession(session)]);
    why = `its window (pane ${paneId}) was closed`;
  } catch (e) {
    why = isTmuxError(e, "no_session")
      ? `session "${session}" vanished`
      : isTmuxError(e, "no_server")
        ? `the tmux server (${tmux.label}) exited`
        : `tmux stopped answering (${(e as Error).message})`;
  }
  return new TmuxError("interrupted", `The command was interrupted: ${why} while it ran`, true);
}

/**
 * Runs `opts.command` in a new detached window of `session` and waits for it. A non-zero exit is
 * a result, not an error. Throws TmuxError: before the start (`no_server`, `no_session`,
 * `not_installed`, `invalid_name`) nothing ran; `interrupted` means it may have partly run.
 */
export async function runCommand(tmux: Tmux, session: string, opts: RunOptions): Promise<RunResult> {
  exactSession(session);
  const keep = opts.keepWindow ?? config().GATEHOUSE_KEEP_WINDOWS;
  const capBytes = opts.outputCapBytes ?? config().GATEHOUSE_OUTPUT_CAP_BYTES;
  const files = await prepareJobDir(opts, keep);
  const windowName = `job-${opts.jobId ?? path.basename(opts.jobDir)}`;
  const channel = `gatehouse-${windowName}-${randomBytes(6).toString("hex")}`;

  const { paneId, panePid } = await startWindow(tmux, session, windowName, opts.jobDir, channel);
  const startedAt = new Date();
  const stop = async () => {
    await killProcessGroup(panePid);
    if (!keep) await tmux.exec(["kill-pane", "-t", paneId]).catch(() => {});
  };

  if (opts.onStarted) {
    try {
      await opts.onStarted({ paneId, panePid, windowName, startedAt });
    } catch (e) {
      await stop();
      throw e;
    }
  }

  const ending = await waitForEnd(tmux, files.exit, panePid, channel, opts.timeoutMs);
  if (ending === "timeout") await stop();
  if (ending === "vanished") {
    // Whatever the closed window left running (a child ignoring SIGHUP) goes too.
    await killProcessGroup(panePid);
    throw await vanishedError(tmux, session, paneId);
  }
  const finishedAt = new Date();
  const exitCode = ending === "exited" ? Number((await readFile(files.exit, "utf8")).trim()) : null;
  const { output, outputTruncated } = await readCappedOutput(files.output, capBytes);
  return { exitCode, output, outputTruncated, timedOut: ending === "timeout", startedAt, finishedAt, paneId };
}
