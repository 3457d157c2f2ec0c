import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { claim } from "../../lib/queue/claim";
import { enqueue } from "../../lib/queue/enqueue";
import { fail, nextRunAt } from "../../lib/queue/fail";
import { onDeadLetter, onRetry } from "../../lib/queue/hooks";
import { listDead } from "../../lib/queue/dead";
import { plan } from "../../lib/requests/lifecycle";
import { messageRow, updateMessage } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { requestIn } from "./request-row";

const flaky = defineActor({
  name: "test_flaky",
  maxRetries: 2,
  minBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  payload: z.object({ n: z.number() }),
});

const t = useTempDb();

const NOW = 1_700_000_000_000;

describe("nextRunAt", () => {
  const spec = { minBackoffMs: 15_000, maxBackoffMs: 7 * 86_400_000 };

  it("doubles the backoff with each retry, with jitter of up to the same again", () => {
    expect(nextRunAt(1, spec, () => 0, 0)).toBe(15_000);
    expect(nextRunAt(1, spec, () => 0.999999, 0)).toBeCloseTo(30_000, -1);
    expect(nextRunAt(2, spec, () => 0, 0)).toBe(30_000);
    expect(nextRunAt(5, spec, () => 0.5, 1_000)).toBe(1_000 + 15_000 * 16 * 1.5);
  });

  it("never waits less than the minimum nor more than the maximum", () => {
    expect(nextRunAt(0, spec, () => 0, 0)).toBe(15_000);
    expect(nextRunAt(20, spec, () => 0.5, 0)).toBe(7 * 86_400_000);
    expect(nextRunAt(10_000, spec, () => 1, 0)).toBe(7 * 86_400_000);
  });
});

describe("fail", () => {
  it("retries with backoff until the actor's retries are spent, then dead-letters with the last error", async () => {
    const { id } = await enqueue(t.store, flaky.name, { n: 1 }, { now: NOW });
    let now = NOW;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [m] = await claim(t.store, { workerId: "w", limit: 1, now });
      expect(m?.attempts).toBe(attempt);
      const outcome = await fail(t.store, m!, new Error(`boom ${attempt}`), { now, random: () => 0 });
      if (attempt <= 2) {
        const runAt = nextRunAt(attempt, flaky, () => 0, now);
        expect(outcome).toEqual({ state: "ready", runAt });
        expect(await claim(t.store, { workerId: "w", limit: 1, now: runAt - 1 })).toEqual([]);
        now = runAt;
      } else {
        expect(outcome).toEqual({ state: "dead", reason: "retries_exhausted" });
      }
    }
    expect(await messageRow(t.store, id)).toMatchObject({ state: "dead", attempts: 3, deadReason: "retries_exhausted" });
    expect((await messageRow(t.store, id)).lastError).toMatch(/^Error: boom 3/);
    expect((await listDead(t.store)).map((d) => [d.id, d.reason])).toEqual([[id, "retries_exhausted"]]);
  });

  it("records a time limit as the reason when it was the last straw", async () => {
    const { id } = await enqueue(t.store, "notify_session", { requestId: "r", session: "s", event: "finished" }, { now: NOW });
    await updateMessage(t.store, id, { maxRetries: 0 });
    const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    expect(await fail(t.store, m!, new Error("too slow"), { now: NOW, reason: "time_limit" })).toEqual({
      state: "dead",
      reason: "time_limit",
    });
  });

  it("does nothing once the lease is no longer the claim's", async () => {
    const { id } = await enqueue(t.store, flaky.name, { n: 1 }, { now: NOW });
    const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
    expect(await fail(t.store, { ...m!, leaseToken: "someone-else" }, "x", { now: NOW })).toBeNull();
    expect((await messageRow(t.store, id)).state).toBe("leased");
  });

  it("tells the onDeadLetter hook inside the dead-lettering transaction", async () => {
    // The hook's plan records what it was told on a request of its own, in the same transaction.
    const seen = (await requestIn(t.store, "running")).id;
    const off = onDeadLetter(flaky.name, (message, reason) => [
      plan(seen, "die", { actor: "worker", reason: `${message.id} ${reason} ${JSON.stringify(message.payload)}`, now: NOW }),
    ]);
    const retried: number[] = [];
    const offRetry = onRetry(flaky.name, (message) => {
      retried.push(message.id);
      return [];
    });
    try {
      const { id } = await enqueue(t.store, flaky.name, { n: 7 }, { now: NOW });
      await updateMessage(t.store, id, { maxRetries: 1 });
      const first = (await claim(t.store, { workerId: "w", limit: 1, now: NOW }))[0]!;
      await fail(t.store, first, "once", { now: NOW, random: () => 0 });
      expect(retried).toEqual([id]);
      const second = (await claim(t.store, { workerId: "w", limit: 1, now: NOW + 60_000 }))[0]!;
      await fail(t.store, second, "twice", { now: NOW + 60_000 });
      expect((await t.store.listEvents(seen)).map((e) => [e.toStatus, e.reason])).toEqual([
        ["dead", `${id} retries_exhausted {"n":7}`],
      ]);
    } finally {
      off();
      offRetry();
    }
  });

  it("rolls the dead-lettering back when the hook throws: the message is still held, not lost", async () => {
    const off = onDeadLetter(flaky.name, () => {
      throw new Error("hook failed");
    });
    try {
      const { id } = await enqueue(t.store, flaky.name, { n: 1 }, { now: NOW });
      await updateMessage(t.store, id, { maxRetries: 0 });
      const [m] = await claim(t.store, { workerId: "w", limit: 1, now: NOW });
      await expect(fail(t.store, m!, "x", { now: NOW })).rejects.toThrow(/hook failed/);
      expect((await messageRow(t.store, id)).state).toBe("leased");
    } finally {
      off();
    }
  });
});
