import type { Db } from "../db/client";
import { actorSpec, type ActorSpec } from "./actors";
import { describeError } from "./error-text";
import { announce, CHANGED_COLUMNS, type ChangedRow } from "./hooks";
import type { Lease } from "./lease";
import { perDb } from "../db/per-db";
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

// Retry or dead is decided here, in the statement: a message claimed `attempts` times has had
// attempts − 1 retries, so it may retry while attempts <= max_retries.
const FAIL = `
UPDATE messages SET
  state = CASE WHEN attempts <= max_retries THEN 'ready' ELSE 'dead' END,
  run_at = CASE WHEN attempts <= max_retries THEN @run_at ELSE run_at END,
  dead_reason = CASE WHEN attempts <= max_retries THEN NULL ELSE @dead_reason END,
  finished_at = CASE WHEN attempts <= max_retries THEN NULL ELSE @now END,
  last_error = @error, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND lease_token = @token AND state = 'leased'
RETURNING ${CHANGED_COLUMNS}`;

const statements = perDb(({ $client: client }) => {
  const fail = client.prepare<[Record<string, unknown>], ChangedRow>(FAIL);
  return {
    fail: client.transaction((params: Record<string, unknown>, db: Db) => {
      const row = fail.get(params);
      if (row) announce(db, [row]);
      return row;
    }),
  };
});

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
export function fail(
  db: Db,
  message: Lease & { actor: string; attempts: number },
  error: unknown,
  opts: FailOptions = {},
): FailOutcome | null {
  const now = opts.now ?? Date.now();
  const row = statements(db).fail.immediate(
    {
      id: message.id,
      token: message.leaseToken,
      now,
      run_at: nextRunAt(message.attempts, actorSpec(message.actor), opts.random, now),
      dead_reason: opts.reason ?? "retries_exhausted",
      error: describeError(error),
    },
    db,
  );
  if (!row) return null;
  return row.state === "dead" ? { state: "dead", reason: row.dead_reason as DeadReason } : { state: "ready", runAt: row.run_at };
}
