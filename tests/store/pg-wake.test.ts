// watchForWork on PostgreSQL: LISTEN gatehouse_work, woken by the NOTIFY of another connection's
// commit. The safety-net poll is set to a minute here, so only a notification can wake it in time.
import { describe, expect, it } from "vitest";
import { connectPg } from "@/lib/db/postgres/client";
import { queueStore } from "@/lib/db/postgres/queue-store";
import { eventually } from "../support/eventually";
import { claimReq, message, onPostgres, QUEUE_NOW, quiet, usePgStore } from "../support/pg";

const MINUTE = 60_000;
const NOW = QUEUE_NOW;

describe.skipIf(!onPostgres)("waking PostgreSQL workers", () => {
  const store = usePgStore();

  /** Watches for work until the test ends; `wakes` counts the calls, `next()` resolves at the next one. */
  async function watch(pollMs = MINUTE) {
    const state = { wakes: 0, resolve: () => {} };
    const stop = store().watchForWork({
      pollMs,
      onWake: () => {
        state.wakes++;
        state.resolve();
      },
    });
    await eventually(
      async () =>
        (await store().pg.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`))
          .length,
      "the LISTEN connection",
    );
    const next = () => new Promise<void>((resolve) => (state.resolve = resolve));
    return { state, stop, next };
  }

  /** Another process's store: its own pool, as a web server enqueueing for the workers. */
  function otherProcess() {
    const pg = connectPg(store().url, { poolSize: 2, statementTimeoutMs: 30_000 });
    return { queue: queueStore(pg), close: () => pg.close() };
  }

  it("wakes a waiting worker within milliseconds of another connection's enqueue, and not after it stops", async () => {
    const w = await watch();
    const other = otherProcess();
    try {
      const woken = w.next();
      const start = performance.now();
      await other.queue.enqueue([message()]);
      await woken;
      // Well under the one-minute poll: only the NOTIFY can have woken it.
      expect(performance.now() - start).toBeLessThan(5_000);
      w.stop();
      const before = w.state.wakes;
      await other.queue.enqueue([message()]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(w.state.wakes).toBe(before);
    } finally {
      w.stop();
      await other.close();
    }
  });

  it("wakes workers when messages become ready again: released, reclaimed, retried, requeued", async () => {
    const w = await watch();
    const other = otherProcess();
    try {
      const enqueued = w.next();
      await other.queue.enqueue([message(), message(), message(), message()]);
      await enqueued;
      // One at a time, oldest first: b alone has a lease that runs out before NOW + 10.
      const claimOne = async (leaseMs: number) => (await other.queue.completeAndClaim([], claimReq({ limit: 1, leaseMs }))).claimed[0]!;
      const [a, , c, d] = [await claimOne(MINUTE), await claimOne(1), await claimOne(MINUTE), await claimOne(MINUTE)];
      const steps: [string, () => Promise<unknown>][] = [
        ["release", () => other.queue.release([a], NOW, quiet)],
        ["reclaim", () => other.queue.reclaim(NOW + 10, 10, quiet)],
        ["fail", () => other.queue.fail(c, { runAt: NOW, deadReason: "retries_exhausted", error: "x", now: NOW }, quiet)],
        // Dead-lettering wakes no one (nothing to run); putting the dead letter back does.
        ["requeue", async () => (await other.queue.deadLetter(d, "unknown_actor", "x", NOW, quiet)) && other.queue.requeueDead(d.id, NOW, quiet)],
      ];
      for (const [what, step] of steps) {
        const woken = w.next();
        expect(await step(), what).toBeTruthy();
        await woken;
      }
    } finally {
      w.stop();
      await other.close();
    }
  });

  it("comes back when the LISTEN connection is lost, and wakes the worker to look for what it missed", async () => {
    const w = await watch();
    const other = otherProcess();
    try {
      const lost = w.next();
      await store().pg.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
      );
      await lost;
      await eventually(
        async () =>
          (await store().pg.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`))
            .length,
        "LISTEN again",
      );
      const woken = w.next();
      await other.queue.enqueue([message()]);
      await woken;
    } finally {
      w.stop();
      await other.close();
    }
  });

  it("checks every pollMs until LISTEN is in force, then only once a second", async () => {
    const w = await watch(50);
    try {
      // Every 50 ms, the check would wake it ~30 times in these 1.5 s; once a second, once or twice.
      const before = w.state.wakes;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(w.state.wakes - before).toBeGreaterThanOrEqual(1);
      expect(w.state.wakes - before).toBeLessThanOrEqual(3);
    } finally {
      w.stop();
    }
  });
});
