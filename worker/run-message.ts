import type { Db } from "../lib/db/client";
import type { Claimed } from "../lib/queue/claim";
import { completeWith } from "../lib/queue/complete";
import type { Handler } from "./handler";
import { TimeLimitExceeded } from "./handler";

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

/** One message's run: its handler, with the time limit and abort signal around it. */
export class MessageRun {
  readonly controller = new AbortController();
  private timedOut = false;
  private settled = false;

  constructor(
    readonly message: Claimed,
    private readonly db: Db,
    private readonly handler: Handler,
    private readonly timeLimitMs: number,
  ) {}

  /** Stops the handler: it should throw soon. */
  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  async run(): Promise<RunOutcome> {
    const { message } = this;
    const limit = setTimeout(() => {
      this.timedOut = true;
      this.abort(new TimeLimitExceeded(this.timeLimitMs));
    }, this.timeLimitMs);
    let giveUp: NodeJS.Timeout | undefined;
    const abandoned = new Promise<RunOutcome>((resolve) => {
      this.controller.signal.addEventListener("abort", () => {
        giveUp = setTimeout(
          () => resolve({ kind: "error", error: this.controller.signal.reason, timeLimit: this.timedOut }),
          ABANDON_AFTER_MS,
        );
      });
    });
    // Called inside an async function so that a handler that throws before its first await (a
    // payload that fails its schema) is a failed run like any other.
    const ran = (async () => this.handler(message.payload, {
      messageId: message.id,
      actor: message.actor,
      attempt: message.attempts,
      lastAttempt: message.attempts > message.maxRetries,
      signal: this.controller.signal,
      db: this.db,
      settle: (fn) => {
        if (this.settled) return false;
        const done = completeWith(this.db, message, fn);
        this.settled = true;
        return done;
      },
    }))().then(
      (): RunOutcome => (this.settled ? { kind: "settled" } : { kind: "ok" }),
      (error: unknown): RunOutcome =>
        this.settled ? { kind: "settled" } : { kind: "error", error, timeLimit: this.timedOut },
    );
    try {
      return await Promise.race([ran, abandoned]);
    } finally {
      clearTimeout(limit);
      clearTimeout(giveUp);
      // A handler given up on may still settle later: its lease is gone by then, so that is a no-op.
      this.settled = true;
    }
  }
}
