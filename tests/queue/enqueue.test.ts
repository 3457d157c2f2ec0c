import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { claim } from "../../lib/queue/claim";
import { enqueue, enqueueMany } from "../../lib/queue/enqueue";
import { useTempDb } from "../support/use-temp-db";

const typed = defineActor({ name: "test_typed", payload: z.object({ n: z.number() }) });

const t = useTempDb();

const count = () => (t.db.$client.prepare("SELECT count(*) FROM messages").pluck().get() as number);

describe("enqueue", () => {
  it("returns the first message again for a repeated idempotency key", () => {
    const first = enqueue(t.db, "noop", 1, { idempotencyKey: "k" });
    const again = enqueue(t.db, "noop", 2, { idempotencyKey: "k" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(count()).toBe(1);
    expect(claim(t.db, { workerId: "w", limit: 10 }).map((m) => m.payload)).toEqual([1]);
  });

  it("throws at the caller for an actor nobody declared, naming the ones that exist", () => {
    expect(() => enqueue(t.db, "no_such_actor", {})).toThrow(/Unknown actor "no_such_actor".*noop/);
    expect(count()).toBe(0);
  });

  it("throws at the caller for a payload that fails the actor's schema", () => {
    expect(() => enqueue(t.db, typed.name, { n: "one" })).toThrow(/Payload for actor "test_typed" is invalid: n:/);
    expect(count()).toBe(0);
  });

  it("writes a bulk enqueue all or nothing", () => {
    expect(() =>
      enqueueMany(t.db, [
        { actor: "noop", payload: 1 },
        { actor: typed.name, payload: { n: "bad" } },
      ]),
    ).toThrow(/invalid/);
    expect(count()).toBe(0);
    expect(enqueueMany(t.db, [1, 2, 3].map((n) => ({ actor: typed.name, payload: { n } })))).toHaveLength(3);
    expect(count()).toBe(3);
  });

  it("records the actor's lease-lost policy with the message", () => {
    const { id } = enqueue(t.db, "execute_approved_command", { requestId: "r1" });
    const policy = t.db.$client.prepare("SELECT on_lease_lost FROM messages WHERE id = ?").pluck().get(id);
    expect(policy).toBe("dead");
  });
});
