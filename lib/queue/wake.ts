import type { Store, WakeOptions } from "../db/store";

const local = new Set<() => void>();

/**
 * Tells this process's idle workers that work was just written. A store reports the work other
 * processes write (SQLite's -work file, PostgreSQL's NOTIFY); whatever in this process may have
 * made work claimable (a report that frees a session, say, which neither signals) calls this after
 * it commits, so that this process's own waiters claim at once.
 */
export function nudge(): void {
  for (const wake of local) wake();
}

/** Calls `onWake` soon after anyone, this process included, writes work; returns a function that stops it. */
export function watchForWork(store: Store, opts: WakeOptions): () => void {
  const stop = store.watchForWork(opts);
  let scheduled = false;
  // At most one wake-up per turn of the event loop, after the caller's own work.
  const wake = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (local.has(wake)) opts.onWake();
    });
  };
  local.add(wake);
  return () => {
    local.delete(wake);
    stop();
  };
}
