import { beforeEach, describe, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { complete, completeMany, completeWith } from "../../lib/queue/complete";
import { enqueue } from "../../lib/queue/enqueue";
import { reclaim } from "../../lib/queue/reclaim";
import { LEASE_MS } from "../../lib/queue/lease";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
beforeEach(() => t.db.$client.exec("CREATE TABLE results (message_id INTEGER)"));

const NOW = 1_700_000_000_000;
const state = (id: number) => t.db.$client.prepare("SELECT state FROM messages WHERE id = ?").pluck().get(id);
const results = () => t.db.$client.prepare("SELECT message_id FROM results").pluck().all();

describe("complete", () => {
  it("completes only while the lease token matches", () => {
    const { id } = enqueue(t.db, "noop", null, { now: NOW });
    const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
    expect(complete(t.db, { id, leaseToken: "stale" }, NOW)).toBe(false);
    expect(state(id)).toBe("leased");
    expect(complete(t.db, m!, NOW)).toBe(true);
    expect(state(id)).toBe("done");
    expect(complete(t.db, m!, NOW)).toBe(false);
  });

  it("commits the handler's own writes with the completion, and not at all once the lease is lost", () => {
    const a = enqueue(t.db, "noop", "a", { now: NOW }).id;
    const b = enqueue(t.db, "noop", "b", { now: NOW }).id;
    const [ma, mb] = claim(t.db, { workerId: "w", limit: 2, now: NOW });
    const record = (id: number) => (db: typeof t.db) => void db.$client.prepare("INSERT INTO results VALUES (?)").run(id);
    expect(completeWith(t.db, ma!, record(a), NOW)).toBe(true);
    reclaim(t.db, NOW + LEASE_MS + 1); // b's worker stalled: its lease ran out
    expect(completeWith(t.db, mb!, record(b), NOW + LEASE_MS + 2)).toBe(false);
    expect(results()).toEqual([a]);
    expect(state(b)).toBe("ready");
  });

  it("writes nothing when the handler's writes throw", () => {
    const { id } = enqueue(t.db, "noop", null, { now: NOW });
    const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
    expect(() =>
      completeWith(t.db, m!, (db) => {
        db.$client.prepare("INSERT INTO results VALUES (?)").run(id);
        throw new Error("recording failed");
      }),
    ).toThrow(/recording failed/);
    expect(results()).toEqual([]);
    expect(state(id)).toBe("leased");
  });

  it("completes a batch in one go, counting only the leases still held", () => {
    for (let i = 0; i < 3; i++) enqueue(t.db, "noop", i, { now: NOW });
    const batch = claim(t.db, { workerId: "w", limit: 3, now: NOW });
    expect(completeMany(t.db, [...batch, { id: 999, leaseToken: batch[0]!.leaseToken }], NOW)).toBe(3);
  });
});
