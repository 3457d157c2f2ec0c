import { statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { WakeOptions } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

/** After a file event, how many event-loop turns to check data_version before falling back to 1 ms timers. */
const SPIN_TURNS = 20;
/** After a file event, how long to keep checking data_version every millisecond. */
const BURST_MS = 20;

/** The -wal file as this connection's last noted write left it (its inode, size and mtime). */
const ownWal = perDb(() => ({ signature: "" }));

function walSignature(db: Db): string {
  const s = statSync(`${db.$client.name}-wal`, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : "";
}

/**
 * Notes that this connection has just committed: the file events of that write are its own, and
 * wake no one. Called after the worker's heartbeat, the one write an idle worker makes (once a
 * second), whose events would otherwise set off a search for a commit that no other process made.
 */
export function noteOwnWrite(db: Db): void {
  ownWal(db).signature = walSignature(db);
}

/**
 * Calls `onWake` soon after any other connection commits to the database, without running the
 * claim query in a loop. A commit writes the -wal file, and inotify (fs.watch on the directory)
 * reports that at once; each event is followed by a few PRAGMA data_version checks (~2 µs each)
 * until the commit is visible. A slow data_version poll (`pollMs`) covers filesystems without file
 * events. Idle, this costs next to no CPU.
 * Returns a function that stops watching.
 */
export function watchForWork(db: Db, opts: WakeOptions): () => void {
  const version = db.$client.prepare("PRAGMA data_version").pluck();
  let last = version.get();
  let pending = false;
  let stopped = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      if (!stopped) opts.onWake();
    });
  };
  const check = () => {
    if (stopped) return true; // ends any spin or burst still scheduled
    const v = version.get();
    if (v === last) return false;
    last = v;
    fire();
    return true;
  };

  // The file event can arrive a moment before the commit is visible: look again on the next few
  // turns of the event loop (microseconds), then every millisecond for a little while.
  let burstUntil = 0;
  let burst: NodeJS.Timeout | undefined;
  let spinning = false;
  const spin = (turn: number) => {
    if (check()) {
      spinning = false;
    } else if (turn < SPIN_TURNS) {
      setImmediate(spin, turn + 1);
    } else {
      spinning = false;
      burstUntil = performance.now() + BURST_MS;
      burst ??= setInterval(() => {
        if (check() || performance.now() > burstUntil) {
          clearInterval(burst);
          burst = undefined;
        }
      }, 1);
    }
  };
  const own = ownWal(db);
  const onFileEvent = () => {
    if (spinning || (opts.waiting && !opts.waiting())) return;
    // The -wal file as our own last write left it: no one else has written since. (A commit that
    // slipped in between that write and its note is still seen here, or by the poll.)
    if (own.signature && walSignature(db) === own.signature) {
      check();
      return;
    }
    spinning = true;
    spin(0);
  };

  let watcher: FSWatcher | undefined;
  const file = db.$client.name;
  if (file !== ":memory:" && file !== "") {
    const base = path.basename(file);
    try {
      watcher = watch(path.dirname(path.resolve(file)), { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(base)) onFileEvent();
      });
      watcher.on("error", () => watcher?.close());
    } catch {
      // No file events here (inotify limit, unusual filesystem): the poll below still wakes us.
    }
  }
  const poll = setInterval(check, opts.pollMs);
  poll.unref();
  return () => {
    stopped = true;
    clearInterval(poll);
    clearInterval(burst);
    watcher?.close();
  };
}
