import { parse } from "zod/v4/core";
import type { ActorSpec } from "../lib/queue/actors";
import type { Plan, Store } from "../lib/db/store";
import type { DeadReason } from "../lib/queue/states";

/** What a handler gets besides its payload. */
export interface HandlerContext {
  messageId: number;
  actor: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** True when a failure now would dead-letter the message instead of retrying it. */
  lastAttempt: boolean;
  /**
   * Fires when the actor's time limit runs out or the worker is stopping and could not wait any
   * longer: stop, and throw. Its `reason` says which.
   */
  signal: AbortSignal;
  /** The worker's store. */
  store: Store;
  /**
   * Completes the message and applies `plans` in the same transaction, so the run's result and the
   * message's completion commit together. Resolves false, without applying them, when this worker
   * no longer holds the message (its lease was lost: someone else decides now). A handler that
   * settles need not do anything more; one that returns without settling is completed for it.
   */
  settle(plans: readonly Plan[]): Promise<boolean>;
}

/**
 * Runs one message. Throwing means failure: the message is retried with backoff, or dead-lettered;
 * throwing a DeadLetter dead-letters it at once.
 */
export type Handler<P = unknown> = (payload: P, ctx: HandlerContext) => Promise<void>;

/** Actor name → handler, as one worker process knows them. */
export type Handlers = Readonly<Record<string, Handler>>;

/**
 * Binds a handler to its actor's spec, for spreading into a Handlers map:
 * `{ ...bind(noop, async () => {}) }`. The payload is checked against the actor's schema again
 * before the handler sees it, so the handler can trust its type.
 */
export function bind<P>(spec: ActorSpec<P>, handler: Handler<P>): Handlers {
  return { [spec.name]: (payload, ctx) => handler(parse(spec.payload, payload), ctx) };
}

/** Why a handler's signal fired. */
export class TimeLimitExceeded extends Error {
  constructor(limitMs: number) {
    super(`Time limit of ${limitMs} ms exceeded`);
    this.name = "TimeLimitExceeded";
  }
}

export class WorkerStopping extends Error {
  constructor() {
    super("The worker is stopping and could not wait for this run to finish");
    this.name = "WorkerStopping";
  }
}

/**
 * Thrown by a handler whose message must not run again: the worker dead-letters it at once with
 * `reason`, whatever retries are left (the onDeadLetter hooks run as usual). For work that may
 * already have had its effect, such as a command that may have started in tmux.
 */
export class DeadLetter extends Error {
  constructor(
    readonly reason: Extract<DeadReason, "interrupted">,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DeadLetter";
  }
}
