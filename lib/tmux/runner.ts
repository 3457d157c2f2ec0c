import { rmSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { config } from "@/lib/config";
import { mkdirJobDirPrivate, PRIVATE_FILE_MODE } from "@/lib/fs-private";
import { exactSession, type Tmux } from "./client";
import { TmuxError, isTmuxError } from "./errors";
import { jobFiles, readCappedOutput, readExitCode } from "./output";
import { killJobProcesses } from "./job-processes";
import { exists } from "./process-group";

const WRAPPER = fileURLToPath(new URL("./wrapper.sh", import.meta.url));

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
  /**
   * Time limit from the start; then SIGTERM, SIGKILL 500 ms later, and the pane is killed. Both
   * reach every process the command started, in its process group or not (lib/tmux/job-processes.ts).
   */
  timeoutMs: number;
  /** A directory for this job's files (command, output, exit code); created if missing. */
  jobDir: string;
  /** Names the window `job-ID`; ^[A-Za-z0-9_-]{1,64}$. (Default: the job directory's name) */
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
  /**
   * Aborting stops the job as the time limit does and throws TmuxError `interrupted`: for a worker
   * that must give its message up, so that no command runs on unrecorded.
   */
  signal?: AbortSignal;
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

/**
 * Writes the job's files. Synchronously, like the rest of a job's small files: a promise-based
 * call costs a round trip through libuv's thread pool, ~0.14 ms of CPU here against ~0.015 ms
 * for the same call made synchronously, and a job makes a dozen of them.
 */
function prepareJobDir(opts: RunOptions, keep: boolean): ReturnType<typeof jobFiles> {
  // A trailing ";" in a tmux argument ends the command there, so the path could not reach bash whole.
  if (!path.isAbsolute(opts.jobDir) || opts.jobDir.endsWith(";")) {
    throw new Error(`jobDir must be an absolute path not ending in ";": ${opts.jobDir}`);
  }
  if (!path.isAbsolute(opts.cwd)) throw new Error(`cwd must be absolute: ${opts.cwd}`);
  const files = jobFiles(opts.jobDir);
  // A retried job reuses its directory: an old exit code must not end the new run at once.
  if (!mkdirJobDirPrivate(opts.jobDir)) {
    for (const f of [files.exit, files.output, files.keep, files.command, files.cwd]) rmSync(f, { force: true });
  }
  // Owner-only, as the directory. The output file is made here so that the wrapper's tee, which
  // truncates it, keeps that mode without the command running under a stricter umask.
  const mode = PRIVATE_FILE_MODE;
  writeFileSync(files.command, opts.command, { mode });
  writeFileSync(files.cwd, opts.cwd, { mode });
  writeFileSync(files.output, "", { mode });
  if (keep) writeFileSync(files.keep, "", { mode });
  return files;
}

/**
 * Starts the job's window; nothing has run if this throws, unless the error says otherwise.
 * `-a -t {end}` makes the new window the session's last, so the `set-option` in the same call
 * (no other tmux command can come between) finds it, and sets remain-on-exit whatever the user's
 * own setting: off, so the window closes when the job ends; on when kept, so a job killed at its
 * time limit stays for inspection.
 */
async function startWindow(tmux: Tmux, session: string, windowName: string, jobDir: string, keep: boolean) {
  const last = `${exactSession(session)}:{end}`;
  let out: string;
  try {
    out = await tmux.exec([
      "new-window", "-d", "-a", "-P", "-F", "#{pane_id} #{pane_pid}", "-t", last, "-n", windowName,
      "--", "/bin/bash", WRAPPER, jobDir,
      ";", "set-option", "-w", "-t", last, "remain-on-exit", keep ? "on" : "off",
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

type Ending = { how: "exited"; exitCode: number } | { how: "vanished" | "timeout" | "aborted" };

/**
 * Waits for the first of: the wrapper's exit code (inotify on the job directory reports its
 * write at once), the window vanishing (checked every LIVENESS_MS with kill(pid, 0), which costs
 * no tmux call; this poll also finds the exit code should inotify be unavailable), or the time
 * limit.
 */
function waitForEnd(jobDir: string, exitFile: string, panePid: number, timeoutMs: number, signal?: AbortSignal): Promise<Ending> {
  return new Promise((resolve) => {
    const watching = new AbortController();
    let settled = false;
    const finish = (ending: Ending) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(limit);
      watching.abort();
      signal?.removeEventListener("abort", aborted);
      resolve(ending);
    };
    const exited = () => {
      const exitCode = readExitCode(exitFile);
      if (exitCode === undefined) return false;
      finish({ how: "exited", exitCode });
      return true;
    };
    // The wrapper writes the exit code before it exits, so "gone without a code" is final.
    const check = () => exited() || exists(panePid) || exited() || finish({ how: "vanished" });
    const poll = setInterval(check, LIVENESS_MS);
    const limit = setTimeout(() => exited() || finish({ how: "timeout" }), timeoutMs);
    const aborted = () => exited() || finish({ how: "aborted" });
    signal?.addEventListener("abort", aborted, { once: true });
    try {
      watch(jobDir, { signal: watching.signal }, (_event, name) => {
        if (name === "exit") exited();
      }).on("error", () => {});
    } catch {
      // No inotify (limits, network file system): the poll still finds the exit code.
    }
    check();
    if (signal?.aborted) aborted();
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
  const jobId = opts.jobId ?? path.basename(opts.jobDir);
  if (!JOB_ID.test(jobId)) throw new Error(`Invalid job id ${JSON.stringify(jobId)}: use 1-64 of A-Z a-z 0-9 _ -`);
  const windowName = `job-${jobId}`;
  const keep = opts.keepWindow ?? config().GATEHOUSE_KEEP_WINDOWS;
  const capBytes = opts.outputCapBytes ?? config().GATEHOUSE_OUTPUT_CAP_BYTES;
  const files = prepareJobDir(opts, keep);
  const { paneId, panePid } = await startWindow(tmux, session, windowName, opts.jobDir, keep);
  const startedAt = new Date();
  const stop = async (graceMs?: number) => {
    await killJobProcesses(panePid, opts.jobDir, graceMs);
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

  const left = opts.timeoutMs - (Date.now() - startedAt.getTime());
  const ending = await waitForEnd(opts.jobDir, files.exit, panePid, Math.max(0, left), opts.signal);
  if (ending.how === "timeout") await stop();
  if (ending.how === "aborted") {
    // SIGKILL at once: whoever aborted (a stopping worker) will not wait out a grace period, and a
    // command that ignores SIGTERM must not run on unrecorded.
    await stop(0);
    const why: unknown = opts.signal?.reason;
    throw new TmuxError("interrupted", `The command was stopped before it finished: ${why instanceof Error ? why.message : String(why)}`, true);
  }
  if (ending.how === "vanished") {
    // Whatever the closed window left running (a child ignoring SIGHUP, a daemon) goes too.
    await killJobProcesses(panePid, opts.jobDir);
    throw await vanishedError(tmux, session, paneId);
  }
  const finishedAt = new Date();
  const exitCode = ending.how === "exited" ? ending.exitCode : null;
  const { output, outputTruncated } = readCappedOutput(files.output, capBytes);
  return { exitCode, output, outputTruncated, timedOut: ending.how === "timeout", startedAt, finishedAt, paneId };
}
