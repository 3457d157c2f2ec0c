import { actorSpec } from "../lib/queue/actors";
import type { Store } from "../lib/db/store";
import { completeAndClaim, nextDueAt, type Claimed } from "../lib/queue/claim";
import { deadLetter } from "../lib/queue/dead";
import { fail } from "../lib/queue/fail";
import type { Lease } from "../lib/queue/lease";
import { release } from "../lib/queue/release";
import { watchForWork } from "../lib/queue/wake";
import type { WorkerCounters } from "../lib/db/store";
import { DeadLetter, WorkerStopping, type Handlers } from "./handler";
import { log } from "./log";
import { MessageRun, type RunOutcome } from "./run-message";
import { TimeLimits } from "./time-limits";

export interface LoopOptions {
  store: Store;
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
  private readonly timeLimits = new TimeLimits();
  private maybeWork = true;
  private stopping = false;
  private pumping = false;
  private pumpQueued = false;
  private pumpAgain = false;
  /** Failures and dead letters being written. */
  private readonly recording = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;
  private processed = 0;
  private failed = 0;
  private idle: (() => void) | undefined;
  /**
   * The time of the earliest claim that found no more due work since the loop last slept: what came
   * due after it was not looked for, so the next due time is asked from then (a message due between
   * that claim and the question would otherwise be waited for by no one).
   */
  private lookedUntil: number | undefined;

  constructor(private readonly opts: LoopOptions) {}

  start(): void {
    this.stopWatching = watchForWork(this.opts.store, {
      pollMs: this.opts.pollMs,
      onWake: () => this.wake(),
      // File events only matter while waiting for work; a busy loop claims again on its own.
      waiting: () => !this.maybeWork && !this.stopping && this.running.size < this.opts.concurrency,
    });
    this.wake();
  }

  stats(): WorkerCounters {
    return { inFlight: this.running.size, processed: this.processed, failed: this.failed };
  }

  /** There may be claimable work: claim if a slot is free. */
  wake(): void {
    this.maybeWork = true;
    void this.pump();
  }

  /**
   * Claims while there are free slots and maybe work, completing what finished on the way. One pump
   * at a time; a wake-up during one makes it go round again. Up to the store's `claimLanes` claims
   * are under way at once, each for its share of the slots: while the database answers one, the
   * messages of another run and finish, and their completions go out with the next claim.
   */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (!(await this.claimWhileWork())) return;
        // Asking when the next message is due is a round trip on PostgreSQL: a run that finishes
        // meanwhile sets pumpAgain, and the loop goes round again instead of leaving it uncompleted.
        if (!this.pumpAgain && !this.maybeWork && !this.stopping) await this.sleepUntilDue();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
      if (this.running.size === 0) this.idle?.();
    }
  }

  /** Claims until there is nothing to claim or complete; false when the database refused. */
  private async claimWhileWork(): Promise<boolean> {
    const lanes = this.opts.store.claimLanes;
    const share = Math.max(1, Math.floor(this.opts.concurrency / lanes));
    const underWay = new Set<Promise<void>>();
    let reserved = 0;
    let refused = false;
    for (;;) {
      while (!refused && underWay.size < lanes) {
        const free = this.maybeWork && !this.stopping ? this.opts.concurrency - this.running.size - reserved : 0;
        const limit = Math.min(free, share);
        if (limit === 0 && this.toComplete.length === 0) break;
        reserved += limit;
        const now = Date.now();
        const claim = this.settleAndClaim(limit, now).then((claimed) => {
          underWay.delete(claim);
          reserved -= limit;
          if (claimed === undefined) {
            refused = true;
            return;
          }
          if (claimed.length < limit) {
            this.maybeWork = false;
            this.lookedUntil = Math.min(this.lookedUntil ?? now, now);
          }
          for (const message of claimed) this.runMessage(message);
        });
        underWay.add(claim);
      }
      if (underWay.size === 0) return !refused;
      await Promise.race(underWay);
    }
  }

  /** Completes what finished and claims up to `limit` more; undefined when the database refused. */
  private async settleAndClaim(limit: number, now: number): Promise<Claimed[] | undefined> {
    const finished = this.toComplete.splice(0);
    try {
      const { completed, claimed } = await completeAndClaim(this.opts.store, finished, {
        workerId: this.opts.workerId,
        queues: this.opts.queues,
        limit,
        groupLimit: this.opts.groupLimit,
        now,
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

  private async sleepUntilDue(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const since = this.lookedUntil ?? Date.now();
    this.lookedUntil = undefined;
    const dueAt = await nextDueAt(this.opts.store, since);
    if (this.maybeWork || this.stopping) return;
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
      this.record(message, async () => {
        await deadLetter(this.opts.store, message, "unknown_actor", why);
        log.warn(`message ${message.id}: no handler for actor "${message.actor}", dead-lettered`);
      });
      return;
    }
    // Handlers are bound to declared specs (bind), so the spec is known here.
    const { timeLimitMs } = actorSpec(message.actor);
    const run = new MessageRun(message, this.opts.store, handler, timeLimitMs, this.timeLimits, (outcome) => this.finished(run, outcome));
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
        void this.pump();
      });
    }
  }

  private recordFailure(message: Claimed, error: unknown, timeLimit: boolean): void {
    this.failed++;
    this.record(message, async () => {
      if (error instanceof DeadLetter) {
        await deadLetter(this.opts.store, message, error.reason, error.message);
        log.warn(`message ${message.id} (${message.actor}) is dead: ${error.reason}: ${error.message}`);
        return;
      }
      const outcome = await fail(this.opts.store, message, error, { reason: timeLimit ? "time_limit" : "retries_exhausted" });
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
  private record(message: Lease, write: () => Promise<void>): void {
    const recording = write().catch((err: unknown) => {
      const next = this.stopping ? "left to the lease's expiry" : "trying again in 1 s";
      log.error(`message ${message.id}: recording what became of it failed; ${next}`, err);
      if (!this.stopping) setTimeout(() => this.record(message, write), ERROR_BACKOFF_MS);
    });
    this.recording.add(recording);
    void recording.finally(() => this.recording.delete(recording));
  }

  /**
   * Stops claiming, waits up to `graceMs` for in-flight runs, then aborts the rest and gives their
   * messages back (as their actors' lease-lost policy says). Resolves when nothing is held.
   */
  private async pumpDone(): Promise<void> {
    while (this.pumping) await new Promise((resolve) => setImmediate(resolve));
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.stopWatching?.();
    // A claim under way (a round trip on PostgreSQL) still hands out the messages it took: wait for
    // it, so that they too are run to the end or given back, never left leased by a process that
    // exits (their lease would run out and a `retry` actor's message would run a second time).
    await this.pumpDone();
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
    if (left.length) log.info(`released ${await release(this.opts.store, left.map((run) => run.message))} unfinished message(s)`);
    // Completes what finished (claims nothing while stopping) once any pump under way is done.
    await this.pumpDone();
    await this.pump();
    await Promise.all(this.recording);
  }
}
