import { homedir } from "node:os";
import { config } from "../../lib/config";
import type { Request as RequestRow } from "../../lib/db/rows";
import { ApiError } from "../../lib/http/errors";
import { finishedPlan, markRunning } from "../../lib/requests/lifecycle";
import { exactSession, tmuxFromConfig, type Tmux } from "../../lib/tmux/client";
import { isTmuxError } from "../../lib/tmux/errors";
import { jobDirFor } from "../../lib/tmux/paths";
import { runCommand, type RunResult } from "../../lib/tmux/runner";
import { DeadLetter, type Handler } from "../handler";
import { log } from "../log";

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
async function inSession<T>(tmux: Tmux, row: RequestRow, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const missing = isTmuxError(e, "no_session") || isTmuxError(e, "no_server");
    if (!missing || e.commandMayHaveStarted || !config().GATEHOUSE_CREATE_SESSIONS) throw e;
    const { created } = await tmux.createSession(row.session, { cwd: row.cwd ?? homedir() });
    if (created) log.info(`created tmux session "${row.session}" for request ${row.id}`);
    return start();
  }
}

/** A 404 or 409 from the lifecycle: the request is not (or no longer) this message's to run. */
function notOurs(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.status === 404 || e.status === 409);
}

/**
 * execute_approved_command: runs an approved request's command in a new window of its agent's
 * tmux session and records the result.
 *
 * - The request goes queued → running just BEFORE the command starts, not in onStarted: that
 *   guarded write is what lets exactly one message run a request (a request requeued both from
 *   its own page and from the queue's dead letters has two messages; the second finds it running
 *   or finished and does nothing). `running` thus means "a worker owns the run and is starting
 *   it"; startedAt is the moment before new-window, a few ms early.
 * - Failures before the command started (no server, no session, tmux missing) throw: the queue
 *   retries with backoff, its retry hook puts the request back to `queued` with lastError, and
 *   when the retries are spent the dead-letter hook makes it `dead`.
 * - Once the command may have started, no failure is ever retried: DeadLetter `interrupted`.
 * - Exit ≠ 0 and the time limit are results (`failed`), recorded with the message's completion
 *   in one transaction (ctx.settle).
 */
export const runApprovedCommand: Handler<{ requestId: string }> = async ({ requestId }, ctx) => {
  let row: RequestRow;
  try {
    row = await markRunning(ctx.store, requestId);
  } catch (e) {
    if (!notOurs(e)) throw e;
    log.warn(`message ${ctx.messageId}: request ${requestId} not run: ${e.message}`);
    return;
  }
  const tmux = tmuxFromConfig();
  const timeoutSec = row.timeoutSec ?? config().GATEHOUSE_COMMAND_TIMEOUT_SEC;
  let started = false;
  try {
    const result: RunResult = await inSession(tmux, row, async () =>
      runCommand(tmux, row.session, {
        command: row.command,
        cwd: row.cwd ?? (await sessionDir(tmux, row.session)),
        timeoutMs: timeoutSec * 1000,
        jobDir: jobDirFor(row.id),
        signal: ctx.signal,
        onStarted: () => {
          started = true;
        },
      }),
    );
    const settled = await ctx.settle([
      finishedPlan(row.id, {
        exitCode: result.exitCode,
        output: result.output,
        outputTruncated: result.outputTruncated,
        error: result.timedOut ? `stopped at its time limit of ${timeoutSec} s` : null,
        now: result.finishedAt.getTime(),
      }),
    ]);
    if (!settled) log.warn(`request ${row.id}: the command ended, but the message's lease was lost meanwhile: result not recorded`);
  } catch (e) {
    if (started || (isTmuxError(e) && e.commandMayHaveStarted)) {
      const why = e instanceof Error ? e.message : String(e);
      throw new DeadLetter("interrupted", started ? why : `The command may have started: ${why}`, { cause: e });
    }
    throw e;
  }
};
