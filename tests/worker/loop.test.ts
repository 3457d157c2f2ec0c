import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import type { Store } from "../../lib/db/store";
import { defineActor } from "../../lib/queue/actors";
import { enqueue, enqueueMany } from "../../lib/queue/enqueue";
import { reclaim } from "../../lib/queue/reclaim";
import { bind, TimeLimitExceeded, type Handlers } from "../../worker/handler";
import { WorkerLoop } from "../../worker/loop";
import { eventually } from "../support/eventually";
import { messageRow, messageState, updateMessage } from "../support/message-row";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";
import { requestIn, succeedPlan } from "../queue/request-row";

const recorder = defineActor({ name: "test_loop_recorder", payload: z.object({ n: z.number() }) });
const failing = defineActor({ name: "test_loop_failing", payload: z.null(), minBackoffMs: 60_000 });
const slow = defineActor({ name: "test_loop_slow", payload: z.null(), timeLimitMs: 50, maxRetries: 0 });
const doomed = defineActor({ name: "test_loop_doomed", payload: z.null(), maxRetries: 0 });

let loop: WorkerLoop | undefined;
const t = useTempDb({
  teardown: async () => {
    await loop?.stop(0);
    loop = undefined;
  },
});

function run(handlers: Handlers): WorkerLoop {
  loop = new WorkerLoop({ store: t.store, workerId: "test", handlers, concurrency: 2, groupLimit: 1, pollMs: 50 });
  loop.start();
  return loop;
}

// A handler's own writes: each run records its `n` as the output of a running request (made by
// `resultSlot`), in the transaction that completes its message.
const slots: string[] = [];
async function resultSlot(): Promise<string> {
  const { id } = await requestIn(t.store, "running");
  slots.push(id);
  return id;
}
const record = (requestId: string, n: number) => [succeedPlan(requestId, String(n))];
const results = async () => {
  const rows = await Promise.all(slots.map((id) => t.store.getRequest(id)));
  return rows.filter((r) => r?.status === "succeeded").map((r) => Number(r!.output));
};

