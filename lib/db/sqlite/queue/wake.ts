import { closeSync, openSync, watch, writeSync, type FSWatcher } from "node:fs";
import path from "node:path";
import { PRIVATE_FILE_MODE } from "../../../fs-private";
import { safetyNet } from "../../safety-net";
import type { WakeOptions } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

/** The file that other processes' idle workers watch: written after each commit that wrote work. */
const workFile = (db: Db): string => `${db.$client.name}-work`;

const ONE_BYTE = Buffer.from("w");

/**
 * This connection's side of the signal. `due`: work was written and nobody has been told yet;
 * `told`: the file was written in this turn of the event loop (the turn's end writes it again if
 * more work came meanwhile, so a loop of enqueues costs two writes, not one each).
 */
const signals = perDb(() => ({ fd: undefined as number | undefined, due: false, told: false, ticking: false }));

function inMemory(db: Db): boolean {
  return db.$client.memory || db.$client.name === "";
}

function writeSignal(db: Db, s: ReturnType<typeof signals>): void {
  try {
    s.fd ??= openSync(workFile(db), "w", PRIVATE_FILE_MODE);
    writeSync(s.fd, ONE_BYTE, 0, 1, 0);
  } catch {
    // No signal (a read-only directory, say): the other workers' data_version poll finds the work.
  }
}

function tickLater(db: Db, s: ReturnType<typeof signals>): void {
  if (s.ticking) return;
  s.ticking = true;
  setImmediate(() => {
    s.ticking = false;
    s.told = false;
    tellWorkers(db);
  });
}

/**
 * Notes that this connection wrote work (a message enqueued, or one ready again): other processes'
 * idle workers are told once it has committed — by `tellWorkers` after the store's call returns,
 * and at the next turn of the event loop at the latest. The same places NOTIFY on PostgreSQL.
 */
export function workWritten(db: Db): void {
  if (inMemory(db)) return;
  const s = signals(db);
  s.due = true;
  tellWorkers(db);
  if (s.due) tickLater(db, s);
}

/** Writes the signal file if work was written and has committed since the last time. */
export function tellWorkers(db: Db): void {
  const s = signals(db);
  if (!s.due || s.told || db.$client.inTransaction) return;
  s.due = false;
  s.told = true;
  writeSignal(db, s);
  tickLater(db, s);
}

/** Closes the signal file (the connection is closing). */
export function closeSignal(db: Db): void {
  const s = signals(db);
  if (s.fd !== undefined) closeSync(s.fd);
  s.fd = undefined;
}

/**
 * Calls `onWake` soon after another process commits work, without running the claim query in a
 * loop: such a commit writes the `-work` file beside the database (`workWritten`), and inotify
 * (fs.watch on that file) reports that at once. Not a watch on the directory: that reported every
 * write to the database's WAL too, so each of a web server's commits cost it kernel time and this
 * process a turn of its event loop. The web server's commits of everything else
 * (each new pending request, each long-poll's note) wake no one. A PRAGMA data_version check every
 * `pollMs` covers filesystems without file events and writers that do not signal; once a file
 * event has arrived, it runs once a second (or every `pollMs`, if longer). Idle, this costs next
 * to no CPU.
 * Returns a function that stops watching.
 */
export function watchForWork(db: Db, opts: WakeOptions): () => void {
  const version = db.$client.prepare("PRAGMA data_version").pluck();
  let last = version.get();
  let pending = false;
  let stopped = false;
  const fire = () => {
    if (pending || stopped || (opts.waiting && !opts.waiting())) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      if (!stopped) opts.onWake();
    });
  };
  const net = safetyNet(() => {
    const v = version.get();
    if (v === last) return;
    last = v;
    fire();
  }, opts.pollMs);

  let watcher: FSWatcher | undefined;
  if (!inMemory(db)) {
    const signal = path.resolve(workFile(db));
    try {
      closeSync(openSync(signal, "a", PRIVATE_FILE_MODE)); // a file must exist to be watched
      watcher = watch(signal, { persistent: false }, (event) => {
        if (event === "rename") {
          // The file was deleted or replaced: its writes no longer reach this watch.
          watcher?.close();
          net.wakeUpsArrive(false);
        } else net.wakeUpsArrive(true);
        fire();
      });
      watcher.on("error", () => {
        watcher?.close();
        net.wakeUpsArrive(false);
      });
    } catch {
      // No file events here (inotify limit, unusual filesystem): the check every pollMs wakes us.
    }
  }
  return () => {
    stopped = true;
    net.stop();
    watcher?.close();
  };
}
