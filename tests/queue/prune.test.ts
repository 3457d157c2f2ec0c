import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { completeMany } from "../../lib/queue/complete";
import { deadLetter, discardDead } from "../../lib/queue/dead";
import { enqueue } from "../../lib/queue/enqueue";
import { prune } from "../../lib/queue/prune";
import { listWorkers, registerWorker } from "../../lib/queue/workers";
import { messageRows } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = 1_700_000_000_000;
const states = async () => (await messageRows(t.store)).map(({ id, state }) => ({ id, state }));

describe("prune", () => {
  // Only a finished message with an idempotency key is kept (as done) until pruned.
  it("deletes finished messages and dead letters past their retention, and nothing else", async () => {
    const finish = async (at: number) => {
      await enqueue(t.store, "noop", null, { now: at, idempotencyKey: `k${at}` });
      await completeMany(t.store, await claim(t.store, { workerId: "w", limit: 1, now: at }), at);
    };
    const die = async (at: number) => {
      await enqueue(t.store, "noop", null, { now: at });
      const [m] = await claim(t.store, { workerId: "w", limit: 1, now: at });
      await deadLetter(t.store, m!, "unknown_actor", "x", at);
      return m!.id;
    };
    await finish(NOW - 25 * HOUR); // 1: old done → pruned
    await finish(NOW - 23 * HOUR); // 2: recent done → kept
    await die(NOW - 8 * DAY); // 3: old dead → pruned
    await discardDead(t.store, await die(NOW - 8 * DAY), NOW - DAY); // 4: old discarded → pruned
    await die(NOW - 6 * DAY); // 5: recent dead → kept
    await enqueue(t.store, "noop", null, { now: NOW - 30 * DAY }); // 6: old but never run → kept

    expect(await prune(t.store, { now: NOW, doneRetentionMs: 24 * HOUR, deadRetentionMs: 7 * DAY })).toEqual({
      done: 1,
      dead: 2,
      workers: 0,
    });
    expect(await states()).toEqual([
      { id: 2, state: "done" },
      { id: 5, state: "dead" },
      { id: 6, state: "ready" },
    ]);
  });

  it("keeps a message that was created long ago but finished recently", async () => {
    await enqueue(t.store, "noop", null, { now: NOW - 30 * HOUR, idempotencyKey: "a" });
    await completeMany(t.store, await claim(t.store, { workerId: "w", limit: 1, now: NOW - HOUR }), NOW - HOUR);
    await enqueue(t.store, "noop", null, { now: NOW - 26 * HOUR, idempotencyKey: "b" });
    await completeMany(t.store, await claim(t.store, { workerId: "w", limit: 1, now: NOW - 25 * HOUR }), NOW - 25 * HOUR);
    expect((await prune(t.store, { now: NOW, doneRetentionMs: 24 * HOUR, deadRetentionMs: 7 * DAY })).done).toBe(1);
    expect(await states()).toEqual([{ id: 1, state: "done" }]);
  });

  it("forgets workers that have not beaten for a day", async () => {
    await registerWorker(t.store, { id: "old", queues: [], actors: [], concurrency: 1 }, NOW - 2 * DAY);
    await registerWorker(t.store, { id: "new", queues: [], actors: [], concurrency: 1 }, NOW - HOUR);
    await prune(t.store, { now: NOW, doneRetentionMs: DAY, deadRetentionMs: DAY });
    expect((await listWorkers(t.store, 0, NOW)).map((w) => w.id)).toEqual(["new"]);
  });
});
