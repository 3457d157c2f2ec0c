import { actorSpec } from "../lib/queue/actors";
import type { Db } from "../lib/db/client";
import { completeAndClaim, nextDueAt, type Claimed } from "../lib/queue/claim";
import { deadLetter } from "../lib/queue/dead";
import { fail } from "../lib/queue/fail";
import type { Lease } from "../lib/queue/lease";
import { release } from "../lib/queue/release";
import { watchForWork } from "../lib/queue/wake";
import type { WorkerStats } from "../lib/queue/workers";
import { DeadLetter, WorkerStopping, type Handlers } from "./handler";
import { log } from "./log";
import { MessageRun, type RunOutcome } from "./run-message";

export interface LoopOptions {
  db: Db;
  workerId: string;
  handlers: Handlers;
  /** Queues to claim from. (Default: every queue) */
  queues?: readonly string[];
  /** Messages run at once. */
  concurrency: number;
  /** Messages of one group (tmux session) run at once across all workers. */
  groupLimit: number;
  /** Safety-net wake-up poll (GATEHOUSE_WAKE_POLL_MS). */
  pollMs: number;
}

/** After the database refused a claim (locked past busy_timeout), wait this long: no hot loop. */
const ERROR_BACKOFF_MS = 1_000;

/**
 * The worker's loop: claim → run → settle → next. It knows no SQL: claims, completions, failures
 * and releases are lib/queue's. Finished messages are completed in the same transaction that
 * claims the next ones. It claims only with a free slot and a reason to think there is work: a
 * wake-up from another process's commit, its own settlements, or a delayed message coming due.
 */
export class WorkerLoop {
  private readonly running = new Map<number, MessageRun>();
  private readonly toComplete: Lease[] = [];
  private maybeWork = true;
  private stopping = false;
  private pumping = false;
  private pumpQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;
  private processed = 0;
  private failed = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly opts: LoopOptions) {}

  start(): void {
    this.stopWatching = watchForWork(this.opts.db, {
      pollMs: this.opts.pollMs,
      onWake: () => this.wake(),
      // File events only matter while waiting for work; a busy loop claims again on its own.
      waiting: () => !this.maybeWork && !this.stopping && this.running.size < this.opts.concurrency,
    });
    this.wake();
  }

  stats(): WorkerStats {
    return { inFlight: this.running.size, processed: this.processed, failed: this.failed };
  }

  /** There may be claimable work: claim if a slot is free. */
  wake(): void {
    this.maybeWork = true;
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const limit = this.maybeWork && !this.stopping ? this.opts.concurrency - this.running.size : 0;
        if (limit === 0 && this.toComplete.length === 0) break;
        const claimed = this.settleAndClaim(limit);
        if (claimed === undefined) return;
        if (claimed.length < limit) this.maybeWork = false;
        for (const message of claimed) this.runMessage(message);
      }
      if (!this.maybeWork && !this.stopping) this.sleepUntilDue();
    } finally {
      this.pumping = false;
    }
  }

  /** Completes what finished and claims up to `limit` more; undefined when the database refused. */
  private settleAndClaim(limit: number): Claimed[] | undefined {
    const finished = this.toComplete.splice(0);
    try {
      const { completed, claimed } = completeAndClaim(this.opts.db, finished, {
        workerId: this.opts.workerId,
        queues: this.opts.queues,
        limit,
        groupLimit: this.opts.groupLimit,
      });
      this.processed += completed;
      if (completed < finished.length) log.warn(`${finished.length - completed} completion(s) came after the lease was lost`);
      return claimed;
    } catch (err) {
      // The finished messages are still leased to us (the heartbeat keeps them): complete them next time.
      this.toComplete.unshift(...finished);
      log.error("claiming failed; retrying in 1 s", err);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), ERROR_BACKOFF_MS);
      return undefined;
    }
  }

  private sleepUntilDue(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const dueAt = nextDueAt(this.opts.db);
    if (dueAt === null) return;
    // setTimeout holds at most 2^31-1 ms; a later message is found by a later wake-up.
    this.timer = setTimeout(() => this.wake(), Math.min(Math.max(dueAt - Date.now(), 1), 2 ** 31 - 1));
  }

  private runMessage(message: Claimed): void {
    const handler = this.opts.handlers[message.actor];
    if (!handler) {
      const known = Object.keys(this.opts.handlers).sort().join(", ");
      const why = `No handler for actor "${message.actor}" in worker ${this.opts.workerId} (it handles: ${known})`;
      this.failed++;
      this.record(message, () => {
        deadLetter(this.opts.db, message, "unknown_actor", why);
        log.warn(`message ${message.id}: no handler for actor "${message.actor}", dead-lettered`);
      });
      return;
    }
    // Handlers are bound to declared specs (bind), so the spec is known here.
    const { timeLimitMs } = actorSpec(message.actor);
    const run = new MessageRun(message, this.opts.db, handler, timeLimitMs, (outcome) => this.finished(run, outcome));
    this.running.set(message.id, run);
    run.start();
  }

  private finished(run: MessageRun, outcome: RunOutcome): void {
    const { message } = run;
    this.running.delete(message.id);
    if (outcome.kind === "ok") this.toComplete.push(message);
    else if (outcome.kind === "settled") this.processed++;
    else this.recordFailure(message, outcome.error, outcome.timeLimit);
    // A slot is free and a group may have unblocked. Runs that finish in the same turn of the
    // event loop are completed together, in the transaction that claims the next ones.
    this.maybeWork = true;
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      setImmediate(() => {
        this.pumpQueued = false;
        this.pump();
        if (this.running.size === 0) this.idle?.();
      });
    }
  }

  private recordFailure(message: Claimed, error: unknown, timeLimit: boolean): void {
    this.failed++;
    this.record(message, () => {
      if (error instanceof DeadLetter) {
        deadLetter(this.opts.db, message, error.reason, error.message);
        log.warn(`message ${message.id} (${message.actor}) is dead: ${error.reason}: ${error.message}`);
        return;
      }
      const outcome = fail(this.opts.db, message, error, { reason: timeLimit ? "time_limit" : "retries_exhausted" });
      if (outcome?.state === "dead") log.warn(`message ${message.id} (${message.actor}) is dead: ${outcome.reason}`);
    });
  }

  /**
   * Writes what became of a message this worker holds. When the database refuses (locked past
   * busy_timeout), it tries again a second later: the heartbeat keeps extending the lease of a
   * message it holds, so giving up would hold that message for as long as this process lives.
   * Once stopping, it gives up: the heartbeat stops with the process, and when the lease runs out
   * the reclaimer applies the actor's policy.
   */
  private record(message: Lease, write: () => void): void {
    try {
      write();
    } catch (err) {
      const next = this.stopping ? "left to the lease's expiry" : "trying again in 1 s";
      log.error(`message ${message.id}: recording what became of it failed; ${next}`, err);
      if (!this.stopping) setTimeout(() => this.record(message, write), ERROR_BACKOFF_MS);
    }
  }

  /**
   * Stops claiming, waits up to `graceMs` for in-flight runs, then aborts the rest and gives their
   * messages back (as their actors' lease-lost policy says). Resolves when nothing is held.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.stopWatching?.();
    if (this.running.size > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        timeout = setTimeout(resolve, graceMs);
      });
      clearTimeout(timeout);
    }
    const left = [...this.running.values()];
    this.running.clear();
    for (const run of left) run.abandon(new WorkerStopping());
    if (left.length) log.info(`released ${release(this.opts.db, left.map((run) => run.message))} unfinished message(s)`);
    this.pump(); // completes what finished; claims nothing while stopping
  }
}
