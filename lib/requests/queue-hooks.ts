import * as z from "zod/mini";
import type { Plan } from "../db/store";
import { onDeadLetter, onDiscard, onRequeue, onRetry, type HookMessage } from "../queue/hooks";
import { deadPlan, discardStep, plan, requeuedWithMessagePlan, retryingPlan } from "./lifecycle";

const payload = z.object({ requestId: z.string() });

/** The request a message runs, as an optional plan: losing a race with a person or the worker is not an error here. */
function forRequest(message: HookMessage, make: (id: string) => Plan): Plan[] {
  const parsed = payload.safeParse(message.payload);
  return parsed.success ? [{ ...make(parsed.data.requestId), optional: true }] : [];
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
  onDeadLetter("execute_approved_command", (message, reason) => {
    const error = summary(message.lastError);
    return forRequest(message, (id) => deadPlan(id, error ? `${reason}: ${error}` : reason));
  });
  onRetry("execute_approved_command", (message) =>
    forRequest(message, (id) => retryingPlan(id, summary(message.lastError) ?? "retrying")),
  );
  onRequeue("execute_approved_command", (message) => forRequest(message, (id) => requeuedWithMessagePlan(id)));
  onDiscard("execute_approved_command", (message) => forRequest(message, (id) => plan(id, "discard", discardStep("system", Date.now()))));
}
