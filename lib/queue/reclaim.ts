import type { Store } from "../db/store";
import { reactions } from "./hooks";
import { nudge } from "./wake";

/** Messages recovered per transaction. */
const CHUNK = 500;

export interface Reclaimed {
  retried: number[];
  dead: number[];
}

/**
 * Recovers messages whose lease expired (their worker died or stalled), each as its actor's
 * `onLeaseLost` says: `retry` — due again at once, the attempt counted, so a message that kills its
 * worker every time cannot loop forever; `dead` — it may have started, so a person decides.
 */
export async function reclaim(store: Store, now = Date.now()): Promise<Reclaimed> {
  const result: Reclaimed = { retried: [], dead: [] };
  for (;;) {
    const rows = await store.reclaim(now, CHUNK, reactions);
    for (const row of rows) (row.state === "dead" ? result.dead : result.retried).push(row.id);
    if (rows.length < CHUNK) {
      if (result.retried.length) nudge();
      return result;
    }
  }
}
