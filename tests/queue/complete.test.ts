import { describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { complete, completeMany, completeWith } from "../../lib/queue/complete";
import { enqueue } from "../../lib/queue/enqueue";
import { reclaim } from "../../lib/queue/reclaim";
import { LEASE_MS } from "../../lib/queue/lease";
import { messageRow, messageState } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { requestIn, statusOf, succeedPlan } from "./request-row";

const t = useTempDb();

const NOW = 1_700_000_000_000;
const state = (id: number) => messageState(t.store, id);

describe("complete", () => {
  it("completes only while the lease token matches", async () => {
    const { id } = await enqueue(t.store, "noop", null, { now: NOW });
    const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    expect(await complete(t.store, { id, leaseToken: "stale" }, NOW)).toBe(false);
    expect(await state(id)).toBe("leased");
    expect(await complete(t.store, m!, NOW)).toBe(true);
    expect(await state(id)).toBe("gone");
    expect(await complete(t.store, m!, NOW)).toBe(false);
  });

  it("commits the handler's own writes with the completion, and not at all once the lease is lost", async () => {
    const a = (await enqueue(t.store, "noop", "a", { now: NOW })).id;
    const b = (await enqueue(t.store, "noop", "b", { now: NOW })).id;
    // Each message's handler records its result on a request of its own.
    const ra = (await requestIn(t.store, "running")).id;
    const rb = (await requestIn(t.store, "running")).id;
    const [ma, mb] = await claim(t.store, { workerId: "w", limit: 2, now: NOW });
    expect(await completeWith(t.store, ma!, [succeedPlan(ra, String(a))], NOW)).toBe(true);
    await reclaim(t.store, NOW + LEASE_MS + 1); // b's worker stalled: its lease ran out
    expect(await completeWith(t.store, mb!, [succeedPlan(rb, String(b))], NOW + LEASE_MS + 2)).toBe(false);
    expect([await statusOf(t.store, ra), await statusOf(t.store, rb)]).toEqual(["succeeded", "running"]);
    expect(await state(b)).toBe("ready");
  });

  it("writes nothing when the handler's writes throw", async () => {
    const { id } = await enqueue(t.store, "noop", null, { now: NOW });
    const r = (await requestIn(t.store, "running")).id;
    const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    const failing = {
      ...succeedPlan(r, "ok"),
      then: () => {
        throw new Error("recording failed");
      },
    };
    await expect(completeWith(t.store, m!, [failing])).rejects.toThrow(/recording failed/);
    expect(await statusOf(t.store, r)).toBe("running");
    expect(await state(id)).toBe("leased");
  });

  it("completes a batch in one go, counting only the leases still held", async () => {
    for (let i = 0; i < 3; i++) await enqueue(t.store, "noop", i, { now: NOW });
    const batch = await claim(t.store, { workerId: "w", limit: 3, now: NOW });
    expect(await completeMany(t.store, [...batch, { id: 999, leaseToken: batch[0]!.leaseToken }], NOW)).toBe(3);
  });

  it("completes leases of several claims together, and none under a token it does not hold", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await enqueue(t.store, "noop", i, { now: NOW })).id);
    const first = await claim(t.store, { workerId: "w", limit: 2, now: NOW });
    const second = await claim(t.store, { workerId: "w", limit: 3, now: NOW });
    const stale = { id: second[2]!.id, leaseToken: first[0]!.leaseToken };
    expect(await completeMany(t.store, [first[0]!, second[0]!, first[1]!, second[1]!, stale], NOW)).toBe(4);
    expect(await Promise.all(ids.map(state))).toEqual(["gone", "gone", "gone", "gone", "leased"]);
  });

  it("keeps a finished message with an idempotency key as done, so the key still refuses a second enqueue", async () => {
    const keyed = (await enqueue(t.store, "noop", "k", { now: NOW, idempotencyKey: "once" })).id;
    const plain = (await enqueue(t.store, "noop", "p", { now: NOW })).id;
    const lone = (await enqueue(t.store, "noop", "l", { now: NOW, idempotencyKey: "alone" })).id;
    const batch = await claim(t.store, { workerId: "w", limit: 2, now: NOW });
    const [single] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    expect(await completeMany(t.store, batch, NOW + 5)).toBe(2);
    expect(await complete(t.store, single!, NOW + 6)).toBe(true);
    expect(await state(plain)).toBe("gone");
    expect(await messageRow(t.store, keyed)).toMatchObject({ state: "done", finishedAt: NOW + 5, leaseToken: null, leaseExpiresAt: null });
    expect(await messageRow(t.store, lone)).toMatchObject({ state: "done", finishedAt: NOW + 6 });
    expect(await enqueue(t.store, "noop", "again", { now: NOW + 7, idempotencyKey: "once" })).toEqual({ id: keyed, created: false });
  });
});
