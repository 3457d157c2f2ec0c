import type { Lease, Plan, Store } from "../db/store";

/**
 * Marks a message done, if the lease is still this claim's; false when it is not (the lease
 * expired and the message was reclaimed, or the worker released it).
 */
export async function complete(store: Store, lease: Lease, now = Date.now()): Promise<boolean> {
  return (await store.completeMany([lease], now)) === 1;
}

/**
 * Completes a message and applies `plans` in the same transaction, so finishing a run and
 * recording it commit together. When the lease is no longer this claim's, neither happens and the
 * answer is false.
 */
export function completeWith(store: Store, lease: Lease, plans: readonly Plan[], now = Date.now()): Promise<boolean> {
  return store.completeWith(lease, plans, now);
}

/** Completes many messages in one transaction; returns how many were still this worker's. */
export async function completeMany(store: Store, leases: readonly Lease[], now = Date.now()): Promise<number> {
  return leases.length ? store.completeMany(leases, now) : 0;
}
