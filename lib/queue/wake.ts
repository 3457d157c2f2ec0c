import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";

const local = new Set<() => void>();

/**
 * Tells this process's idle workers that work was just written. Another process's commit shows up
 * in PRAGMA data_version, but a connection's own writes never do, so enqueue calls this.
 */
export function nudge(): void {
  for (const wake of local) wake();
}

export interface WakeOptions {
  /** Safety-net interval between PRAGMA data_version checks, in ms (GATEHOUSE_WAKE_POLL_MS). */
  pollMs: number;
  /** Called (at most once per event-loop turn) when another connection may have written. */
  onWake: () => void;
}

/** After a file event, how long to keep checking data_version every millisecond. */
const BURST_MS = 20;

/**
 * Calls `onWake` soon after any other connection commits to the database, without running the
 * claim query in a loop. A commit writes the -wal file, and inotify (fs.watch on the directory)
 * reports that at once; the event may arrive before the commit is visible, so each event starts a
 * short burst of 1 ms PRAGMA data_version checks (~2 µs each). A slow data_version poll
 * (`pollMs`) covers filesystems without file events. Idle, this costs next to no CPU.
 * Returns a function that stops watching.
 */
export function watchForWork(db: Db, opts: WakeOptions): () => void {
  const version = db.$client.prepare("PRAGMA data_version").pluck();
  let last = version.get();
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      opts.onWake();
    });
  };
  const check = () => {
    const v = version.get();
    if (v === last) return false;
    last = v;
    fire();
    return true;
  };

  let burstUntil = 0;
  let burst: NodeJS.Timeout | undefined;
  const startBurst = () => {
    burstUntil = performance.now() + BURST_MS;
    if (check() || burst) return;
    burst = setInterval(() => {
      if (check() || performance.now() > burstUntil) {
        clearInterval(burst);
        burst = undefined;
      }
    }, 1);
  };

  let watcher: FSWatcher | undefined;
  const file = db.$client.name;
  if (file !== ":memory:" && file !== "") {
    const base = path.basename(file);
    try {
      watcher = watch(path.dirname(path.resolve(file)), { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(base)) startBurst();
      });
      watcher.on("error", () => watcher?.close());
    } catch {
      // No file events here (inotify limit, unusual filesystem): the poll below still wakes us.
    }
  }
  const poll = setInterval(check, opts.pollMs);
  poll.unref();
  local.add(fire);
  return () => {
    local.delete(fire);
    clearInterval(poll);
    if (burst) clearInterval(burst);
    watcher?.close();
  };
}
