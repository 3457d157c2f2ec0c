import * as z from "zod/mini";
import type { Db } from "../db/client";
import { ApiError } from "../http/errors";
import { onDeadLetter, onDiscard, onRequeue, onRetry, type HookMessage } from "../queue/hooks";
import { discardRequest, markDead, markRequeuedWithMessage, markRetrying } from "./lifecycle";

const payload = z.object({ requestId: z.string() });

/** Lifecycle moves that lose a race with a person or the worker are not errors here. */
function ignoringConflicts(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 409 && err.status !== 404)) throw err;
  }
}

function requestIdOf(message: HookMessage): string | null {
  const parsed = payload.safeParse(message.payload);
  return parsed.success ? parsed.data.requestId : null;
}

/** The error as the request shows it to its agent: the first line (the queue message keeps the stack). */
function summary(lastError: string | null): string | null {
  return lastError === null ? null : (lastError.split("\n", 1)[0] ?? lastError);
}

let registered = false;

/**
 * Keeps requests in step with their execution messages, inside the queue's own transactions:
 * a dead-lettered message (retries exhausted, interrupted, no handler) makes its request `dead`;
 * a retry scheduled after a failure before the command started puts a `running` request back to
 * `queued`; a dead message requeued or discarded in the queue's own triage takes its request along.
 * Every process that settles or triages messages must call this once at start (the worker does,
 * in worker/requests.ts).
 */
export function registerRequestQueueHooks(): void {
  if (registered) return;
  registered = true;
  onDeadLetter("execute_approved_command", (db: Db, message, reason) => {
    const id = requestIdOf(message);
    const error = summary(message.lastError);
    const why = error ? `${reason}: ${error}` : reason;
    if (id) ignoringConflicts(() => markDead(db, id, why));
  });
  onRetry("execute_approved_command", (db: Db, message) => {
    const id = requestIdOf(message);
    if (id) ignoringConflicts(() => markRetrying(db, id, summary(message.lastError) ?? "retrying"));
  });
  onRequeue("execute_approved_command", (db: Db, message) => {
    const id = requestIdOf(message);
    if (id) ignoringConflicts(() => markRequeuedWithMessage(db, id));
  });
  onDiscard("execute_approved_command", (db: Db, message) => {
    const id = requestIdOf(message);
    if (id) ignoringConflicts(() => discardRequest(db, id, "system"));
  });
}
