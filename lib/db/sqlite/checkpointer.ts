import { Worker } from "node:worker_threads";

// A fold of the WAL into the database file ends with two fsyncs, of the WAL and of the file, 5-17 ms
// on this project's test machine. Done by the connection whose commit crossed wal_autocheckpoint,
// it stalls that connection's thread meanwhile: on the web server, every request in flight. So the
// web server folds on a thread of its own: soon after a commit, at most once every GAP_MS, PASSIVE
// (it never waits for a writer or blocks one).
//
// The WAL starts again from its beginning only when a commit begins with every frame folded, and
// under steady load a commit always comes while the thread folds: so the connection's own
// wal_autocheckpoint stays, at FALLBACK_PAGES (a 40 MB WAL at most). When it comes round, the
// thread has folded nearly all of it, and the connection's fold is short.
const GAP_MS = 25;
export const FALLBACK_PAGES = 10_000;

// The thread's code, as a script: `require` resolves from the working directory, as the web
// server's own external packages do (better-sqlite3 is one). flag[0]: 0 idle, 1 a commit to fold,
// 2 stop.
const THREAD = `
const { workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const flag = new Int32Array(workerData.flag);
const nap = new Int32Array(new SharedArrayBuffer(4));
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 0");
for (;;) {
  Atomics.wait(flag, 0, 0);
  if (Atomics.exchange(flag, 0, 0) === 2) break;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Another process is folding, say: the next commit asks again.
  }
  Atomics.wait(nap, 0, 0, workerData.gapMs);
}
db.close();
`;

export interface Checkpointer {
  /** After a commit: the thread folds the WAL soon. Costs the caller next to nothing. */
  committed(): void;
  stop(): void;
}

/** Starts the folding thread for the database `file` (in WAL mode, already migrated). */
export function startCheckpointer(file: string): Checkpointer {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Worker(THREAD, { eval: true, workerData: { file, flag: flag.buffer, gapMs: GAP_MS } });
  thread.unref();
  thread.on("error", (err) => console.error("gatehouse: the WAL fold thread stopped; commits fold the WAL themselves:", err));
  return {
    committed: () => {
      if (Atomics.compareExchange(flag, 0, 0, 1) === 0) Atomics.notify(flag, 0);
    },
    stop: () => {
      Atomics.store(flag, 0, 2);
      Atomics.notify(flag, 0);
    },
  };
}
