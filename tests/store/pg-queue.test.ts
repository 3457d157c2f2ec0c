// The PostgreSQL queue store, method by method, until the contract suite runs every store through
// the same tests: what SQLite's queue does (lib/db/sqlite/queue), the PostgreSQL way.
import { describe, expect, it } from "vitest";
import type { QueueReactions } from "@/lib/db/store";
import { insertMessages } from "@/lib/db/postgres/queue/enqueue";
import { eventually } from "../support/eventually";
import { claimReq, message, onPostgres, QUEUE_NOW, quiet, usePgStore } from "../support/pg";
import { movePlan, requestRow, submission } from "./pg-requests-fixture";

const NOW = QUEUE_NOW;

describe.skipIf(!onPostgres)("PostgreSQL queue store", () => {
  const store = usePgStore();
  const state = async (id: number) =>
    (await store().pg.query<{ state: string; attempts: number; deadReason: string | null; runAt: number }>(
      `SELECT state, attempts, dead_reason AS "deadReason", run_at AS "runAt" FROM messages WHERE id = $1`,
      [id],
    ))[0];

  it("enqueues in order, answering an idempotency key already used (earlier or in the same batch) with its message", async () => {
    const [a, b, c] = await store().enqueue([message({ idempotencyKey: "k" }), message(), message({ idempotencyKey: "k" })]);
    expect(a).toEqual({ id: expect.any(Number), created: true });
    expect(b!.id).toBeGreaterThan(a!.id);
    expect(c).toEqual({ id: a!.id, created: false });
    expect(await store().enqueue([message({ idempotencyKey: "k" })])).toEqual([{ id: a!.id, created: false }]);
    expect(await store().enqueue([])).toEqual([]);
  });

  it("answers a key another transaction was inserting at the same moment with that transaction's message", async () => {
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let first!: (id: number) => void;
    const inserted = new Promise<number>((resolve) => (first = resolve));
    const holder = store().pg.tx(async (c) => {
      first((await insertMessages(c, [message({ idempotencyKey: "k" })]))[0]!.id);
      await gate;
    });
    const id = await inserted;
    const second = store().enqueue([message({ idempotencyKey: "k" })]);
    // The second insert waits on the first one's uncommitted key, then finds it taken.
    await eventually(
      async () => (await store().pg.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).length,
      "the second insert waiting",
    );
    commit();
    await holder;
    expect(await second).toEqual([{ id, created: false }]);
  });

  it("claims the highest priority first, FIFO within a priority, only due messages of the asked queues", async () => {
    const ids = (
      await store().enqueue([
        message({ priority: 0 }),
        message({ priority: 1 }),
        message({ priority: 4 }),
        message({ priority: 1 }),
        message({ priority: 4, runAt: NOW + 1_000 }),
        message({ priority: 4, queue: "other" }),
      ])
    ).map((e) => e.id);
    const { claimed } = await store().completeAndClaim([], claimReq({ queues: ["default"], limit: 3 }));
    expect(claimed.map((m) => m.id)).toEqual([ids[2], ids[1], ids[3]]);
    expect(claimed[0]).toMatchObject({ actor: "noop", attempts: 1, maxRetries: 2, payload: "{}" });
    expect(new Set(claimed.map((m) => m.leaseToken)).size).toBe(1);
    expect(await store().nextDueAt(NOW)).toBe(NOW + 1_000);
    const rest = await store().completeAndClaim([], claimReq());
    expect(rest.claimed.map((m) => m.id)).toEqual([ids[5], ids[0]]);
  });

  it("completes a turn's finished messages and claims the next of their group in one transaction", async () => {
    await store().enqueue([message({ groupKey: "s1" }), message({ groupKey: "s1" })]);
    const first = await store().completeAndClaim([], claimReq());
    expect(first.claimed).toHaveLength(1);
    const next = await store().completeAndClaim(first.claimed, claimReq());
    expect(next.completed).toBe(1);
    expect(next.claimed).toHaveLength(1);
    expect(await store().completeAndClaim(first.claimed, claimReq({ limit: 0 }))).toEqual({ completed: 0, claimed: [] });
    expect(await store().completeMany(next.claimed, NOW)).toBe(1);
    expect(await store().completeMany(next.claimed, NOW)).toBe(0);
  });

  it("retries a failed message at runAt while retries are left, then dead-letters it, deciding in the statement", async () => {
    const [{ id }] = (await store().enqueue([message({ maxRetries: 1 })])) as [{ id: number; created: boolean }];
    const params = { runAt: NOW, deadReason: "retries_exhausted" as const, error: "boom", now: NOW };
    let [lease] = (await store().completeAndClaim([], claimReq())).claimed;
    expect(await store().fail(lease!, params, quiet)).toMatchObject({ id, state: "ready", runAt: NOW, lastError: "boom" });
    [lease] = (await store().completeAndClaim([], claimReq())).claimed;
    expect(await store().fail(lease!, params, quiet)).toMatchObject({ state: "dead", deadReason: "retries_exhausted" });
    expect(await store().fail(lease!, params, quiet)).toBeNull();
    expect((await store().listDead({ limit: 10, discarded: false })).map((d) => d.id)).toEqual([id]);
  });

  it("applies the reactions' plans in the transaction that changes the message, or nothing at all", async () => {
    const row = requestRow({ status: "running" });
    await store().insertRequest(submission(row));
    const [{ id }] = (await store().enqueue([message({ maxRetries: 0 })])) as [{ id: number; created: boolean }];
    const [lease] = (await store().completeAndClaim([], claimReq())).claimed;
    const params = { runAt: NOW, deadReason: "retries_exhausted" as const, error: "boom", now: NOW };
    // A required plan that cannot apply (the request is not queued) rolls the dead-lettering back.
    const refused: QueueReactions = { ...quiet, changed: () => [movePlan(row.id, ["queued"], "dead", NOW)] };
    await expect(store().fail(lease!, params, refused)).rejects.toThrow(/refused/i);
    expect(await state(id)).toMatchObject({ state: "leased" });
    const follows: QueueReactions = { ...quiet, changed: () => [movePlan(row.id, ["running"], "dead", NOW)] };
    expect(await store().fail(lease!, params, follows)).toMatchObject({ state: "dead" });
    expect((await store().getRequest(row.id))?.status).toBe("dead");
  });

  it("completes with plans only while the lease holds", async () => {
    const row = requestRow({ status: "running" });
    await store().insertRequest(submission(row));
    await store().enqueue([message()]);
    const [lease] = (await store().completeAndClaim([], claimReq())).claimed;
    const plans = [movePlan(row.id, ["running"], "succeeded", NOW)];
    expect(await store().completeWith({ id: lease!.id, leaseToken: "stolen" }, plans, NOW)).toBe(false);
    expect((await store().getRequest(row.id))?.status).toBe("running");
    expect(await store().completeWith(lease!, plans, NOW)).toBe(true);
    expect((await store().getRequest(row.id))?.status).toBe("succeeded");
  });

  it("releases: a retry actor's message ready again uncounted, a dead actor's interrupted", async () => {
    const [a, b] = await store().enqueue([message(), message({ onLeaseLost: "dead" })]);
    const { claimed } = await store().completeAndClaim([], claimReq());
    expect(await store().release(claimed, NOW + 5, quiet)).toBe(2);
    expect(await state(a!.id)).toMatchObject({ state: "ready", attempts: 0, runAt: NOW + 5 });
    expect(await state(b!.id)).toMatchObject({ state: "dead", deadReason: "interrupted" });
    expect(await store().release(claimed, NOW, quiet)).toBe(0);
  });

  it("reclaims expired leases as on_lease_lost says, and heartbeats keep leases alive", async () => {
    const [a, b, c] = await store().enqueue([message(), message({ onLeaseLost: "dead" }), message()]);
    await store().registerWorker({ id: "w1", host: "h", pid: 1, queues: [], actors: ["noop"], concurrency: 1, startedAt: NOW });
    await store().completeAndClaim([], claimReq({ limit: 2 }));
    await store().completeAndClaim([], claimReq({ workerId: "w2", limit: 1 }));
    expect(await store().heartbeat("w1", { inFlight: 2, processed: 0, failed: 0 }, NOW + 5_000, 6_000)).toBe(2);
    const changed = await store().reclaim(NOW + 7_000, 10, quiet);
    expect(changed.map((r) => r.id)).toEqual([c!.id]);
    const later = await store().reclaim(NOW + 12_000, 10, quiet);
    expect(later.map((r) => [r.id, r.state, r.deadReason]).sort()).toEqual(
      [[a!.id, "ready", null], [b!.id, "dead", "interrupted"]].sort(),
    );
  });

  it("requeues and discards dead letters once, with their reactions", async () => {
    const [a, b] = await store().enqueue([message({ maxRetries: 0, actor: "x" }), message({ maxRetries: 0 })]);
    for (const lease of (await store().completeAndClaim([], claimReq())).claimed) {
      expect(await store().deadLetter(lease, "unknown_actor", "no handler", NOW, quiet)).toBe(true);
    }
    expect((await store().listDead({ limit: 10, discarded: false, actor: "x" })).map((d) => d.id)).toEqual([a!.id]);
    expect((await store().listDead({ limit: 10, discarded: false, beforeId: b!.id })).map((d) => d.id)).toEqual([a!.id]);
    const seen: string[] = [];
    const react: QueueReactions = {
      ...quiet,
      requeued: (r) => (seen.push(`requeued ${r.id}`), []),
      discarded: (r) => (seen.push(`discarded ${r.id}`), []),
    };
    expect(await store().requeueDead(a!.id, NOW, react)).toBe(true);
    expect(await store().requeueDead(a!.id, NOW, react)).toBe(false);
    expect(await store().discardDead(b!.id, NOW, react)).toBe(true);
    expect(await store().discardDead(b!.id, NOW, react)).toBe(false);
    expect(seen).toEqual([`requeued ${a!.id}`, `discarded ${b!.id}`]);
    expect(await state(a!.id)).toMatchObject({ state: "ready", attempts: 0 });
    expect((await store().listDead({ limit: 10, discarded: true })).map((d) => [d.id, d.discardedAt])).toEqual([[b!.id, NOW]]);
  });

  // Only a finished message with an idempotency key stays (as done) until pruned.
  it("prunes done messages, dead letters and workers past their retention", async () => {
    await store().enqueue([message({ idempotencyKey: "k" }), message({ maxRetries: 0 }), message({ createdAt: NOW + 10_000, runAt: NOW + 10_000 })]);
    const { claimed } = await store().completeAndClaim([], claimReq({ limit: 2 }));
    await store().completeMany(claimed.slice(0, 1), NOW + 1);
    await store().deadLetter(claimed[1]!, "unknown_actor", "x", NOW + 1, quiet);
    await store().registerWorker({ id: "old", host: "h", pid: 1, queues: [], actors: [], concurrency: 1, startedAt: NOW });
    expect(await store().prune({ doneBefore: NOW, deadBefore: NOW, workersBefore: NOW })).toEqual({ done: 0, dead: 0, workers: 0 });
    expect(await store().prune({ doneBefore: NOW + 2, deadBefore: NOW + 2, workersBefore: NOW + 1 })).toEqual({ done: 1, dead: 1, workers: 1 });
    expect((await store().pg.query(`SELECT id FROM messages`)).length).toBe(1);
  });

  it("records workers, their heartbeats and their stop, listed by host then start", async () => {
    const w = { pid: 7, queues: ["default"], actors: ["noop", "x"], concurrency: 2 };
    await store().registerWorker({ ...w, id: "b", host: "h2", startedAt: NOW });
    await store().registerWorker({ ...w, id: "a", host: "h1", startedAt: NOW + 1 });
    await store().heartbeat("a", { inFlight: 1, processed: 5, failed: 1 }, NOW + 10, 6_000);
    await store().markWorkerStopped("b", { inFlight: 0, processed: 3, failed: 0 }, NOW + 20);
    expect(await store().listWorkers(NOW)).toEqual([
      { ...w, id: "a", host: "h1", startedAt: NOW + 1, heartbeatAt: NOW + 10, inFlight: 1, processed: 5, failed: 1, stoppedAt: null },
      { ...w, id: "b", host: "h2", startedAt: NOW, heartbeatAt: NOW + 20, inFlight: 0, processed: 3, failed: 0, stoppedAt: NOW + 20 },
    ]);
    expect(await store().listWorkers(NOW + 15)).toHaveLength(1);
  });
});
