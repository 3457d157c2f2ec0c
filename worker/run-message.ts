import type { Store } from "../lib/db/store";
import type { Claimed } from "../lib/queue/claim";
import { completeWith } from "../lib/queue/complete";
import type { Handler, HandlerContext } from "./handler";
import { TimeLimitExceeded } from "./handler";
import type { Expiring, TimeLimit, TimeLimits } from "./time-limits";

/** How a run ended, for the loop to record. */
export type RunOutcome =
  | { kind: "ok" }
  /** The handler settled the message itself (or found its lease gone): nothing left to record. */
  | { kind: "settled" }
  | { kind: "error"; error: unknown; timeLimit: boolean };

/**
 * After the time limit fires, how long a handler may take to notice its signal before the worker
 * gives up waiting, records the failure and frees the slot.
 */
const ABANDON_AFTER_MS = 2_000;

/**
 * One message's run: its handler, with the time limit and abort signal around it. `onDone` is
 * called exactly once, unless the run is abandoned (the worker stopped and released the message).
 * Kept light: the loop runs tens of thousands of these a second.
 */
export class MessageRun implements Expiring {
  private controller: AbortController | undefined;
  private limit: TimeLimit | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private finished = false;
  private settled = false;

  constructor(
    readonly message: Claimed,
    private readonly store: Store,
    private readonly handler: Handler,
    private readonly timeLimitMs: number,
    private readonly limits: TimeLimits,
    private readonly onDone: (outcome: RunOutcome) => void,
  ) {}

  start(): void {
    this.limit = this.limits.start(this.timeLimitMs, this);
    let running: Promise<void>;
    try {
      running = this.handler(this.message.payload, this.context());
    } catch (error) {
      // A handler that throws before returning its promise (a payload failing its schema) failed like any other.
      running = Promise.reject(error);
    }
    running.then(
      () => this.finish(this.settled ? { kind: "settled" } : { kind: "ok" }),
      (error: unknown) => this.finish(this.settled ? { kind: "settled" } : { kind: "error", error, timeLimit: this.timedOut }),
    );
  }

  timeLimitReached(): void {
    this.timedOut = true;
    this.abort(new TimeLimitExceeded(this.timeLimitMs));
  }

  /** Tells the handler to stop; if it has not finished ABANDON_AFTER_MS later, the run fails without it. */
  abort(reason: Error): void {
    this.signal().abort(reason);
    this.giveUpTimer ??= setTimeout(() => this.finish({ kind: "error", error: reason, timeLimit: this.timedOut }), ABANDON_AFTER_MS);
  }

  /** Aborts the handler and forgets the run: the worker has given its message back. */
  abandon(reason: Error): void {
    this.finish(undefined);
    this.signal().abort(reason);
  }

  private signal(): AbortController {
    // Created on first use: most handlers never look at their signal.
    return (this.controller ??= new AbortController());
  }

  private finish(outcome: RunOutcome | undefined): void {
    if (this.finished) return;
    this.finished = true;
    // A handler given up on may still settle later: its lease is gone by then, so that is a no-op.
    this.settled = true;
    if (this.limit) this.limits.cancel(this.limit);
    clearTimeout(this.giveUpTimer);
    if (outcome) this.onDone(outcome);
  }

  private context(): HandlerContext {
    const { message } = this;
    // The getter's `this` is the context object, not the run.
    const signal = () => this.signal().signal;
    return {
      messageId: message.id,
      actor: message.actor,
      attempt: message.attempts,
      lastAttempt: message.attempts > message.maxRetries,
      store: this.store,
      get signal() {
        return signal();
      },
      settle: async (plans) => {
        if (this.settled) return false;
        this.settled = true;
        return completeWith(this.store, message, plans);
      },
    };
  }
}
