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
  claim(t.store, { workerId: "w1", limit, now: NOW, ...extra });
const payloads = async (limit: number, extra?: Parameters<typeof take>[1]) => (await take(limit, extra)).map((m) => m.payload);

describe("claim", () => {
  it("claims the highest priority first, FIFO within a priority", async () => {
    const ids = (
      await enqueueMany(t.store, [
        { actor: "noop", payload: "low", priority: "LOW", now: NOW },
        { actor: "noop", payload: "normal 1", now: NOW },
        { actor: "noop", payload: "urgent", priority: "URGENT", now: NOW },
        { actor: "noop", payload: "normal 2", now: NOW },
        { actor: "noop", payload: "emergency", priority: "EMERGENCY", now: NOW },
      ])
    ).map((e) => e.id);
    expect(ids).toHaveLength(5);
    expect(await payloads(2)).toEqual(["emergency", "urgent"]);
    expect(await payloads(10)).toEqual(["normal 1", "normal 2", "low"]);
    expect(await take(10)).toEqual([]);
  });

  it("never gives the same message to two claims, and counts the attempt", async () => {
    await enqueueMany(t.store, Array.from({ length: 10 }, (_, i) => ({ actor: "noop", payload: i, now: NOW })));
    const a = await take(6);
    const b = await claim(t.store, { workerId: "w2", limit: 6, now: NOW });
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(4);
    expect(new Set([...a, ...b].map((m) => m.id)).size).toBe(10);
    expect(a[0]!.attempts).toBe(1);
    expect(a[0]!.leaseToken).not.toBe(b[0]!.leaseToken);
  });

  it("leaves a delayed message until it is due, and says when that is", async () => {
    await enqueue(t.store, "noop", "later", { delayMs: 5_000, now: NOW });
    await enqueue(t.store, "noop", "at", { runAt: NOW + 2_000, now: NOW });
    expect(await take(10)).toEqual([]);
    expect(await nextDueAt(t.store, NOW)).toBe(NOW + 2_000);
    expect(await payloads(10, { now: NOW + 2_000 })).toEqual(["at"]);
    expect(await nextDueAt(t.store, NOW + 2_000)).toBe(NOW + 5_000);
    expect(await payloads(10, { now: NOW + 5_000 })).toEqual(["later"]);
    expect(await nextDueAt(t.store, NOW + 5_000)).toBeNull();
  });

  it("takes a delayed message in its priority's place once due, and due ones past delayed ones ahead of them", async () => {
    await enqueue(t.store, "noop", "urgent, later", { delayMs: 1_000, priority: "URGENT", now: NOW });
    await enqueue(t.store, "noop", "normal", { now: NOW });
    await enqueue(t.store, "noop", "high, later", { delayMs: 1_000, priority: "HIGH", now: NOW });
    expect(await payloads(1, { now: NOW + 500 })).toEqual(["normal"]);
    await enqueue(t.store, "noop", "normal, after", { now: NOW + 600 });
    await enqueue(t.store, "noop", "low", { priority: "LOW", now: NOW + 600 });
    expect(await payloads(10, { now: NOW + 1_000 })).toEqual(["urgent, later", "high, later", "normal, after", "low"]);
  });

  it("claims only from the queues asked for", async () => {
    await enqueue(t.store, other.name, "elsewhere", { now: NOW });
    await enqueue(t.store, "noop", "here", { now: NOW });
    expect(await payloads(10, { queues: ["default"] })).toEqual(["here"]);
    expect(await payloads(10, { queues: ["other", "x"] })).toEqual(["elsewhere"]);
  });

  it("runs one message of a group at a time, while other groups go on in parallel", async () => {
    await enqueueMany(t.store, [
      { actor: "noop", payload: "a1", groupKey: "session-a", now: NOW },
      { actor: "noop", payload: "a2", groupKey: "session-a", now: NOW },
      { actor: "noop", payload: "b1", groupKey: "session-b", now: NOW },
      { actor: "noop", payload: "free", now: NOW },
    ]);
    const first = await take(10);
    expect(first.map((m) => m.payload)).toEqual(["a1", "b1", "free"]);
    expect(await take(10)).toEqual([]); // a2 waits while a1 is leased
    expect(await complete(t.store, first[0]!, NOW)).toBe(true);
    expect(await payloads(10)).toEqual(["a2"]);
  });

  it("lets a group run several at once when the group limit allows, one more per claim", async () => {
    await enqueueMany(t.store, ["a1", "a2", "a3"].map((p) => ({ actor: "noop", payload: p, groupKey: "s", now: NOW })));
    expect(await payloads(10, { groupLimit: 2 })).toEqual(["a1"]);
    expect(await payloads(10, { groupLimit: 2 })).toEqual(["a2"]);
    expect(await take(10, { groupLimit: 2 })).toEqual([]);
  });

  it("takes the highest priority message of a group first", async () => {
    await enqueueMany(t.store, [
      { actor: "noop", payload: "normal", groupKey: "s", now: NOW },
      { actor: "noop", payload: "urgent", groupKey: "s", priority: "URGENT", now: NOW },
    ]);
    expect(await payloads(10)).toEqual(["urgent"]);
  });
});
