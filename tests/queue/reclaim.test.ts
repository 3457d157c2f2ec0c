import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { LEASE_MS } from "../../lib/queue/lease";
import { reclaim } from "../../lib/queue/reclaim";
import { release } from "../../lib/queue/release";
import { heartbeat, registerWorker } from "../../lib/queue/workers";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const NOW = 1_700_000_000_000;

describe("lost leases", () => {
  it("recovers an expired lease as the actor says: retry, or dead as interrupted", () => {
    const seen: [number, string][] = [];
    const off = onDeadLetter("execute_approved_command", (_db, m, reason) => seen.push([m.id, reason]));
    try {
      const retry = enqueue(t.db, "noop", null, { now: NOW }).id;
      const once = enqueue(t.db, "execute_approved_command", { requestId: "r1" }, { now: NOW }).id;
      expect(claim(t.db, { workerId: "w", limit: 2, now: NOW })).toHaveLength(2);
      expect(reclaim(t.db, NOW + LEASE_MS - 1)).toEqual({ retried: [], dead: [] });
      expect(reclaim(t.db, NOW + LEASE_MS + 1)).toEqual({ retried: [retry], dead: [once] });
      expect(messageRow(t.db, retry)).toMatchObject({ state: "ready", attempts: 1, deadReason: null });
      expect(messageRow(t.db, once)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });
      expect(seen).toEqual([[once, "interrupted"]]);
    } finally {
      off();
    }
  });

  it("dead-letters a retry actor's message whose worker keeps dying once its retries are spent", () => {
    const { id } = enqueue(t.db, "noop", null, { now: NOW });
    t.db.$client.prepare("UPDATE messages SET max_retries = 1 WHERE id = ?").run(id);
    let now = NOW;
    for (let i = 0; i < 2; i++) {
      expect(claim(t.db, { workerId: "w", limit: 1, now })).toHaveLength(1);
      now += LEASE_MS + 1;
      reclaim(t.db, now);
    }
    expect(messageRow(t.db, id)).toMatchObject({ state: "dead", attempts: 2, deadReason: "retries_exhausted" });
  });

  it("keeps a live worker's leases: its heartbeat extends them", () => {
    registerWorker(t.db, { id: "w", queues: [], actors: ["noop"], concurrency: 1 }, NOW);
    const { id } = enqueue(t.db, "noop", null, { now: NOW });
    claim(t.db, { workerId: "w", limit: 1, now: NOW });
    expect(heartbeat(t.db, "w", { inFlight: 1, processed: 0, failed: 0 }, NOW + LEASE_MS - 100)).toBe(1);
    expect(reclaim(t.db, NOW + LEASE_MS + 1)).toEqual({ retried: [], dead: [] });
    expect(messageRow(t.db, id).state).toBe("leased");
  });

  it("gives back a stopping worker's messages: retry actors uncounted, run-once actors interrupted", () => {
    const retry = enqueue(t.db, "noop", null, { now: NOW }).id;
    const once = enqueue(t.db, "execute_approved_command", { requestId: "r1" }, { now: NOW }).id;
    const held = claim(t.db, { workerId: "w", limit: 2, now: NOW });
    expect(release(t.db, held, NOW + 10)).toBe(2);
    expect(messageRow(t.db, retry)).toMatchObject({ state: "ready", attempts: 0, deadReason: null });
    expect(messageRow(t.db, once)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });
  });
});
