import type { Db } from "../db/client";
import { perDb } from "../db/per-db";
import type { RequestStatus } from "./statuses";

// Long-polling (`GET /api/requests/:id?wait=N`) without busy work. A waiter costs one entry in a
// map. Changes made by this process wake waiters directly (`announce`); changes made by another
// process (the worker) are noticed by one timer per process that reads PRAGMA data_version — a
// counter SQLite bumps when another connection commits — and only when it moved, looks up the
// statuses of every waited-on request in one query. The timer runs only while someone waits.

interface Waiter {
  from: RequestStatus;
  wake: () => void;
}

interface Watch {
  db: Db;
  waiters: Map<string, Set<Waiter>>;
  timer?: ReturnType<typeof setInterval>;
  dataVersion?: number;
}

/** How often another process's changes are looked for while someone waits. */
export const CROSS_PROCESS_POLL_MS = 100;

const watches = ((globalThis as unknown as { __gatehouseWatches?: Map<Db, Watch> }).__gatehouseWatches ??= new Map());

function watchOf(db: Db): Watch {
  let w = watches.get(db);
  if (!w) watches.set(db, (w = { db, waiters: new Map() }));
  return w;
}

/** Wakes this process's waiters on these requests (call after the change has committed). */
export function announce(db: Db, ids: string[]): void {
  const w = watches.get(db);
  if (!w) return;
  for (const id of ids) for (const waiter of w.waiters.get(id) ?? []) waiter.wake();
}

/**
 * Resolves when request `id` may have left status `from`, after `timeoutMs`, or when `signal`
 * aborts (the client went away). The caller reads the row again either way.
 */
export function waitForChange(db: Db, id: string, from: RequestStatus, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const w = watchOf(db);
  return new Promise((resolve) => {
    const waiter: Waiter = { from, wake: done };
    const timeout = setTimeout(done, timeoutMs);
    signal?.addEventListener("abort", done, { once: true });
    let set = w.waiters.get(id);
    if (!set) w.waiters.set(id, (set = new Set()));
    set.add(waiter);
    startPolling(w);
    // A commit by another process between the caller's read and the data_version baseline just
    // taken would never show up as a change: look once more, now that nothing can slip by.
    if (statusOf(db, id) !== from) done();

    function done() {
      clearTimeout(timeout);
      signal?.removeEventListener("abort", done);
      const s = w.waiters.get(id);
      s?.delete(waiter);
      if (s?.size === 0) w.waiters.delete(id);
      if (w.waiters.size === 0) stopPolling(w);
      resolve();
    }
  });
}

function startPolling(w: Watch): void {
  if (w.timer) return;
  w.dataVersion = dataVersion(w.db);
  w.timer = setInterval(() => poll(w), CROSS_PROCESS_POLL_MS);
  w.timer.unref();
}

function stopPolling(w: Watch): void {
  if (w.timer) clearInterval(w.timer);
  w.timer = undefined;
}

const statements = perDb(({ $client: c }) => ({
  dataVersion: c.prepare<[], number>("PRAGMA data_version").pluck(),
  status: c.prepare<[string], RequestStatus>("SELECT status FROM requests WHERE id = ?").pluck(),
  statuses: c.prepare<[string], { id: string; status: RequestStatus }>(
    "SELECT id, status FROM requests WHERE id IN (SELECT value FROM json_each(?))",
  ),
}));

function dataVersion(db: Db): number | undefined {
  return statements(db).dataVersion.get();
}

function statusOf(db: Db, id: string): RequestStatus | undefined {
  return statements(db).status.get(id);
}

function poll(w: Watch): void {
  const version = dataVersion(w.db);
  if (version === w.dataVersion) return;
  w.dataVersion = version;
  const ids = [...w.waiters.keys()];
  const rows = statements(w.db).statuses.all(JSON.stringify(ids));
  for (const row of rows) {
    for (const waiter of w.waiters.get(row.id) ?? []) if (waiter.from !== row.status) waiter.wake();
  }
}
