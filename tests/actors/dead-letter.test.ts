import { expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { bind, DeadLetter } from "../../worker/handler";
import { WorkerLoop } from "../../worker/loop";
import { messageById } from "../api/sql";
import { eventually } from "../support/eventually";
import { useTempDb } from "../support/use-temp-db";

const once = defineActor({ name: "test_dead_letter_once", payload: z.null() });

let loop: WorkerLoop | undefined;
const t = useTempDb({ teardown: () => loop?.stop(0) });

it("a handler that throws DeadLetter dead-letters its message at once, retries left or not, and the hooks hear why", async () => {
  let runs = 0;
  const heard: string[] = [];
  const off = onDeadLetter(once.name, (m, reason) => {
    heard.push(`${reason}: ${m.lastError}`);
    return [];
  });
  loop = new WorkerLoop({
    store: t.store,
    workerId: "test",
    handlers: bind(once, async () => {
      runs++;
      throw new DeadLetter("interrupted", "the command may have started");
    }),
    concurrency: 1,
    groupLimit: 1,
    pollMs: 50,
  });
  loop.start();
  try {
    const { id } = await enqueue(t.store, once.name, null);
    await eventually(async () => (await messageById(t.store, id)).state === "dead", "the message to be dead");
    expect(await messageById(t.store, id)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted", maxRetries: 20 });
    expect(runs).toBe(1);
    expect(heard).toEqual(["interrupted: the command may have started"]);
  } finally {
    off();
  }
});
