import type { Store } from "../db/store";
import { isShuttingDown, onShutdown } from "../shutdown";
import type { RequestStatus } from "./statuses";

// Long-polling (`GET /api/requests/:id?wait=N`) and the dashboard's live views without busy work.
// A waiter costs one entry in a map. The store says when requests may have changed (SQLite: its own
// writes at once, other processes' through PRAGMA data_version; PostgreSQL: NOTIFY), and only then
// are the statuses of every waited-on request looked up, in one query, and the live views told.
// The store is watched only while someone waits or watches.

interface Waiter {
  from: RequestStatus;
  wake: () => void;
}

interface Watch {
  store: Store;
  waiters: Map<string, Set<Waiter>>;
  /** Live views: told of every change. */
  listeners: Set<() => void>;
  stop?: () => void;
  checking: boolean;
  again: boolean;
}

/** Safety net: how often another process's changes are looked for while someone waits. */
export const CROSS_PROCESS_POLL_MS = 100;

const watches = ((globalThis as unknown as { __gatehouseWatches?: Map<Store, Watch> }).__gatehouseWatches ??= new Map());

function watchOf(store: Store): Watch {
  let w = watches.get(store);
  if (!w) watches.set(store, (w = { store, waiters: new Map(), listeners: new Set(), checking: false, again: false }));
  return w;
}

/**
 * Resolves when request `id` may have left status `from`, after `timeoutMs`, or when `signal`
 * aborts (the client went away). The caller reads the row again either way.
 */
export function waitForChange(store: Store, id: string, from: RequestStatus, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const w = watchOf(store);
  if (isShuttingDown()) return Promise.resolve();
  return new Promise((resolve) => {
    const waiter: Waiter = { from, wake: done };
    const timeout = setTimeout(done, timeoutMs);
    // A stopping server answers at once (the status as it is) rather than hold its shutdown.
    const offShutdown = onShutdown(done);
    signal?.addEventListener("abort", done, { once: true });
    let set = w.waiters.get(id);
    if (!set) w.waiters.set(id, (set = new Set()));
    set.add(waiter);
    startWatching(w);
    // A change between the caller's read and the watch just started would never be announced:
    // look once more, now that nothing can slip by.
    void check(w);

    function done() {
      clearTimeout(timeout);
      offShutdown();
      signal?.removeEventListener("abort", done);
      const s = w.waiters.get(id);
      s?.delete(waiter);
      if (s?.size === 0) w.waiters.delete(id);
      stopWatchingWhenIdle(w);
      resolve();
    }
  });
}

/**
 * Calls `listener` soon after requests may have changed, in this process or another (the
 * dashboard's live views). Returns a function that stops it.
 */
export function onRequestsChanged(store: Store, listener: () => void): () => void {
  const w = watchOf(store);
  w.listeners.add(listener);
  startWatching(w);
  return () => {
    w.listeners.delete(listener);
    stopWatchingWhenIdle(w);
  };
}

function startWatching(w: Watch): void {
  w.stop ??= w.store.watchRequests(() => {
    for (const listener of w.listeners) listener();
    if (w.waiters.size) void check(w);
  }, CROSS_PROCESS_POLL_MS);
}

function stopWatchingWhenIdle(w: Watch): void {
  if (w.waiters.size || w.listeners.size) return;
  w.stop?.();
  w.stop = undefined;
}

/** Wakes the waiters whose request has left the status they wait on; one check at a time. */
async function check(w: Watch): Promise<void> {
  if (w.checking) {
    w.again = true;
    return;
  }
  w.checking = true;
  try {
    do {
      w.again = false;
      const ids = [...w.waiters.keys()];
      if (!ids.length) return;
      for (const row of await w.store.statuses(ids)) {
        for (const waiter of w.waiters.get(row.id) ?? []) if (waiter.from !== row.status) waiter.wake();
      }
    } while (w.again);
  } catch (err) {
    console.error("gatehouse: looking up waited-on requests failed", err);
  } finally {
    w.checking = false;
  }
}
