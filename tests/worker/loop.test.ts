import { beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { enqueue } from "../../lib/queue/enqueue";
import { reclaim } from "../../lib/queue/reclaim";
import { bind, TimeLimitExceeded, type Handlers } from "../../worker/handler";
import { WorkerLoop } from "../../worker/loop";
import { eventually } from "../support/eventually";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

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
beforeEach(() => t.db.$client.exec("CREATE TABLE results (n INTEGER)"));

function run(handlers: Handlers): WorkerLoop {
  loop = new WorkerLoop({ db: t.db, workerId: "test", handlers, concurrency: 2, groupLimit: 1, pollMs: 50 });
  loop.start();
  return loop;
}

const results = () => t.db.$client.prepare("SELECT n FROM results").pluck().all();

describe("the worker loop", () => {
  it("commits a handler's own writes together with the message's completion", async () => {
    run(
      bind(recorder, async ({ n }, ctx) => {
        expect(ctx.settle((db) => void db.$client.prepare("INSERT INTO results VALUES (?)").run(n))).toBe(true);
      }),
    );
    const { id } = enqueue(t.db, recorder.name, { n: 42 });
    await eventually(() => messageRow(t.db, id).state === "done", "the message done");
    expect(results()).toEqual([42]);
    expect(loop!.stats()).toMatchObject({ processed: 1, failed: 0, inFlight: 0 });
  });

  it("drops a handler's writes when its lease was lost meanwhile", async () => {
    let proceed!: () => void;
    const blocked = new Promise<void>((resolve) => (proceed = resolve));
    const settled: boolean[] = [];
    run(
      bind(recorder, async ({ n }, ctx) => {
        if (ctx.attempt === 1) await blocked;
        settled.push(ctx.settle((db) => void db.$client.prepare("INSERT INTO results VALUES (?)").run(n)));
      }),
    );
    const { id } = enqueue(t.db, recorder.name, { n: 1 });
    await eventually(() => messageRow(t.db, id).state === "leased", "the message running");
    // As if this worker had stalled past its lease: the lease runs out and maintenance reclaims it.
    t.db.$client.prepare("UPDATE messages SET lease_expires_at = ? WHERE id = ?").run(Date.now() - 1, id);
    expect(reclaim(t.db).retried).toEqual([id]);
    await eventually(() => settled.length === 1, "the second attempt settled");
    proceed();
    await eventually(() => settled.length === 2, "the first attempt settled");
    expect(settled).toEqual([true, false]);
    expect(results()).toEqual([1]);
  });

  it("schedules a retry with backoff when the handler throws", async () => {
    run(
      bind(failing, async () => {
        throw new Error("tmux server not running");
      }),
    );
    const before = Date.now();
    const { id } = enqueue(t.db, failing.name, null);
    await eventually(() => messageRow(t.db, id).lastError !== null, "the failure recorded");
    const m = messageRow(t.db, id);
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
    const { id } = enqueue(t.db, slow.name, null);
    await eventually(() => messageRow(t.db, id).state === "dead", "the message dead");
    expect(reason).toBeInstanceOf(TimeLimitExceeded);
    expect(messageRow(t.db, id)).toMatchObject({ deadReason: "time_limit", attempts: 1 });
    expect(messageRow(t.db, id).lastError).toMatch(/Time limit of 50 ms exceeded/);
  });

  it("runs a delayed message when it comes due, without being woken", async () => {
    run(bind(recorder, async ({ n }, ctx) => void ctx.settle((db) => void db.$client.prepare("INSERT INTO results VALUES (?)").run(n))));
    await new Promise((resolve) => setImmediate(resolve));
    // Written by another connection after the loop went idle, as the web process would.
    const { openDb } = await import("../../lib/db/client");
    const web = openDb(t.file);
    enqueue(web, recorder.name, { n: 7 }, { delayMs: 300 });
    web.$client.close();
    await eventually(() => results().length === 1, "the delayed message run");
    expect(results()).toEqual([7]);
  });

  it("keeps trying to record a failure the database refused, instead of holding the message for good", async () => {
    // A real SQLite error on the write that records the failure (as a lock held past busy_timeout would be).
    t.db.$client.exec(
      "CREATE TRIGGER refuse_dead BEFORE UPDATE OF state ON messages WHEN NEW.state = 'dead' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    run(
      bind(doomed, async () => {
        throw new Error("doomed to fail");
      }),
    );
    const { id } = enqueue(t.db, doomed.name, null);
    await eventually(() => loop!.stats().failed === 1, "the run failed");
    expect(messageRow(t.db, id).state).toBe("leased"); // still this worker's, its lease kept alive

    t.db.$client.exec("DROP TRIGGER refuse_dead");
    await eventually(() => messageRow(t.db, id).state === "dead", "the failure recorded once the database accepts it");
    expect(messageRow(t.db, id).lastError).toMatch(/^Error: doomed to fail/);
  });
});
