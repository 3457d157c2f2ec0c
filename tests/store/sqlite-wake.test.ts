// How a SQLite worker hears of work another process wrote: a commit that wrote work writes the
// `-work` file beside the database, and the file event wakes the worker. Other commits (a web
// server's new pending requests, heartbeats) wake no one.
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../lib/db/sqlite/store";
import { enqueue, enqueueMany } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { claimReq, message, QUEUE_NOW, quiet } from "../support/pg";
import { tempDb, TEST_STORE, type TempDb } from "../support/temp-db";

const NOW = 1_700_000_000_000;
/** No safety-net poll within a test: only the file events can wake the watcher. */
const NO_POLL = { pollMs: 3_600_000 };
const IDLE = { inFlight: 0, processed: 0, failed: 0 };

let t: TempDb;
let other: SqliteStore;
afterEach(async () => {
  await other?.close();
  await t?.cleanup();
});

async function watching(poll = NO_POLL): Promise<{ wakes: () => number; stop: () => void }> {
  t = tempDb("gatehouse-wake-");
  other = openSqliteStore(t.file, { migrate: false });
  let wakes = 0;
  const stop = t.store.watchForWork({ ...poll, onWake: () => wakes++ });
  await t.store.registerWorker({ id: "w1", host: "h", pid: 1, queues: ["default"], actors: [], concurrency: 1, startedAt: NOW });
  return { wakes: () => wakes, stop };
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe.skipIf(TEST_STORE !== "sqlite")("a SQLite worker's wake-up", () => {
  it("comes within moments of another connection's enqueue", async () => {
    const w = await watching();
    await enqueue(other, "noop", 1, { now: NOW });
    await eventually(() => w.wakes() > 0, "a wake-up after the other connection's enqueue", 5_000);
    w.stop();
  });

  it("comes for work written inside another connection's transaction, once it commits", async () => {
    const w = await watching();
    await enqueueMany(other, [{ actor: "noop", payload: 1 }, { actor: "noop", payload: 2 }]);
    await eventually(() => w.wakes() > 0, "a wake-up after the other connection's batch", 5_000);
    w.stop();
  });

  it("does not come for commits that wrote no work, its own or another connection's", async () => {
    const w = await watching();
    await other.registerWorker({ id: "w2", host: "h", pid: 2, queues: ["default"], actors: [], concurrency: 1, startedAt: NOW });
    for (let i = 0; i < 5; i++) {
      await t.store.heartbeat("w1", IDLE, NOW + i, 30_000);
      await other.heartbeat("w2", IDLE, NOW + i, 30_000);
    }
    await settle();
    expect(w.wakes()).toBe(0);
    await enqueue(other, "noop", 2, { now: NOW });
    await eventually(() => w.wakes() > 0, "a wake-up after the other connection's enqueue", 5_000);
    w.stop();
  });

  it("comes when another connection's failed message is ready for a retry", async () => {
    const w = await watching();
    await t.store.enqueue([message({ maxRetries: 3 })]);
    const [lease] = (await other.completeAndClaim([], claimReq({ workerId: "w2" }))).claimed;
    await settle();
    const before = w.wakes();
    await other.fail(lease!, { now: QUEUE_NOW, runAt: QUEUE_NOW + 1_000, deadReason: "retries_exhausted", error: "boom" }, quiet);
    await eventually(() => w.wakes() > before, "a wake-up after the other connection's retry", 5_000);
    w.stop();
  });

  it("still finds a commit that sent no signal, before and after file events have arrived", async () => {
    // The data_version check runs every pollMs until a file event shows that they arrive here,
    // then once a second: it goes on either way.
    const w = await watching({ pollMs: 50 });
    await other.heartbeat("w1", IDLE, NOW + 1, 30_000);
    await eventually(() => w.wakes() > 0, "a wake-up from the check, before any file event", 5_000);
    await enqueue(other, "noop", 1, { now: NOW });
    await settle();
    const before = w.wakes();
    await other.heartbeat("w1", IDLE, NOW + 2, 30_000);
    await eventually(() => w.wakes() > before, "a wake-up from the check, after a file event", 5_000);
    w.stop();
  });
});
