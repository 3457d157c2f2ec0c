import type { Lease, Store } from "../db/store";
import { LEASE_MS, newLeaseToken } from "./lease";

export interface ClaimOptions {
  /** Recorded on each message as the worker that holds it; heartbeats extend its leases. */
  workerId: string;
  /** Queues to take messages from. (Default: every queue) */
  queues?: readonly string[];
  /** Most messages to take at once. */
  limit: number;
  /** Messages sharing a group key that may be leased at once (GATEHOUSE_SESSION_CONCURRENCY). (Default: 1) */
  groupLimit?: number;
  /** (Default: LEASE_MS) */
  leaseMs?: number;
  now?: number;
}

/** A message this worker now holds, until it completes, fails or releases it. */
export interface Claimed extends Lease {
  actor: string;
  payload: unknown;
  priority: number;
  /** Times claimed, this claim included (1 on the first run). */
  attempts: number;
  maxRetries: number;
}

/**
 * Takes up to `limit` due messages, highest priority first and FIFO within a priority, under one
 * new lease token: two workers never take the same message.
 */
export async function claim(store: Store, opts: ClaimOptions): Promise<Claimed[]> {
  return (await completeAndClaim(store, [], opts)).claimed;
}

/**
 * Completes a worker's finished messages and claims its next ones in the same transaction: one
 * commit per turn of the worker's loop instead of two. `limit` may be 0 (only complete).
 */
export async function completeAndClaim(
  store: Store,
  finished: readonly Lease[],
  opts: ClaimOptions,
): Promise<{ completed: number; claimed: Claimed[] }> {
  const { completed, claimed } = await store.completeAndClaim(finished, {
    token: newLeaseToken(),
    workerId: opts.workerId,
    queues: opts.queues,
    limit: opts.limit,
    groupLimit: opts.groupLimit ?? 1,
    leaseMs: opts.leaseMs ?? LEASE_MS,
    now: opts.now ?? Date.now(),
  });
  // A statement's RETURNING gives rows in no promised order.
  if (claimed.length > 1) claimed.sort((a, b) => b.priority - a.priority || a.id - b.id);
  return { completed, claimed: claimed.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown })) };
}

/**
 * When the next delayed or retried message becomes due, or null when none waits: an idle worker
 * sleeps until then instead of polling.
 */
export function nextDueAt(store: Store, now = Date.now()): Promise<number | null> {
  return store.nextDueAt(now);
}
