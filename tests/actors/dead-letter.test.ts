import { expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { bind, DeadLetter } from "../../worker/handler";
import { WorkerLoop } from "../../worker/loop";
import { eventually } from "../support/eventually";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

const once = defineActor({ name: "test_dead_letter_once", payload: z.null() });

let loop: WorkerLoop | undefined;
const t = useTempDb({ teardown: () => loop?.stop(0) });

it("a handler that throws DeadLetter dead-letters its message at once, retries left or not, and the hooks hear why", async () => {
  let runs = 0;
  const heard: string[] = [];
  const off = onDeadLetter(once.name, (_db, m, reason) => heard.push(`${reason}: ${m.lastError}`));
  loop = new WorkerLoop({
    db: t.db,
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
    const { id } = enqueue(t.db, once.name, null);
    await eventually(() => messageRow(t.db, id).state === "dead", "the message to be dead");
    expect(messageRow(t.db, id)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted", maxRetries: 20 });
    expect(runs).toBe(1);
    expect(heard).toEqual(["interrupted: the command may have started"]);
  } finally {
    off();
  }
});
