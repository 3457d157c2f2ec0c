import type { DeadRow, Lease, Store } from "../db/store";
import { describeError } from "./error-text";
import { reactions } from "./hooks";
import type { DeadReason } from "./states";
import { nudge } from "./wake";

/** A dead letter as triage shows it. */
export interface DeadLetter extends Omit<DeadRow, "payload" | "deadReason"> {
  payload: unknown;
  reason: DeadReason;
}

/**
 * Dead-letters a message this worker holds, at once and without retries — for a message no
 * handler here can run (`unknown_actor`). False when the lease is no longer this claim's.
 */
export function deadLetter(store: Store, lease: Lease, reason: DeadReason, error: unknown, now = Date.now()): Promise<boolean> {
  return store.deadLetter(lease, reason, describeError(error), now, reactions);
}

export interface ListDeadOptions {
  /** (Default: 50) */
  limit?: number;
  /** Keyset cursor: only dead letters with a smaller id (older). */
  beforeId?: number;
  actor?: string;
  /** Show the discarded ones instead of those awaiting triage. (Default: false) */
  discarded?: boolean;
}

/** Dead letters, newest first. */
export async function listDead(store: Store, opts: ListDeadOptions = {}): Promise<DeadLetter[]> {
  const rows = await store.listDead({ limit: opts.limit ?? 50, beforeId: opts.beforeId, actor: opts.actor, discarded: opts.discarded ?? false });
  return rows.map(({ payload, deadReason, ...r }) => ({ ...r, payload: JSON.parse(payload) as unknown, reason: deadReason }));
}

/**
 * Puts a dead letter back on its queue with a fresh count of retries (a person decided to run it
 * again). False when it is not a dead letter awaiting triage (already requeued or discarded).
 */
export async function requeueDead(store: Store, id: number, now = Date.now()): Promise<boolean> {
  const requeued = await store.requeueDead(id, now, reactions);
  if (requeued) nudge();
  return requeued;
}

/** Marks a dead letter discarded: kept until pruned, out of triage. False when it was not awaiting triage. */
export function discardDead(store: Store, id: number, now = Date.now()): Promise<boolean> {
  return store.discardDead(id, now, reactions);
}
