import { actorSpec } from "../lib/queue/actors";
import type { Db } from "../lib/db/client";
import { claim, nextDueAt, type Claimed } from "../lib/queue/claim";
import { completeMany } from "../lib/queue/complete";
import { deadLetter } from "../lib/queue/dead";
import { fail } from "../lib/queue/fail";
import type { Lease } from "../lib/queue/lease";
import { release } from "../lib/queue/release";
import { watchForWork } from "../lib/queue/wake";
import type { WorkerStats } from "../lib/queue/workers";
import { WorkerStopping, type Handlers } from "./handler";
import { log } from "./log";
import { MessageRun } from "./run-message";

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

/** After a claim fails (database locked for longer than busy_timeout), wait this long, not a hot loop. */
const CLAIM_ERROR_BACKOFF_MS = 1_000;

/**
 * The worker's loop: claim → run → settle → next. It knows no SQL: claims, completions, failures
 * and releases are lib/queue's. It claims only when it has a free slot and there may be work —
 * after a wake-up from another process, its own settlements, or a delayed message coming due.
 */
export class WorkerLoop {
  private readonly running = new Map<number, MessageRun>();
  private readonly toComplete: Lease[] = [];
  private maybeWork = true;
  private stopping = false;
  private pumping = false;
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;
  private processed = 0;
  private failed = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly opts: LoopOptions) {}

  start(): void {
    this.stopWatching = watchForWork(this.opts.db, { pollMs: this.opts.pollMs, onWake: () => this.wake() });
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
      while (!this.stopping && this.maybeWork && this.running.size < this.opts.concurrency) {
        const free = this.opts.concurrency - this.running.size;
        const batch = this.claimSafely(free);
        if (batch.length < free) this.maybeWork = false;
        for (const message of batch) this.runMessage(message);
      }
      if (!this.maybeWork && !this.stopping) this.sleepUntilDue();
    } finally {
      this.pumping = false;
    }
  }

  private claimSafely(limit: number): Claimed[] {
    try {
      return claim(this.opts.db, {
        workerId: this.opts.workerId,
        queues: this.opts.queues,
        limit,
        groupLimit: this.opts.groupLimit,
      });
    } catch (err) {
      log.error("claim failed; retrying in 1 s", err);
      this.maybeWork = false;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), CLAIM_ERROR_BACKOFF_MS);
      return [];
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
      deadLetter(
        this.opts.db,
        message,
        "unknown_actor",
        `No handler for actor "${message.actor}" in worker ${this.opts.workerId} (it handles: ${known})`,
      );
      this.failed++;
      log.warn(`message ${message.id}: no handler for actor "${message.actor}", dead-lettered`);
      this.maybeWork = true;
      return;
    }
    // Handlers are bound to declared specs (bind), so the spec is known here.
    const run = new MessageRun(message, this.opts.db, handler, actorSpec(message.actor).timeLimitMs);
    this.running.set(message.id, run);
    void run.run().then((outcome) => {
      if (this.running.get(message.id) !== run) return; // released at shutdown: nothing to record
      this.running.delete(message.id);
      if (outcome.kind === "ok") {
        this.toComplete.push(message);
        this.queueFlush();
        return;
      }
      if (outcome.kind === "settled") this.processed++;
      else this.recordFailure(message, outcome.error, outcome.timeLimit);
      this.settled();
    });
  }

  private recordFailure(message: Claimed, error: unknown, timeLimit: boolean): void {
    this.failed++;
    try {
      const outcome = fail(this.opts.db, message, error, { reason: timeLimit ? "time_limit" : "retries_exhausted" });
      if (outcome?.state === "dead") log.warn(`message ${message.id} (${message.actor}) is dead: ${outcome.reason}`);
    } catch (err) {
      // The lease will run out and reclaim will apply the actor's policy: the message is not lost.
      log.error(`message ${message.id}: recording its failure failed`, err);
    }
  }

  /** Completions that finish in the same turn of the event loop share one transaction. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
      this.settled();
    });
  }

  private flush(): void {
    const leases = this.toComplete.splice(0);
    if (!leases.length) return;
    try {
      const done = completeMany(this.opts.db, leases);
      this.processed += done;
      if (done < leases.length) log.warn(`${leases.length - done} completions came after their lease was lost`);
    } catch (err) {
      log.error("recording completions failed; their leases will run out and be reclaimed", err);
    }
  }

  /** A slot freed and a group may have unblocked: look for more work. */
  private settled(): void {
    this.maybeWork = true;
    this.pump();
    if (this.running.size === 0) this.idle?.();
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
    for (const run of left) run.abort(new WorkerStopping());
    if (left.length) {
      const n = release(this.opts.db, left.map((run) => run.message));
      log.info(`released ${n} unfinished message(s)`);
    }
    this.flush();
  }
}
