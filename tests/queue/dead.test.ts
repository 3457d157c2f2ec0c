import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { deadLetter, discardDead, listDead, requeueDead } from "../../lib/queue/dead";
import { enqueue } from "../../lib/queue/enqueue";
import { onDiscard, onRequeue } from "../../lib/queue/hooks";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const NOW = 1_700_000_000_000;

/** A dead letter of the noop actor, as a worker without its handler would leave it. */
function dead(payload: unknown): number {
  const { id } = enqueue(t.db, "noop", payload, { now: NOW });
  const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
  expect(deadLetter(t.db, m!, "unknown_actor", "no handler", NOW)).toBe(true);
  return id;
}

describe("dead letters", () => {
  it("lists dead letters newest first, with their reason and last error", () => {
    const a = dead("a");
    const b = dead("b");
    const list = listDead(t.db);
    expect(list.map((d) => d.id)).toEqual([b, a]);
    expect(list[0]).toMatchObject({ actor: "noop", payload: "b", reason: "unknown_actor", lastError: "no handler", attempts: 1 });
    expect(listDead(t.db, { beforeId: b }).map((d) => d.id)).toEqual([a]);
  });

  it("requeues a dead letter with a fresh count of retries, once", () => {
    const requeued: number[] = [];
    const off = onRequeue("noop", (_db, m) => requeued.push(m.id));
    try {
      const id = dead("x");
      expect(requeueDead(t.db, id, NOW + 1)).toBe(true);
      expect(requeueDead(t.db, id, NOW + 1)).toBe(false);
      expect(requeued).toEqual([id]);
      expect(listDead(t.db)).toEqual([]);
      const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW + 1 });
      expect(m).toMatchObject({ id, attempts: 1, payload: "x" });
    } finally {
      off();
    }
  });

  it("keeps a discarded dead letter out of triage, and it cannot be requeued", () => {
    const discarded: number[] = [];
    const off = onDiscard("noop", (_db, m) => discarded.push(m.id));
    try {
      const id = dead("x");
      expect(discardDead(t.db, id, NOW)).toBe(true);
      expect(discardDead(t.db, id, NOW)).toBe(false);
      expect(discarded).toEqual([id]);
      expect(listDead(t.db)).toEqual([]);
      expect(listDead(t.db, { discarded: true }).map((d) => [d.id, d.discardedAt])).toEqual([[id, NOW]]);
      expect(requeueDead(t.db, id)).toBe(false);
    } finally {
      off();
    }
  });

  it("refuses to requeue or discard a message that is not dead", () => {
    const { id } = enqueue(t.db, "noop", null);
    expect(requeueDead(t.db, id)).toBe(false);
    expect(discardDead(t.db, id)).toBe(false);
  });
});
