import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueMany } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { messageRows } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers, startWorker } from "../support/worker-process";
import { testSleep, testSleepOnce } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

const rows = async () =>
  (await messageRows(t.store)).map(({ id, state, attempts, deadReason }) => ({ id, state, attempts, dead_reason: deadReason }));

describe("graceful shutdown", () => {
  it("finishes in-flight work within the grace period, leaves the rest queued, exits 0", async () => {
    const log = runLog(t);
    const ids = (
      await enqueueMany(t.store, Array.from({ length: 10 }, () => ({ actor: testSleep.name, payload: { ms: 500 } })))
    ).map((e) => e.id);
    const worker = log.worker({ args: ["--concurrency", "3"], env: { GATEHOUSE_GRACE_MS: "30000" } });
    await eventually(() => log.runs().length === 3, "three messages running");
    expect(await worker.stop(), worker.output()).toBe(0);

    const after = await rows();
    const ran = new Set(log.runs().map((r) => r.id));
    expect(ran.size).toBe(3);
    // The three that ran finished (a finished message is deleted); the rest wait, never tried.
    for (const r of after) expect(r).toMatchObject({ state: "ready", attempts: 0 });
    expect(after.map((r) => r.id)).toEqual(ids.filter((id) => !ran.has(id)));
  });

  it("releases what cannot finish in time: retry actors back to ready uncounted, run-once actors interrupted", async () => {
    const log = runLog(t);
    await enqueueMany(t.store, [
      { actor: testSleep.name, payload: { ms: 60_000 } },
      { actor: testSleepOnce.name, payload: { ms: 60_000 } },
    ]);
    const env = { GATEHOUSE_GRACE_MS: "200" };
    const worker = log.worker({ env });
    await eventually(() => log.runs().length === 2, "both messages running");
    expect(await worker.stop(), worker.output()).toBe(0);
    expect(worker.output()).toMatch(/released 2 unfinished message/);
    expect((await rows()).map(({ state, attempts, dead_reason }) => ({ state, attempts, dead_reason }))).toEqual([
      { state: "ready", attempts: 0, dead_reason: null },
      { state: "dead", attempts: 1, dead_reason: "interrupted" },
    ]);

    // Nothing lost: the next worker runs the released message again, as its first attempt.
    const released = (await rows())[0]!.id;
    const next = log.worker({ env });
    await next.ready(); // its start (a bundle build) is not what this waits for below
    await eventually(() => log.runs().filter((r) => r.id === released).length === 2, "the released message running again");
    expect(log.runs().at(-1)).toMatchObject({ id: released, attempt: 1 });
    expect(await next.stop(), next.output()).toBe(0);
  });

  it("stops cleanly when asked to while still starting", async () => {
    const marker = path.join(t.dir, "starting");
    const worker = startWorker({
      db: t.env,
      supervisor: false,
      args: ["--handlers", "tests/worker/fixtures/slow-start.ts"],
      env: { GATEHOUSE_TEST_STARTING: marker },
    });
    await eventually(() => existsSync(marker), "the worker starting");
    expect(await worker.stop(), worker.output()).toBe(0);
    expect(worker.output()).toMatch(/stopping \(SIGTERM\)/);
  });
});
