import { safeParse } from "zod/v4/core";
import type { Enqueued, NewMessage, Store } from "../db/store";
import { PRIORITIES, type Priority } from "../requests/statuses";
import { actorSpec } from "./actors";
import { nudge } from "./wake";

export type { Enqueued } from "../db/store";

export interface EnqueueOptions {
  /** LOW..EMERGENCY, or its rank 0..4. (Default: NORMAL) */
  priority?: Priority | number;
  /** Not claimed before this time, in ms since the epoch. (Default: now) */
  runAt?: number;
  /** Shorthand for runAt = now + delayMs. */
  delayMs?: number;
  /** A second enqueue with the same key returns the first message instead. */
  idempotencyKey?: string;
  /** Messages sharing a group key never run at the same time (one tmux session at a time). */
  groupKey?: string;
  now?: number;
}

export interface EnqueueItem extends EnqueueOptions {
  actor: string;
  payload: unknown;
}

function rankOf(priority: Priority | number | undefined): number {
  if (priority === undefined) return 1;
  if (typeof priority === "number") {
    if (!Number.isInteger(priority) || priority < 0 || priority >= PRIORITIES.length) {
      throw new Error(`Priority ${priority} is not a rank from 0 to ${PRIORITIES.length - 1}`);
    }
    return priority;
  }
  const rank = PRIORITIES.indexOf(priority);
  if (rank < 0) throw new Error(`Priority "${priority}" is not one of ${PRIORITIES.join(", ")}`);
  return rank;
}

/**
 * Checks an item against its actor's spec and resolves it into the row to write. Throws at the
 * caller for an unknown actor or a payload that fails the actor's schema, so nothing unrunnable is
 * ever queued.
 */
export function prepareMessage(item: EnqueueItem): NewMessage {
  const spec = actorSpec(item.actor);
  const checked = safeParse(spec.payload, item.payload);
  if (!checked.success) {
    const detail = checked.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
    throw new Error(`Payload for actor "${spec.name}" is invalid: ${detail}`);
  }
  const now = item.now ?? Date.now();
  return {
    queue: spec.queue,
    actor: spec.name,
    payload: JSON.stringify(checked.data ?? null),
    priority: rankOf(item.priority),
    runAt: item.runAt ?? now + (item.delayMs ?? 0),
    maxRetries: spec.maxRetries,
    onLeaseLost: spec.onLeaseLost,
    groupKey: item.groupKey ?? null,
    idempotencyKey: item.idempotencyKey ?? null,
    createdAt: now,
  };
}

/** Puts one message on its actor's queue. */
export async function enqueue(store: Store, actor: string, payload: unknown, opts: EnqueueOptions = {}): Promise<Enqueued> {
  const [result] = await enqueueMany(store, [{ ...opts, actor, payload }]);
  return result!;
}

/** Puts many messages on their queues in one transaction: all are written, or none. */
export async function enqueueMany(store: Store, items: readonly EnqueueItem[]): Promise<Enqueued[]> {
  const result = await store.enqueue(items.map(prepareMessage));
  nudge();
  return result;
}
