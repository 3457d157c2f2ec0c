import { describe, expect, it } from "vitest";
import { enqueueMany } from "../../lib/queue/enqueue";
import { listWorkers } from "../../lib/queue/workers";
import { eventually } from "../support/eventually";
import { countMessages } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers } from "../support/worker-process";
import { testRecord } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

describe("two worker processes", () => {
  it("drain 10,000 messages with none lost and none run twice", async () => {
    const log = runLog(t);
    const worker = log.worker({ args: ["--processes", "2"] });
    await worker.ready(2);
    const ids = (
      await enqueueMany(
        t.store,
        Array.from({ length: 10_000 }, (_, n) => ({ actor: testRecord.name, payload: { n } })),
      )
    ).map((e) => e.id);

    // A finished message is deleted: none left is all 10,000 finished.
    await eventually(async () => (await countMessages(t.store)) === 0, "all 10,000 messages finished", 120_000);
    expect(await worker.stop(), worker.output()).toBe(0);

    const runs = log.runs();
    expect(runs).toHaveLength(10_000);
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(ids));
    expect(runs.every((r) => r.attempt === 1)).toBe(true);
    const workers = await listWorkers(t.store);
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.processed > 0 && w.stoppedAt !== null)).toBe(true);
    expect(workers.reduce((sum, w) => sum + w.processed, 0)).toBe(10_000);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
  });
});
