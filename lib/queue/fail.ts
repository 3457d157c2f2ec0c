import type { Lease, Store } from "../db/store";
import { actorSpec, type ActorSpec } from "./actors";
import { describeError } from "./error-text";
import { reactions } from "./hooks";
import type { DeadReason } from "./states";

/**
 * When retry number `attempt` (1 for the first retry) may run: exponential backoff with jitter,
 * min·2^(attempt−1)·(1 + random), within [minBackoffMs, maxBackoffMs]. The jitter spreads retries
 * of messages that failed together (a tmux server restart) so they do not all return at once.
 */
export function nextRunAt(
  attempt: number,
  spec: Pick<ActorSpec, "minBackoffMs" | "maxBackoffMs">,
  random: () => number = Math.random,
  now = Date.now(),
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const delay = spec.minBackoffMs * 2 ** exponent * (1 + random());
  return now + Math.round(Math.min(Math.max(delay, spec.minBackoffMs), spec.maxBackoffMs));
}

export interface FailOptions {
  /** `time_limit` when the run was stopped by the actor's time limit. (Default: `retries_exhausted`) */
  reason?: Extract<DeadReason, "retries_exhausted" | "time_limit">;
  now?: number;
  /** Jitter source, injectable so tests know the backoff. (Default: Math.random) */
  random?: () => number;
}

export type FailOutcome = { state: "ready"; runAt: number } | { state: "dead"; reason: DeadReason };

/**
 * Records a failed run: schedules a retry with backoff, or dead-letters the message once its actor's
 * retries are spent (calling the onDeadLetter hooks in the same transaction). Null when the lease
 * is no longer this claim's: someone else already decided.
 */
export async function fail(
  store: Store,
  message: Lease & { actor: string; attempts: number },
  error: unknown,
  opts: FailOptions = {},
): Promise<FailOutcome | null> {
  const now = opts.now ?? Date.now();
  const row = await store.fail(
    message,
    {
      now,
      runAt: nextRunAt(message.attempts, actorSpec(message.actor), opts.random, now),
      deadReason: opts.reason ?? "retries_exhausted",
      error: describeError(error),
    },
    reactions,
  );
  if (!row) return null;
  return row.state === "dead" ? { state: "dead", reason: row.deadReason ?? "retries_exhausted" } : { state: "ready", runAt: row.runAt };
}
