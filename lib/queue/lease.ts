import { newSecret } from "../ids";

/**
 * How long a claim holds a message unless its worker's heartbeat extends it. A worker killed with
 * SIGKILL stops extending; its messages are recovered once this runs out, at the next reclaim
 * (every RECLAIM_EVERY_MS): LEASE_MS + RECLAIM_EVERY_MS stays under the promised 10 s.
 */
export const LEASE_MS = 6_000;

/** How often a worker records its heartbeat and extends its leases. */
export const HEARTBEAT_MS = 1_000;

/** How often workers look for expired leases. */
export const RECLAIM_EVERY_MS = 1_000;

/** A worker whose heartbeat is older than this is shown as gone. */
export const WORKER_STALE_MS = 3 * HEARTBEAT_MS + 2_000;

export type { Lease } from "../db/store";

// Tokens only need to be unique, not secret (a worker holding the database could do anything):
// a random prefix per process and a counter, cheaper than fresh random bytes per claim.
const prefix = newSecret(9);
let counter = 0;

export function newLeaseToken(): string {
  return `${prefix}.${(counter++).toString(36)}`;
}
