import type { ChangedRow, Plan, QueueReactions } from "../db/store";
import type { DeadReason } from "./states";

/** A message as hooks see it, after the statement that changed it. */
export interface HookMessage {
  id: number;
  actor: string;
  queue: string;
  payload: unknown;
  /** Times it was claimed so far. */
  attempts: number;
  lastError: string | null;
}

// Hooks say what should happen in the transaction that changes a message, as plans (guarded
// request transitions) that the store applies there: a hook reads nothing and writes nothing itself,
// so the same hook serves every store.
export type DeadLetterHook = (message: HookMessage, reason: DeadReason) => Plan[];
export type RetryHook = (message: HookMessage, runAt: number) => Plan[];
export type MessageHook = (message: HookMessage) => Plan[];

const deadLetter = new Map<string, DeadLetterHook[]>();
const retry = new Map<string, RetryHook[]>();
const requeue = new Map<string, MessageHook[]>();
const discard = new Map<string, MessageHook[]>();

function add<H>(registry: Map<string, H[]>, actor: string, hook: H): () => void {
  registry.set(actor, [...(registry.get(actor) ?? []), hook]);
  return () => registry.set(actor, (registry.get(actor) ?? []).filter((h) => h !== hook));
}

/**
 * Adds `hook` for when a message of `actor` becomes a dead letter — retries exhausted, time limit,
 * interrupted, unknown actor: its plans are applied in the transaction that dead-letters it.
 * Returns a function that removes the hook.
 */
export function onDeadLetter(actor: string, hook: DeadLetterHook): () => void {
  return add(deadLetter, actor, hook);
}

/** Adds `hook` for the transaction that schedules a failed or interrupted message of `actor` again. */
export function onRetry(actor: string, hook: RetryHook): () => void {
  return add(retry, actor, hook);
}

/** Adds `hook` for the transaction that puts a dead letter of `actor` back on its queue. */
export function onRequeue(actor: string, hook: MessageHook): () => void {
  return add(requeue, actor, hook);
}

/** Adds `hook` for the transaction that discards a dead letter of `actor`. */
export function onDiscard(actor: string, hook: MessageHook): () => void {
  return add(discard, actor, hook);
}

function view(row: ChangedRow): HookMessage {
  return { id: row.id, actor: row.actor, queue: row.queue, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts, lastError: row.lastError };
}

/** What the registered hooks want done about changed messages, for the stores to apply. */
export const reactions: QueueReactions = {
  changed: (rows) =>
    rows.flatMap((row) => {
      if (row.state === "dead") return (deadLetter.get(row.actor) ?? []).flatMap((hook) => hook(view(row), row.deadReason ?? "retries_exhausted"));
      if (row.state === "ready") return (retry.get(row.actor) ?? []).flatMap((hook) => hook(view(row), row.runAt));
      return [];
    }),
  requeued: (row) => (requeue.get(row.actor) ?? []).flatMap((hook) => hook(view(row))),
  discarded: (row) => (discard.get(row.actor) ?? []).flatMap((hook) => hook(view(row))),
};
