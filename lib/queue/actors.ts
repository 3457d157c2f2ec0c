import * as z from "zod/mini";
import type { LeaseLostPolicy } from "./states";

/** What an actor is, as both web (enqueuing) and worker (handling) know it. */
export interface ActorSpec<P = unknown> {
  name: string;
  /** Queue the actor's messages go on. (Default: "default") */
  queue: string;
  /** Retries after the first attempt before the message is dead-lettered. (Default: 20) */
  maxRetries: number;
  /** Backoff bounds for retries, exponential with jitter. (Default: 15 s to 7 days) */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** How long one run may take; the handler's AbortSignal fires then. (Default: 10 min) */
  timeLimitMs: number;
  /** What a lost lease (worker died mid-run) means: run again, or dead with reason `interrupted`. (Default: retry) */
  onLeaseLost: LeaseLostPolicy;
  /** Checks every payload at enqueue, in the caller's process. (Any zod schema; Gatehouse's own use zod/mini, see lib/config.ts.) */
  payload: z.core.$ZodType<P>;
}

const registry = new Map<string, ActorSpec<unknown>>();

/** Declares an actor; the spec is then known to `enqueue` and to workers by its name. */
export function defineActor<P>(spec: Pick<ActorSpec<P>, "name" | "payload"> & Partial<ActorSpec<P>>): ActorSpec<P> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(spec.name)) throw new Error(`Actor name "${spec.name}" must be snake_case`);
  const full: ActorSpec<P> = {
    queue: "default",
    maxRetries: 20,
    minBackoffMs: 15_000,
    maxBackoffMs: 7 * 24 * 3600_000,
    timeLimitMs: 10 * 60_000,
    onLeaseLost: "retry",
    ...spec,
  };
  registry.set(full.name, full);
  return full;
}

/** The spec of a declared actor, or an error that says which actors exist. */
export function actorSpec(name: string): ActorSpec<unknown> {
  const spec = registry.get(name);
  if (!spec) {
    const known = [...registry.keys()].sort().join(", ") || "none";
    throw new Error(`Unknown actor "${name}" (declared actors: ${known})`);
  }
  return spec;
}

export function declaredActors(): ActorSpec<unknown>[] {
  return [...registry.values()];
}

// Gatehouse's own actors. Their handlers live in worker/actors/.

/** Runs an approved request's command in its agent's tmux session. Never re-run blindly. */
export const executeApprovedCommand = defineActor({
  name: "execute_approved_command",
  queue: "commands",
  onLeaseLost: "dead",
  // The request's own timeoutSec (at most 7 days) bounds the command; this only catches a stuck handler.
  timeLimitMs: 7 * 24 * 3600_000 + 3600_000,
  payload: z.object({ requestId: z.string().check(z.minLength(1)) }),
});

/** Tells an agent's session what happened to one of its requests. */
export const notifySession = defineActor({
  name: "notify_session",
  queue: "notifications",
  maxRetries: 10,
  minBackoffMs: 1_000,
  maxBackoffMs: 10 * 60_000,
  timeLimitMs: 30_000,
  payload: z.object({
    requestId: z.string().check(z.minLength(1)),
    session: z.string().check(z.minLength(1)),
    event: z.enum(["approved", "rejected", "expired", "finished", "dead"]),
  }),
});

/**
 * Posts one request that waits for a person to one outgoing webhook (lib/webhooks). A receiver that
 * is down gets 8 retries over about 20 minutes (5 s doubling, at most 10 min apart), then the
 * message is a dead letter.
 */
export const deliverWebhook = defineActor({
  name: "deliver_webhook",
  queue: "notifications",
  maxRetries: 8,
  minBackoffMs: 5_000,
  maxBackoffMs: 10 * 60_000,
  timeLimitMs: 30_000,
  payload: z.object({
    webhookId: z.string().check(z.minLength(1)),
    request: z.object({
      id: z.string(),
      agentId: z.string(),
      session: z.string(),
      command: z.string(),
      reason: z.nullable(z.string()),
      priority: z.string(),
      createdAt: z.string(),
      url: z.string(),
    }),
  }),
});

/** Does nothing: the benchmark's and the tests' unit of work. */
export const noop = defineActor({
  name: "noop",
  queue: "default",
  payload: z.unknown(),
});
