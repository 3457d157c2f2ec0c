import { safeParse } from "zod/v4/core";
import type { Db } from "../db/client";
import { writeTx } from "../db/client";
import { PRIORITIES, type Priority } from "../requests/statuses";
import { actorSpec } from "./actors";
import { nudge } from "./wake";

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

export interface Enqueued {
  id: number;
  /** False when an idempotency key matched an existing message. */
  created: boolean;
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

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    insert: db.$client.prepare(
      `INSERT INTO messages (queue, actor, payload, priority, state, run_at, max_retries, on_lease_lost, group_key, idempotency_key, created_at)
       VALUES (?, ?, ?, ?, 'ready', ?, ?, ?, ?, ?, ?)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
    ),
    byKey: db.$client.prepare(`SELECT id FROM messages WHERE idempotency_key = ?`),
  };
}

function stmts(db: Db) {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
}

/**
 * Checks an item against its actor's spec and writes it. Throws at the caller for an unknown
 * actor or a payload that fails the actor's schema, so nothing unrunnable is ever queued.
 */
function insertOne(db: Db, item: EnqueueItem): Enqueued {
  const spec = actorSpec(item.actor);
  const checked = safeParse(spec.payload, item.payload);
  if (!checked.success) {
    const detail = checked.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
    throw new Error(`Payload for actor "${spec.name}" is invalid: ${detail}`);
  }
  const now = item.now ?? Date.now();
  const runAt = item.runAt ?? now + (item.delayMs ?? 0);
  const s = stmts(db);
  const { changes, lastInsertRowid } = s.insert.run(
    spec.queue,
    spec.name,
    JSON.stringify(checked.data ?? null),
    rankOf(item.priority),
    runAt,
    spec.maxRetries,
    spec.onLeaseLost,
    item.groupKey ?? null,
    item.idempotencyKey ?? null,
    now,
  );
  if (changes === 1) return { id: Number(lastInsertRowid), created: true };
  const existing = s.byKey.get(item.idempotencyKey) as { id: number };
  return { id: existing.id, created: false };
}

/**
 * Puts one message on its actor's queue: one INSERT, so it needs no transaction of its own, and
 * inside the caller's transaction it commits or rolls back with it.
 */
export function enqueue(db: Db, actor: string, payload: unknown, opts: EnqueueOptions = {}): Enqueued {
  const result = insertOne(db, { ...opts, actor, payload });
  nudge();
  return result;
}

/** Puts many messages on their queues in one transaction: all are written, or none. */
export function enqueueMany(db: Db, items: EnqueueItem[]): Enqueued[] {
  const result = writeTx(db, () => items.map((item) => insertOne(db, item)));
  nudge();
  return result;
}
