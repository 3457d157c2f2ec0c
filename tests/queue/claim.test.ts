import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { claim, nextDueAt } from "../../lib/queue/claim";
import { complete } from "../../lib/queue/complete";
import { enqueue, enqueueMany } from "../../lib/queue/enqueue";
import { useTempDb } from "../support/use-temp-db";

const other = defineActor({ name: "test_other_queue", queue: "other", payload: z.unknown() });

const t = useTempDb();

const NOW = 1_700_000_000_000;
const take = (limit: number, extra: { now?: number; groupLimit?: number; queues?: string[] } = {}) =>
  claim(t.db, { workerId: "w1", limit, now: NOW, ...extra });

describe("claim", () => {
  it("claims the highest priority first, FIFO within a priority", () => {
    const ids = enqueueMany(t.db, [
      { actor: "noop", payload: "low", priority: "LOW", now: NOW },
      { actor: "noop", payload: "normal 1", now: NOW },
      { actor: "noop", payload: "urgent", priority: "URGENT", now: NOW },
      { actor: "noop", payload: "normal 2", now: NOW },
      { actor: "noop", payload: "emergency", priority: "EMERGENCY", now: NOW },
    ]).map((e) => e.id);
    expect(ids).toHaveLength(5);
    expect(take(2).map((m) => m.payload)).toEqual(["emergency", "urgent"]);
    expect(take(10).map((m) => m.payload)).toEqual(["normal 1", "normal 2", "low"]);
    expect(take(10)).toEqual([]);
  });

  it("never gives the same message to two claims, and counts the attempt", () => {
    enqueueMany(t.db, Array.from({ length: 10 }, (_, i) => ({ actor: "noop", payload: i, now: NOW })));
    const a = take(6);
    const b = claim(t.db, { workerId: "w2", limit: 6, now: NOW });
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(4);
    expect(new Set([...a, ...b].map((m) => m.id)).size).toBe(10);
    expect(a[0]!.attempts).toBe(1);
    expect(a[0]!.leaseToken).not.toBe(b[0]!.leaseToken);
  });

  it("leaves a delayed message until it is due, and says when that is", () => {
    enqueue(t.db, "noop", "later", { delayMs: 5_000, now: NOW });
    enqueue(t.db, "noop", "at", { runAt: NOW + 2_000, now: NOW });
    expect(take(10)).toEqual([]);
    expect(nextDueAt(t.db, NOW)).toBe(NOW + 2_000);
    expect(take(10, { now: NOW + 2_000 }).map((m) => m.payload)).toEqual(["at"]);
    expect(nextDueAt(t.db, NOW + 2_000)).toBe(NOW + 5_000);
    expect(take(10, { now: NOW + 5_000 }).map((m) => m.payload)).toEqual(["later"]);
    expect(nextDueAt(t.db, NOW + 5_000)).toBeNull();
  });

  it("claims only from the queues asked for", () => {
    enqueue(t.db, other.name, "elsewhere", { now: NOW });
    enqueue(t.db, "noop", "here", { now: NOW });
    expect(take(10, { queues: ["default"] }).map((m) => m.payload)).toEqual(["here"]);
    expect(take(10, { queues: ["other", "x"] }).map((m) => m.payload)).toEqual(["elsewhere"]);
  });

  it("runs one message of a group at a time, while other groups go on in parallel", () => {
    enqueueMany(t.db, [
      { actor: "noop", payload: "a1", groupKey: "session-a", now: NOW },
      { actor: "noop", payload: "a2", groupKey: "session-a", now: NOW },
      { actor: "noop", payload: "b1", groupKey: "session-b", now: NOW },
      { actor: "noop", payload: "free", now: NOW },
    ]);
    const first = take(10);
    expect(first.map((m) => m.payload)).toEqual(["a1", "b1", "free"]);
    expect(take(10)).toEqual([]); // a2 waits while a1 is leased
    expect(complete(t.db, first[0]!, NOW)).toBe(true);
    expect(take(10).map((m) => m.payload)).toEqual(["a2"]);
  });

  it("lets a group run several at once when the group limit allows, one more per claim", () => {
    enqueueMany(t.db, ["a1", "a2", "a3"].map((p) => ({ actor: "noop", payload: p, groupKey: "s", now: NOW })));
    expect(take(10, { groupLimit: 2 }).map((m) => m.payload)).toEqual(["a1"]);
    expect(take(10, { groupLimit: 2 }).map((m) => m.payload)).toEqual(["a2"]);
    expect(take(10, { groupLimit: 2 })).toEqual([]);
  });

  it("takes the highest priority message of a group first", () => {
    enqueueMany(t.db, [
      { actor: "noop", payload: "normal", groupKey: "s", now: NOW },
      { actor: "noop", payload: "urgent", groupKey: "s", priority: "URGENT", now: NOW },
    ]);
    expect(take(10).map((m) => m.payload)).toEqual(["urgent"]);
  });
});
