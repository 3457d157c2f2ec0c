import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { completeMany } from "../../lib/queue/complete";
import { deadLetter, discardDead } from "../../lib/queue/dead";
import { enqueue } from "../../lib/queue/enqueue";
import { prune } from "../../lib/queue/prune";
import { listWorkers, registerWorker } from "../../lib/queue/workers";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = 1_700_000_000_000;
const states = () =>
  t.db.$client.prepare("SELECT id, state FROM messages ORDER BY id").all() as { id: number; state: string }[];

describe("prune", () => {
  it("deletes finished messages and dead letters past their retention, and nothing else", () => {
    const finish = (at: number) => {
      enqueue(t.db, "noop", null, { now: at });
      completeMany(t.db, claim(t.db, { workerId: "w", limit: 1, now: at }), at);
    };
    const die = (at: number) => {
      enqueue(t.db, "noop", null, { now: at });
      const [m] = claim(t.db, { workerId: "w", limit: 1, now: at });
      deadLetter(t.db, m!, "unknown_actor", "x", at);
      return m!.id;
    };
    finish(NOW - 25 * HOUR); // 1: old done → pruned
    finish(NOW - 23 * HOUR); // 2: recent done → kept
    die(NOW - 8 * DAY); // 3: old dead → pruned
    discardDead(t.db, die(NOW - 8 * DAY), NOW - DAY); // 4: old discarded → pruned
    die(NOW - 6 * DAY); // 5: recent dead → kept
    enqueue(t.db, "noop", null, { now: NOW - 30 * DAY }); // 6: old but never run → kept

    expect(prune(t.db, { now: NOW, doneRetentionMs: 24 * HOUR, deadRetentionMs: 7 * DAY })).toEqual({
      done: 1,
      dead: 2,
      workers: 0,
    });
    expect(states()).toEqual([
      { id: 2, state: "done" },
      { id: 5, state: "dead" },
      { id: 6, state: "ready" },
    ]);
  });

  it("keeps a message that was created long ago but finished recently", () => {
    enqueue(t.db, "noop", null, { now: NOW - 30 * HOUR });
    completeMany(t.db, claim(t.db, { workerId: "w", limit: 1, now: NOW - HOUR }), NOW - HOUR);
    enqueue(t.db, "noop", null, { now: NOW - 26 * HOUR });
    completeMany(t.db, claim(t.db, { workerId: "w", limit: 1, now: NOW - 25 * HOUR }), NOW - 25 * HOUR);
    expect(prune(t.db, { now: NOW, doneRetentionMs: 24 * HOUR, deadRetentionMs: 7 * DAY }).done).toBe(1);
    expect(states()).toEqual([{ id: 1, state: "done" }]);
  });

  it("forgets workers that have not beaten for a day", () => {
    registerWorker(t.db, { id: "old", queues: [], actors: [], concurrency: 1 }, NOW - 2 * DAY);
    registerWorker(t.db, { id: "new", queues: [], actors: [], concurrency: 1 }, NOW - HOUR);
    prune(t.db, { now: NOW, doneRetentionMs: DAY, deadRetentionMs: DAY });
    expect(listWorkers(t.db, NOW).map((w) => w.id)).toEqual(["new"]);
  });
});
