/** The states of a queue message. `leased`: a worker holds it under a lease token. */
export const MESSAGE_STATES = ["ready", "leased", "done", "dead"] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** What a lost lease (a worker that died mid-run) means for an actor's message. */
export const LEASE_LOST_POLICIES = ["retry", "dead"] as const;
export type LeaseLostPolicy = (typeof LEASE_LOST_POLICIES)[number];

/**
 * Why a message is a dead letter:
 * - `retries_exhausted`: its handler failed more often than the actor allows;
 * - `time_limit`: its last attempt ran past the actor's time limit, with no retry left;
 * - `interrupted`: its worker died or stopped mid-run and the actor must not run it again blindly;
 * - `unknown_actor`: the worker that claimed it has no handler for its actor.
 */
export const DEAD_REASONS = ["retries_exhausted", "time_limit", "interrupted", "unknown_actor"] as const;
export type DeadReason = (typeof DEAD_REASONS)[number];