describe("the worker loop", () => {
  it("commits a handler's own writes together with the message's completion", async () => {
    slots.length = 0;
    const slot = await resultSlot();
    run(
      bind(recorder, async ({ n }, ctx) => {
        expect(await ctx.settle(record(slot, n))).toBe(true);
      }),
    );
    const { id } = await enqueue(t.store, recorder.name, { n: 42 });
    await eventually(async () => (await messageState(t.store, id)) === "gone", "the message finished");
    expect(await results()).toEqual([42]);
    expect(loop!.stats()).toMatchObject({ processed: 1, failed: 0, inFlight: 0 });
  });

  it("drops a handler's writes when its lease was lost meanwhile", async () => {
    slots.length = 0;
    const slot = await resultSlot();
    let proceed!: () => void;
    const blocked = new Promise<void>((resolve) => (proceed = resolve));
    const settled: boolean[] = [];
    run(
      bind(recorder, async ({ n }, ctx) => {
        if (ctx.attempt === 1) await blocked;
        settled.push(await ctx.settle(record(slot, n)));
      }),
    );
    const { id } = await enqueue(t.store, recorder.name, { n: 1 });
    await eventually(async () => (await messageRow(t.store, id)).state === "leased", "the message running");
    // As if this worker had stalled past its lease: the lease runs out and maintenance reclaims it.
    await updateMessage(t.store, id, { leaseExpiresAt: Date.now() - 1 });
    expect((await reclaim(t.store)).retried).toEqual([id]);
    await eventually(() => settled.length === 1, "the second attempt settled");
    proceed();
    await eventually(() => settled.length === 2, "the first attempt settled");
    expect(settled).toEqual([true, false]);
    expect(await results()).toEqual([1]);
  });

  it("schedules a retry with backoff when the handler throws", async () => {
    run(
      bind(failing, async () => {
        throw new Error("tmux server not running");
      }),
    );
    const before = Date.now();
    const { id } = await enqueue(t.store, failing.name, null);
    await eventually(async () => (await messageRow(t.store, id)).lastError !== null, "the failure recorded");
    const m = await messageRow(t.store, id);
    expect(m).toMatchObject({ state: "ready", attempts: 1, deadReason: null });
    expect(m.lastError).toMatch(/^Error: tmux server not running/);
    expect(m.runAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(loop!.stats().failed).toBe(1);
  });

  it("aborts a run past its actor's time limit and records it as a time-limit failure", async () => {
    let reason: unknown;
    run(
      bind(slow, async (_payload, ctx) => {
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        reason = ctx.signal.reason;
        throw ctx.signal.reason;
      }),
    );
    const { id } = await enqueue(t.store, slow.name, null);
    await eventually(async () => (await messageRow(t.store, id)).state === "dead", "the message dead");
    expect(reason).toBeInstanceOf(TimeLimitExceeded);
    expect(await messageRow(t.store, id)).toMatchObject({ deadReason: "time_limit", attempts: 1 });
    expect((await messageRow(t.store, id)).lastError).toMatch(/Time limit of 50 ms exceeded/);
  });

  it("runs a delayed message when it comes due, without being woken", async () => {
    slots.length = 0;
    const slot = await resultSlot();
    run(bind(recorder, async ({ n }, ctx) => void (await ctx.settle(record(slot, n)))));
    await new Promise((resolve) => setImmediate(resolve));
    // Written by another connection after the loop went idle, as the web process would.
    const web = await openOther();
    try {
      await enqueue(web, recorder.name, { n: 7 }, { delayMs: 300 });
    } finally {
      await web.close();
    }
    await eventually(async () => (await results()).length === 1, "the delayed message run");
    expect(await results()).toEqual([7]);
  });

  it("runs a delayed message that came due between a claim that found nothing and the look for the next due time", async () => {
    slots.length = 0;
    const slot = await resultSlot();
    const realNow = Date.now;
    const start = realNow();
    await enqueue(t.store, recorder.name, { n: 9 }, { runAt: start + 500 });
    // The clock jumps a second ahead as the loop's first claim comes back empty: the message is due
    // by the time the loop asks when the next one is, though that claim did not see it due.
    let skew = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + skew);
    const store: Store = Object.create(t.store);
    store.completeAndClaim = async (finished, req) => {
      const result = await t.store.completeAndClaim(finished, req);
      if (result.claimed.length === 0) skew = 1_000;
      return result;
    };
    loop = new WorkerLoop({
      store,
      workerId: "test",
      handlers: bind(recorder, async ({ n }, ctx) => void (await ctx.settle(record(slot, n)))),
      concurrency: 2,
      groupLimit: 1,
      pollMs: 50,
    });
    try {
      loop.start();
      await eventually(async () => (await results()).length === 1, "the delayed message run", 5_000);
    } finally {
      vi.restoreAllMocks();
    }
    expect(await results()).toEqual([9]);
  });

  it("never runs more messages at once than its concurrency, and runs each one once, whatever its claims under way", async () => {
    let running = 0;
    let most = 0;
    const ran: number[] = [];
    loop = new WorkerLoop({
      store: t.store,
      workerId: "test",
      handlers: bind(recorder, async ({ n }) => {
        most = Math.max(most, ++running);
        ran.push(n);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        running--;
      }),
      concurrency: 5,
      groupLimit: 1,
      pollMs: 50,
    });
    loop.start();
    await enqueueMany(t.store, Array.from({ length: 300 }, (_, n) => ({ actor: recorder.name, payload: { n } })));

    await eventually(() => loop!.stats().processed === 300, "300 messages run and completed");
    expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(5);
  });

  // A real SQLite error on the write that records the failure (as a lock held past busy_timeout would be).
  it.skipIf(TEST_STORE !== "sqlite")(
    "keeps trying to record a failure the database refused, instead of holding the message for good",
    async () => {
      t.db.$client.exec(
        "CREATE TRIGGER refuse_dead BEFORE UPDATE OF state ON messages WHEN NEW.state = 'dead' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
      );
      run(
        bind(doomed, async () => {
          throw new Error("doomed to fail");
        }),
      );
      const { id } = await enqueue(t.store, doomed.name, null);
      await eventually(() => loop!.stats().failed === 1, "the run failed");
      expect((await messageRow(t.store, id)).state).toBe("leased"); // still this worker's, its lease kept alive

      t.db.$client.exec("DROP TRIGGER refuse_dead");
      await eventually(async () => (await messageRow(t.store, id)).state === "dead", "the failure recorded once the database accepts it");
      expect((await messageRow(t.store, id)).lastError).toMatch(/^Error: doomed to fail/);
    },
  );
});

/** A second store on the test's database, as another process would open it. */
async function openOther(): Promise<Store> {
  if (TEST_STORE === "sqlite") {
    const { openSqliteStore } = await import("../../lib/db/sqlite/store");
    return openSqliteStore(t.env.GATEHOUSE_DB!);
  }
  const { openPostgresStore } = await import("../../lib/db/postgres/store");
  return openPostgresStore(t.env.GATEHOUSE_DATABASE_URL!, { migrate: false, poolSize: 1 });
}
