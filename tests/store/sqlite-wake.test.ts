// How a SQLite worker hears of work another process wrote: file events on the -wal, then PRAGMA
// data_version. Its own heartbeat's commit (once a second, idle) must not hide another's commit.
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../lib/db/sqlite/store";
import { enqueue } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { tempDb, TEST_STORE, type TempDb } from "../support/temp-db";

const NOW = 1_700_000_000_000;
/** No safety-net poll within a test: only the file events can wake the watcher. */
const NO_POLL = { pollMs: 3_600_000 };

let t: TempDb;
let other: SqliteStore;
afterEach(async () => {
  await other?.close();
  await t?.cleanup();
});

async function watching(): Promise<{ wakes: () => number; stop: () => void }> {
  t = tempDb("gatehouse-wake-");
  other = openSqliteStore(t.file, { migrate: false });
  let wakes = 0;
  const stop = t.store.watchForWork({ ...NO_POLL, onWake: () => wakes++ });
  await t.store.registerWorker({ id: "w1", host: "h", pid: 1, queues: ["default"], actors: [], concurrency: 1, startedAt: NOW });
  return { wakes: () => wakes, stop };
}

describe.skipIf(TEST_STORE !== "sqlite")("a SQLite worker's wake-up", () => {
  it("comes within moments of another connection's commit", async () => {
    const w = await watching();
    await enqueue(other, "noop", 1, { now: NOW });
    await eventually(() => w.wakes() > 0, "a wake-up after the other connection's enqueue", 5_000);
    w.stop();
  });

  it("comes for another connection's commit right after its own heartbeat's, which wakes no one", async () => {
    const w = await watching();
    for (let i = 0; i < 5; i++) await t.store.heartbeat("w1", { inFlight: 0, processed: 0, failed: 0 }, NOW + i, 30_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.wakes()).toBe(0);
    await t.store.heartbeat("w1", { inFlight: 0, processed: 0, failed: 0 }, NOW + 10, 30_000);
    await enqueue(other, "noop", 2, { now: NOW });
    await eventually(() => w.wakes() > 0, "a wake-up after the other connection's enqueue", 5_000);
    w.stop();
  });
});
