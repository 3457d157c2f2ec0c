import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { claim } from "../../lib/queue/claim";
import { enqueue, enqueueMany } from "../../lib/queue/enqueue";
import { countMessages, messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

const typed = defineActor({ name: "test_typed", payload: z.object({ n: z.number() }) });

const t = useTempDb();

const count = () => countMessages(t.store);

describe("enqueue", () => {
  it("returns the first message again for a repeated idempotency key", async () => {
    const first = await enqueue(t.store, "noop", 1, { idempotencyKey: "k" });
    const again = await enqueue(t.store, "noop", 2, { idempotencyKey: "k" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(await count()).toBe(1);
    expect((await claim(t.store, { workerId: "w", limit: 10 })).map((m) => m.payload)).toEqual([1]);
  });

  it("throws at the caller for an actor nobody declared, naming the ones that exist", async () => {
    await expect(enqueue(t.store, "no_such_actor", {})).rejects.toThrow(/Unknown actor "no_such_actor".*noop/);
    expect(await count()).toBe(0);
  });

  it("throws at the caller for a payload that fails the actor's schema", async () => {
    await expect(enqueue(t.store, typed.name, { n: "one" })).rejects.toThrow(/Payload for actor "test_typed" is invalid: n:/);
    expect(await count()).toBe(0);
  });

  it("writes a bulk enqueue all or nothing", async () => {
    await expect(
      enqueueMany(t.store, [
        { actor: "noop", payload: 1 },
        { actor: typed.name, payload: { n: "bad" } },
      ]),
    ).rejects.toThrow(/invalid/);
    expect(await count()).toBe(0);
    expect(await enqueueMany(t.store, [1, 2, 3].map((n) => ({ actor: typed.name, payload: { n } })))).toHaveLength(3);
    expect(await count()).toBe(3);
  });

  it("records the actor's lease-lost policy with the message", async () => {
    const { id } = await enqueue(t.store, "execute_approved_command", { requestId: "r1" });
    const policy = (await messageRow(t.store, id)).onLeaseLost;
    expect(policy).toBe("dead");
  });
});
