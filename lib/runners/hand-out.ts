import type { RunnerIdentity } from "../auth/runners";
import { config } from "../config";
import type { ClaimedRow, Store } from "../db/store";
import { ApiError } from "../http/errors";
import { newSecret } from "../ids";
import { executeApprovedCommand, notifySession } from "../queue/actors";
import { completeMany } from "../queue/complete";
import { fail } from "../queue/fail";
import { watchForWork } from "../queue/wake";
import { getRequest, markRunning, noticeGroup } from "../requests/lifecycle";
import { noticeFor, type NoticeEvent } from "../requests/notices";
import { isShuttingDown, onShutdown } from "../shutdown";
import type { RunnerJob } from "./protocol";

/** A runner's lease, in ms (GATEHOUSE_RUNNER_LEASE_SEC). */
export const runnerLeaseMs = (): number => config().GATEHOUSE_RUNNER_LEASE_SEC * 1000;

/** The safety-net check for work while a long-poll waits, should a wake-up be lost with a connection. */
const POLL_MS = 1_000;

/**
 * Turns a claimed message into the job a runner is given. A command's request goes queued →
 * running here, before the runner has it, as the worker's handler does before it starts one:
 * that guarded write is what lets one message, and so one runner, run a request. A message whose
 * request is gone or no longer queued is completed and not handed out.
 */
async function jobOf(store: Store, m: ClaimedRow): Promise<RunnerJob | null> {
  const lease = { id: m.id, leaseToken: m.leaseToken };
  if (m.actor === executeApprovedCommand.name) {
    const { requestId } = JSON.parse(m.payload) as { requestId: string };
    try {
      const row = await markRunning(store, requestId);
      const timeoutSec = row.timeoutSec ?? config().GATEHOUSE_COMMAND_TIMEOUT_SEC;
      return { kind: "command", ...lease, requestId, session: row.session, command: row.command, cwd: row.cwd, timeoutSec };
    } catch (e) {
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  } else if (m.actor === notifySession.name) {
    const { requestId, session, event } = JSON.parse(m.payload) as { requestId: string; session: string; event: NoticeEvent };
    const row = await getRequest(store, requestId);
    if (row) return { kind: "notice", ...lease, requestId, session, text: noticeFor(row, event) };
  } else {
    // Only Gatehouse's own actors are grouped by session; anything else is not a runner's to run.
    await fail(store, m, new Error(`runners do not run actor ${m.actor}`));
    return null;
  }
  await completeMany(store, [lease]);
  return null;
}

/** Most jobs in one answer. */
const MAX_JOBS = 100;

/**
 * Claims up to `limit` of the runner's due commands and makes them jobs, with its sessions' due
 * notices on top: a notice takes a runner no time and none of its command slots. A session's
 * notices come all at once, in order, not one per claim: the runner delivers them in the order
 * given (a worker, which may run two at once, takes them one at a time for that).
 */
export async function claimJobs(store: Store, runner: RunnerIdentity, limit: number): Promise<RunnerJob[]> {
  const claim = (groups: string[], wanted: number, groupLimit: number | null) =>
    store.claimForRunner(runner.id, {
      // Secret, unlike a worker's: on the network a lease token is the proof that this runner holds it.
      token: newSecret(18),
      limit: wanted,
      groups,
      groupLimit,
      leaseMs: runnerLeaseMs(),
      now: Date.now(),
    });
  const commands = await claim(runner.sessions, Math.min(limit, MAX_JOBS), config().GATEHOUSE_SESSION_CONCURRENCY);
  const notices = await claim(runner.sessions.map(noticeGroup), MAX_JOBS - commands.length, null);
  const jobs: RunnerJob[] = [];
  for (const m of [...commands, ...notices]) {
    const job = await jobOf(store, m);
    if (job) jobs.push(job);
  }
  return jobs;
}

/**
 * Up to `limit` commands for a runner waiting on this answer, and its due notices, claimed now;
 * none while this server is stopping. Jobs claimed for a runner that hung up meanwhile never reach
 * it, and nothing of them has run: they go back (a failed attempt) instead of ending dead at lease
 * expiry.
 */
export async function handOut(store: Store, runner: RunnerIdentity, limit: number, signal: AbortSignal): Promise<RunnerJob[]> {
  if (isShuttingDown()) return [];
  const jobs = await claimJobs(store, runner, limit);
  if (signal.aborted && jobs.length) {
    await giveBack(store, runner, jobs);
    return [];
  }
  return jobs;
}

/**
 * A runner's long-poll: claims at once, and while there is nothing, waits for a wake-up (NOTIFY on
 * PostgreSQL, the -work file's event on SQLite, this process's own writes) and claims again, until
 * `waitMs` pass or the runner hangs up (see handOut). A server told to stop answers held polls at
 * once, and every claim after that, with a 503 that closes the connection (lib/http/route.ts): the
 * runner backs off and asks the next server.
 */
export async function waitForJobs(store: Store, runner: RunnerIdentity, opts: { limit: number; waitMs: number; signal: AbortSignal }): Promise<RunnerJob[]> {
  const deadline = Date.now() + opts.waitMs;
  let maybeWork = true;
  let wake: (() => void) | undefined;
  const stop = watchForWork(store, {
    pollMs: POLL_MS,
    onWake: () => {
      maybeWork = true;
      wake?.();
    },
  });
  const hungUp = () => wake?.();
  opts.signal.addEventListener("abort", hungUp);
  const offShutdown = onShutdown(hungUp);
  try {
    for (;;) {
      if (maybeWork && !isShuttingDown()) {
        maybeWork = false;
        const jobs = await handOut(store, runner, opts.limit, opts.signal);
        if (jobs.length) return jobs;
      }
      if (isShuttingDown()) throw new ApiError(503, "stopping", "This server is stopping; ask again in a moment.");
      const left = deadline - Date.now();
      if (left <= 0 || opts.signal.aborted) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    opts.signal.removeEventListener("abort", hungUp);
    offShutdown();
    stop();
  }
}

async function giveBack(store: Store, runner: RunnerIdentity, jobs: readonly RunnerJob[]): Promise<void> {
  for (const job of jobs) {
    const held = await store.runnerLease(runner.id, job);
    if (held) await fail(store, held, new Error("the runner hung up before it received this"));
  }
}
