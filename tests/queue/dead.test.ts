import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { deadLetter, discardDead, listDead, requeueDead } from "../../lib/queue/dead";
import { enqueue } from "../../lib/queue/enqueue";
import { onDiscard, onRequeue } from "../../lib/queue/hooks";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const NOW = 1_700_000_000_000;

/** A dead letter of the noop actor, as a worker without its handler would leave it. */
async function dead(payload: unknown): Promise<number> {
  const { id } = await enqueue(t.store, "noop", payload, { now: NOW });
  const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
  expect(await deadLetter(t.store, m!, "unknown_actor", "no handler", NOW)).toBe(true);
  return id;
}

describe("dead letters", () => {
  it("lists dead letters newest first, with their reason and last error", async () => {
    const a = await dead("a");
    const b = await dead("b");
    const list = await listDead(t.store);
    expect(list.map((d) => d.id)).toEqual([b, a]);
    expect(list[0]).toMatchObject({ actor: "noop", payload: "b", reason: "unknown_actor", lastError: "no handler", attempts: 1 });
    expect((await listDead(t.store, { beforeId: b })).map((d) => d.id)).toEqual([a]);
  });

  it("requeues a dead letter with a fresh count of retries, once", async () => {
    const requeued: number[] = [];
    const off = onRequeue("noop", (m) => {
      requeued.push(m.id);
      return [];
    });
    try {
      const id = await dead("x");
      expect(await requeueDead(t.store, id, NOW + 1)).toBe(true);
      expect(await requeueDead(t.store, id, NOW + 1)).toBe(false);
      expect(requeued).toEqual([id]);
      expect(await listDead(t.store)).toEqual([]);
      const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW + 1 });
      expect(m).toMatchObject({ id, attempts: 1, payload: "x" });
    } finally {
      off();
    }
  });

  it("keeps a discarded dead letter out of triage, and it cannot be requeued", async () => {
    const discarded: number[] = [];
    const off = onDiscard("noop", (m) => {
      discarded.push(m.id);
      return [];
    });
    try {
      const id = await dead("x");
      expect(await discardDead(t.store, id, NOW)).toBe(true);
      expect(await discardDead(t.store, id, NOW)).toBe(false);
      expect(discarded).toEqual([id]);
      expect(await listDead(t.store)).toEqual([]);
      expect((await listDead(t.store, { discarded: true })).map((d) => [d.id, d.discardedAt])).toEqual([[id, NOW]]);
      expect(await requeueDead(t.store, id)).toBe(false);
    } finally {
      off();
    }
  });

  it("refuses to requeue or discard a message that is not dead", async () => {
    const { id } = await enqueue(t.store, "noop", null);
    expect(await requeueDead(t.store, id)).toBe(false);
    expect(await discardDead(t.store, id)).toBe(false);
  });
});
