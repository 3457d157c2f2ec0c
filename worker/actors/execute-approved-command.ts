import { config } from "../../lib/config";
import type { Request as RequestRow } from "../../lib/db/rows";
import { ApiError } from "../../lib/http/errors";
import { finishedPlan, markRunning } from "../../lib/requests/lifecycle";
import { tmuxFromConfig } from "../../lib/tmux/client";
import { jobDirFor } from "../../lib/tmux/paths";
import { CommandInterrupted, runRequestCommand } from "../../lib/tmux/run-request";
import { DeadLetter, type Handler } from "../handler";
import { log } from "../log";

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
  const job = { requestId: row.id, session: row.session, command: row.command, cwd: row.cwd, timeoutSec: row.timeoutSec ?? config().GATEHOUSE_COMMAND_TIMEOUT_SEC };
  try {
    const { result, error } = await runRequestCommand(tmuxFromConfig(), job, { jobDir: jobDirFor(row.id), signal: ctx.signal });
    const settled = await ctx.settle([
      finishedPlan(row.id, { exitCode: result.exitCode, output: result.output, outputTruncated: result.outputTruncated, error, now: result.finishedAt.getTime() }),
    ]);
    if (!settled) log.warn(`request ${row.id}: the command ended, but the message's lease was lost meanwhile: result not recorded`);
  } catch (e) {
    if (e instanceof CommandInterrupted) throw new DeadLetter("interrupted", e.message, { cause: e });
    throw e;
  }
};
