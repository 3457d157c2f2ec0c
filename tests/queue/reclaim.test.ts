import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { LEASE_MS } from "../../lib/queue/lease";
import { reclaim } from "../../lib/queue/reclaim";
import { release } from "../../lib/queue/release";
import { heartbeat, registerWorker } from "../../lib/queue/workers";
import { messageRow, updateMessage } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const NOW = 1_700_000_000_000;

describe("lost leases", () => {
  it("recovers an expired lease as the actor says: retry, or dead as interrupted", async () => {
    const seen: [number, string][] = [];
    const off = onDeadLetter("execute_approved_command", (m, reason) => {
      seen.push([m.id, reason]);
      return [];
    });
    try {
      const retry = (await enqueue(t.store, "noop", null, { now: NOW })).id;
      const once = (await enqueue(t.store, "execute_approved_command", { requestId: "r1" }, { now: NOW })).id;
      expect(await claim(t.store, { workerId: "w", limit: 2, now: NOW })).toHaveLength(2);
      expect(await reclaim(t.store, NOW + LEASE_MS - 1)).toEqual({ retried: [], dead: [] });
      expect(await reclaim(t.store, NOW + LEASE_MS + 1)).toEqual({ retried: [retry], dead: [once] });
      expect(await messageRow(t.store, retry)).toMatchObject({ state: "ready", attempts: 1, deadReason: null });
      expect(await messageRow(t.store, once)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });
      expect(seen).toEqual([[once, "interrupted"]]);
    } finally {
      off();
    }
  });

  it("dead-letters a retry actor's message whose worker keeps dying once its retries are spent", async () => {
    const { id } = await enqueue(t.store, "noop", null, { now: NOW });
    await updateMessage(t.store, id, { maxRetries: 1 });
    let now = NOW;
    for (let i = 0; i < 2; i++) {
      expect(await claim(t.store, { workerId: "w", limit: 1, now })).toHaveLength(1);
      now += LEASE_MS + 1;
      await reclaim(t.store, now);
    }
    expect(await messageRow(t.store, id)).toMatchObject({ state: "dead", attempts: 2, deadReason: "retries_exhausted" });
  });

  it("keeps a live worker's leases: its heartbeat extends them", async () => {
    await registerWorker(t.store, { id: "w", queues: [], actors: ["noop"], concurrency: 1 }, NOW);
    const { id } = await enqueue(t.store, "noop", null, { now: NOW });
    await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    expect(await heartbeat(t.store, "w", { inFlight: 1, processed: 0, failed: 0 }, NOW + LEASE_MS - 100)).toBe(1);
    expect(await reclaim(t.store, NOW + LEASE_MS + 1)).toEqual({ retried: [], dead: [] });
    expect((await messageRow(t.store, id)).state).toBe("leased");
  });

  it("gives back a stopping worker's messages: retry actors uncounted, run-once actors interrupted", async () => {
    const retry = (await enqueue(t.store, "noop", null, { now: NOW })).id;
    const once = (await enqueue(t.store, "execute_approved_command", { requestId: "r1" }, { now: NOW })).id;
    const held = await claim(t.store, { workerId: "w", limit: 2, now: NOW });
    expect(await release(t.store, held, NOW + 10)).toBe(2);
    expect(await messageRow(t.store, retry)).toMatchObject({ state: "ready", attempts: 0, deadReason: null });
    expect(await messageRow(t.store, once)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });
  });
});
