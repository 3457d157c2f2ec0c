/** The states of a queue message. `leased`: a worker holds it under a lease token. */
export const MESSAGE_STATES = ["ready", "leased", "done", "dead"] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** What a lost lease (a worker that died mid-run) means for an actor's message. */
export const LEASE_LOST_POLICIES = ["retry", "dead"] as const;
export type LeaseLostPolicy = (typeof LEASE_LOST_POLICIES)[number];
