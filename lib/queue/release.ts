import type { Lease, Store } from "../db/store";
import { reactions } from "./hooks";
import { nudge } from "./wake";

/**
 * Gives back messages a stopping worker still holds; returns how many were still its own. A `retry`
 * actor's message goes back to ready with this attempt uncounted (it did not fail); a `dead` actor's
 * message may have started, so it is dead-lettered as interrupted rather than run a second time.
 */
export async function release(store: Store, leases: readonly Lease[], now = Date.now()): Promise<number> {
  if (!leases.length) return 0;
  const n = await store.release(leases, now, reactions);
  nudge();
  return n;
}
