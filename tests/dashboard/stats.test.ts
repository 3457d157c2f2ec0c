import { beforeEach, describe, expect, it } from "vitest";
import { requestCounts, tabCounts } from "../../lib/dashboard/counts";
import { overview } from "../../lib/dashboard/overview";
import { percentiles, throughput } from "../../lib/dashboard/throughput";
import type { Store } from "../../lib/db/store";
import { approveRequest, markFinished, markRunning, rejectRequest } from "../../lib/requests/lifecycle";
import { listRequests } from "../../lib/requests/list";
import { FIXTURE_STATES, agent, alice, requestIn, submit } from "../requests/fixtures";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
let db: Store;
beforeEach(() => (db = t.store));

/** What a full scan of the requests table says (every page of the list), to check the trigger-kept counts against. */
async function scanned(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await listRequests(db, { limit: 200, cursor });
    for (const r of page.items) {
      const k = r.discardedAt === null ? r.status : "discarded";
      counts[k] = (counts[k] ?? 0) + 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return counts;
}

describe("counters by status", () => {
  it("match a scan of the table after requests pass through every state, discards included", async () => {
    const a = await agent(db);
    for (const state of FIXTURE_STATES) await requestIn(db, a, state);
    for (const state of ["pending", "dead", "succeeded"] as const) await requestIn(db, a, state);
    const counts = await requestCounts(db);
    const truth = await scanned();
    for (const [k, n] of Object.entries(counts)) expect([k, n]).toEqual([k, truth[k] ?? 0]);
    expect(counts.dead).toBe(2);
    expect(counts.discarded).toBe(1);
    expect(tabCounts(counts)).toEqual({ pending: 2, approved: 6, rejected: 3, dead: 2 });
  });

  // Nothing deletes requests through the store yet: this deletes in SQL, as pruning would.
  it.skipIf(TEST_STORE !== "sqlite")("go down when requests are deleted (pruning)", async () => {
    const a = await agent(db);
    await requestIn(db, a, "succeeded");
    await requestIn(db, a, "succeeded");
    t.db.$client.prepare("DELETE FROM requests WHERE id = (SELECT min(id) FROM requests)").run();
    expect((await requestCounts(db)).succeeded).toBe(1);
  });
});

describe("throughput over a range", () => {
  const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  const min = 60_000;

  it("counts each step in the minute it happened and walks queue depth back from now", async () => {
    const a = await agent(db);
    const r1 = await submit(db, a, { command: "make one" }, T0);
    const r2 = await submit(db, a, { command: "make two" }, T0 + 1 * min);
    await submit(db, a, { command: "make three" }, T0 + 2 * min);
    await approveRequest(db, r1.id, alice, { now: T0 + 3 * min });
    await rejectRequest(db, r2.id, alice, "no", T0 + 3 * min + 10_000);
    await markRunning(db, r1.id, T0 + 5 * min);
    await markFinished(db, r1.id, { exitCode: 0, output: "", outputTruncated: false, now: T0 + 7 * min });

    const now = T0 + 10 * min;
    const tp = await throughput(db, "1h", now);
    expect(tp.points).toHaveLength(60);
    const at = (m: number) => tp.points.find((p) => p.t === T0 + m * min)!;
    expect(tp.totals).toMatchObject({ submitted: 3, decided: 2, started: 1, succeeded: 1, failed: 0 });
    expect([at(0).submitted, at(1).submitted, at(2).submitted]).toEqual([1, 1, 1]);
    expect(at(3).decided).toBe(2);
    expect(at(5).started).toBe(1);
    expect(at(7).succeeded).toBe(1);
    // Depth at the end of each minute: three arrive, two are decided at minute 3.
    expect([0, 1, 2, 3, 9].map((m) => at(m).pendingDepth)).toEqual([1, 2, 3, 1, 1]);
    expect([2, 3, 4, 5, 9].map((m) => at(m).queuedDepth)).toEqual([0, 1, 1, 0, 0]);
  });

  it("gives decision, wait and run percentiles within the histogram's 10%", async () => {
    const a = await agent(db);
    for (let i = 0; i < 20; i++) {
      const r = await submit(db, a, { command: `job ${i}` }, T0);
      await approveRequest(db, r.id, alice, { now: T0 + 30_000 }); // decided after 30 s
      await markRunning(db, r.id, T0 + 30_000 + 200); // started 200 ms after approval
      await markFinished(db, r.id, { exitCode: i === 0 ? 1 : 0, output: "", outputTruncated: false, now: T0 + 30_200 + (i + 1) * 1000 });
    }
    const tp = await throughput(db, "24h", T0 + 3600_000);
    const near = (value: number | null, expected: number) => expect(Math.abs((value ?? 0) - expected) / expected).toBeLessThan(0.1);
    near(tp.latency.decision.p50, 30_000);
    near(tp.latency.wait.p99, 200);
    near(tp.latency.run.p50, 10_000);
    near(tp.latency.run.p99, 20_000);
    expect(tp.latency.run.count).toBe(20);
    expect(tp.totals).toMatchObject({ succeeded: 19, failed: 1 });
  });

  it("reports no percentiles when nothing was measured", () => {
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });
});

describe("overview", () => {
  it("shows the oldest pending request's arrival and the last hour's outcomes", async () => {
    const a = await agent(db);
    const now = Date.now();
    const first = await submit(db, a, { command: "first" }, now - 5000);
    await submit(db, a, { command: "second" }, now - 1000);
    await requestIn(db, a, "failed");
    const o = await overview(db, now + 1000);
    expect(o.oldestPendingAt).toBe(first.createdAt);
    expect(o.counts.pending).toBe(2);
    expect(o.lastHour.failed).toBe(1);
    expect(o.sparkline.submitted.reduce((x, y) => x + y, 0)).toBe(3);
  });
});
