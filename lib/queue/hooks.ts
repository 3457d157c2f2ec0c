import type { Db } from "../db/client";
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

export type DeadLetterHook = (db: Db, message: HookMessage, reason: DeadReason) => void;
export type RetryHook = (db: Db, message: HookMessage, runAt: number) => void;
export type MessageHook = (db: Db, message: HookMessage) => void;

const deadLetter = new Map<string, DeadLetterHook[]>();
const retry = new Map<string, RetryHook[]>();
const requeue = new Map<string, MessageHook[]>();
const discard = new Map<string, MessageHook[]>();

function add<H>(registry: Map<string, H[]>, actor: string, hook: H): () => void {
  const list = registry.get(actor) ?? [];
  list.push(hook);
  registry.set(actor, list);
  return () => registry.set(actor, (registry.get(actor) ?? []).filter((h) => h !== hook));
}

/**
 * Runs `hook` whenever a message of `actor` becomes a dead letter — retries exhausted, time limit,
 * interrupted, unknown actor — inside the transaction that dead-letters it: what the hook writes
 * commits or rolls back with it. Returns a function that removes the hook.
 */
export function onDeadLetter(actor: string, hook: DeadLetterHook): () => void {
  return add(deadLetter, actor, hook);
}

/** Runs `hook` in the transaction that schedules a failed or interrupted message of `actor` again. */
export function onRetry(actor: string, hook: RetryHook): () => void {
  return add(retry, actor, hook);
}

/** Runs `hook` in the transaction that puts a dead letter of `actor` back on its queue. */
export function onRequeue(actor: string, hook: MessageHook): () => void {
  return add(requeue, actor, hook);
}

/** Runs `hook` in the transaction that discards a dead letter of `actor`. */
export function onDiscard(actor: string, hook: MessageHook): () => void {
  return add(discard, actor, hook);
}

/** A row as the queue's RETURNING clauses give it. */
export interface ChangedRow {
  id: number;
  actor: string;
  queue: string;
  payload: string;
  attempts: number;
  last_error: string | null;
  state: string;
  run_at: number;
  dead_reason: string | null;
}

export const CHANGED_COLUMNS = "id, actor, queue, payload, attempts, last_error, state, run_at, dead_reason";

function view(row: ChangedRow): HookMessage {
  return {
    id: row.id,
    actor: row.actor,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    attempts: row.attempts,
    lastError: row.last_error,
  };
}

/** Tells the hooks what a statement did to these rows: dead-lettered them, or scheduled a retry. */
export function announce(db: Db, rows: readonly ChangedRow[]): void {
  for (const row of rows) {
    if (row.state === "dead") {
      const hooks = deadLetter.get(row.actor);
      if (hooks?.length) for (const hook of hooks) hook(db, view(row), row.dead_reason as DeadReason);
    } else if (row.state === "ready") {
      const hooks = retry.get(row.actor);
      if (hooks?.length) for (const hook of hooks) hook(db, view(row), row.run_at);
    }
  }
}

export function announceRequeue(db: Db, row: ChangedRow): void {
  for (const hook of requeue.get(row.actor) ?? []) hook(db, view(row));
}

export function announceDiscard(db: Db, row: ChangedRow): void {
  for (const hook of discard.get(row.actor) ?? []) hook(db, view(row));
}
