import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { listDead } from "../../lib/queue/dead";
import { enqueue } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { messageRow, messageState } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers } from "../support/worker-process";
import { testRecord } from "./fixtures/actors";
import { runLog } from "./run-log";

// Declared only in this (the enqueuing) process: the worker process has never heard of it. This is
// how the Dramatiq setup Gatehouse replaces lost messages ("Actor not found" in another process).
const orphan = defineActor({ name: "test_orphan", payload: z.object({ note: z.string() }) });

const t = useTempDb({ teardown: killWorkers });

describe("a message for an actor the claiming worker does not have", () => {
  it("is dead-lettered with that reason: never lost, never looped on", async () => {
    const log = runLog(t);
    const worker = log.worker();
    await worker.ready();
    const lost = (await enqueue(t.store, orphan.name, { note: "keep me" })).id;
    const after = (await enqueue(t.store, testRecord.name, { n: 1 })).id;

    // Both may be claimed in one batch and settled side by side: the next one's completion can
    // commit before the dead letter does.
    await eventually(async () => (await messageState(t.store, after)) === "gone", "the next message finished");
    await eventually(async () => (await messageRow(t.store, lost)).state !== "leased", "the orphan settled");
    expect(await messageRow(t.store, lost)).toMatchObject({ state: "dead", attempts: 1 });
    const [dead] = await listDead(t.store);
    expect(dead).toMatchObject({ id: lost, actor: "test_orphan", reason: "unknown_actor", payload: { note: "keep me" } });
    expect(dead?.lastError).toMatch(/No handler for actor "test_orphan" in worker .* \(it handles: .*noop.*test_record/);
    // The worker logs it after the dead letter commits; the pipe may deliver it a moment later.
    await worker.printed(/no handler for actor "test_orphan", dead-lettered/);

    // Still dead, claimed once, after the worker has gone on working.
    await enqueue(t.store, testRecord.name, { n: 2 });
    await eventually(() => log.runs().length === 2, "another message run");
    expect(await messageRow(t.store, lost)).toMatchObject({ state: "dead", attempts: 1 });
    expect(await worker.stop(), worker.output()).toBe(0);
  });

  it("cannot even be enqueued when the enqueuing process does not know the actor", async () => {
    await expect(enqueue(t.store, "test_never_declared", {})).rejects.toThrow(/Unknown actor "test_never_declared"/);
  });
});
