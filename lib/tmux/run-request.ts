import { homedir } from "node:os";
import { config } from "../config";
import { exactSession, type Tmux } from "./client";
import { isTmuxError } from "./errors";
import { runCommand, type RunResult } from "./runner";

/** An approved request's command, as whoever runs it (the local worker, a runner) knows it. */
export interface CommandJob {
  requestId: string;
  session: string;
  command: string;
  /** Absolute; null means where the session's active pane is. */
  cwd: string | null;
  timeoutSec: number;
}

export interface RunJobOptions {
  /** The job's directory on this host (command, output, exit code). */
  jobDir: string;
  /** Aborting stops the command (see runCommand). */
  signal?: AbortSignal;
  /** Called once the command's window exists. */
  onStarted?: () => void;
}

/** The command may have run, in part or whole, and its result is unknown: it must never run again by itself. */
export class CommandInterrupted extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CommandInterrupted";
  }
}

/**
 * The directory a request without a cwd runs in: where its session's active pane is, as if the
 * agent had typed the command itself; $HOME when tmux cannot tell. (Running a relative command
 * such as `npm test` in $HOME instead would fail for a reason the agent could not see.)
 */
async function sessionDir(tmux: Tmux, session: string): Promise<string> {
  const dir = (await tmux.exec(["display-message", "-p", "-t", `${exactSession(session)}:`, "#{pane_current_path}"])).trim();
  return dir.startsWith("/") ? dir : homedir();
}

/**
 * Runs `start`, and when it finds no session or no server and GATEHOUSE_CREATE_SESSIONS is on,
 * creates the session and runs it once more. `start` must not have started anything when it
 * fails that way (tmux said so before the window existed).
 */
async function inSession<T>(tmux: Tmux, job: CommandJob, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const missing = isTmuxError(e, "no_session") || isTmuxError(e, "no_server");
    if (!missing || e.commandMayHaveStarted || !config().GATEHOUSE_CREATE_SESSIONS) throw e;
    await tmux.createSession(job.session, { cwd: job.cwd ?? homedir() });
    return start();
  }
}

/**
 * Runs a request's command in a new window of its session, on this host's tmux: the one way the
 * local worker and runners run commands. Resolves with the result (a non-zero exit and the time
 * limit are results; `error` says why there is no normal exit). Throws CommandInterrupted once the
 * command may have started; any other error means nothing ran, and it may be tried again.
 */
export async function runRequestCommand(tmux: Tmux, job: CommandJob, opts: RunJobOptions): Promise<{ result: RunResult; error: string | null }> {
  let started = false;
  try {
    const result = await inSession(tmux, job, async () =>
      runCommand(tmux, job.session, {
        command: job.command,
        cwd: job.cwd ?? (await sessionDir(tmux, job.session)),
        timeoutMs: job.timeoutSec * 1000,
        jobDir: opts.jobDir,
        signal: opts.signal,
        onStarted: () => {
          started = true;
          opts.onStarted?.();
        },
      }),
    );
    return { result, error: result.timedOut ? `stopped at its time limit of ${job.timeoutSec} s` : null };
  } catch (e) {
    if (started || (isTmuxError(e) && e.commandMayHaveStarted)) {
      const why = e instanceof Error ? e.message : String(e);
      throw new CommandInterrupted(started ? why : `The command may have started: ${why}`, { cause: e });
    }
    throw e;
  }
}
