import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineActor } from "../../lib/queue/actors";
import { claim } from "../../lib/queue/claim";
import { enqueue } from "../../lib/queue/enqueue";
import { fail, nextRunAt } from "../../lib/queue/fail";
import { onDeadLetter, onRetry } from "../../lib/queue/hooks";
import { listDead } from "../../lib/queue/dead";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";

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
  it("retries with backoff until the actor's retries are spent, then dead-letters with the last error", () => {
    const { id } = enqueue(t.db, flaky.name, { n: 1 }, { now: NOW });
    let now = NOW;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [m] = claim(t.db, { workerId: "w", limit: 1, now });
      expect(m?.attempts).toBe(attempt);
      const outcome = fail(t.db, m!, new Error(`boom ${attempt}`), { now, random: () => 0 });
      if (attempt <= 2) {
        const runAt = nextRunAt(attempt, flaky, () => 0, now);
        expect(outcome).toEqual({ state: "ready", runAt });
        expect(claim(t.db, { workerId: "w", limit: 1, now: runAt - 1 })).toEqual([]);
        now = runAt;
      } else {
        expect(outcome).toEqual({ state: "dead", reason: "retries_exhausted" });
      }
    }
    expect(messageRow(t.db, id)).toMatchObject({ state: "dead", attempts: 3, deadReason: "retries_exhausted" });
    expect(messageRow(t.db, id).lastError).toMatch(/^Error: boom 3/);
    expect(listDead(t.db).map((d) => [d.id, d.reason])).toEqual([[id, "retries_exhausted"]]);
  });

  it("records a time limit as the reason when it was the last straw", () => {
    const { id } = enqueue(t.db, "notify_session", { requestId: "r", session: "s", event: "finished" }, { now: NOW });
    t.db.$client.prepare("UPDATE messages SET max_retries = 0 WHERE id = ?").run(id);
    const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
    expect(fail(t.db, m!, new Error("too slow"), { now: NOW, reason: "time_limit" })).toEqual({
      state: "dead",
      reason: "time_limit",
    });
  });

  it("does nothing once the lease is no longer the claim's", () => {
    const { id } = enqueue(t.db, flaky.name, { n: 1 }, { now: NOW });
    const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
    expect(fail(t.db, { ...m!, leaseToken: "someone-else" }, "x", { now: NOW })).toBeNull();
    expect(messageRow(t.db, id).state).toBe("leased");
  });

  it("tells the onDeadLetter hook inside the dead-lettering transaction", () => {
    t.db.$client.exec("CREATE TABLE seen (message_id INTEGER, reason TEXT, payload TEXT)");
    const off = onDeadLetter(flaky.name, (db, message, reason) => {
      db.$client.prepare("INSERT INTO seen VALUES (?, ?, ?)").run(message.id, reason, JSON.stringify(message.payload));
    });
    const retried: number[] = [];
    const offRetry = onRetry(flaky.name, (_db, message) => retried.push(message.id));
    try {
      const { id } = enqueue(t.db, flaky.name, { n: 7 }, { now: NOW });
      t.db.$client.prepare("UPDATE messages SET max_retries = 1 WHERE id = ?").run(id);
      const first = claim(t.db, { workerId: "w", limit: 1, now: NOW })[0]!;
      fail(t.db, first, "once", { now: NOW, random: () => 0 });
      expect(retried).toEqual([id]);
      const second = claim(t.db, { workerId: "w", limit: 1, now: NOW + 60_000 })[0]!;
      fail(t.db, second, "twice", { now: NOW + 60_000 });
      expect(t.db.$client.prepare("SELECT * FROM seen").all()).toEqual([
        { message_id: id, reason: "retries_exhausted", payload: '{"n":7}' },
      ]);
    } finally {
      off();
      offRetry();
    }
  });

  it("rolls the dead-lettering back when the hook throws: the message is still held, not lost", () => {
    const off = onDeadLetter(flaky.name, () => {
      throw new Error("hook failed");
    });
    try {
      const { id } = enqueue(t.db, flaky.name, { n: 1 }, { now: NOW });
      t.db.$client.prepare("UPDATE messages SET max_retries = 0 WHERE id = ?").run(id);
      const [m] = claim(t.db, { workerId: "w", limit: 1, now: NOW });
      expect(() => fail(t.db, m!, "x", { now: NOW })).toThrow(/hook failed/);
      expect(messageRow(t.db, id).state).toBe("leased");
    } finally {
      off();
    }
  });
});
