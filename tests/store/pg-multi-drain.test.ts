// Several processes, several hosts: two worker daemons draining one PostgreSQL queue together.
import { setTimeout } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { enqueueMany } from "../../lib/queue/enqueue";
import { listWorkers } from "../../lib/queue/workers";
import { sql } from "../api/sql";
import { eventually } from "../support/eventually";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers, startWorker } from "../support/worker-process";

const t = useTempDb({ prefix: "gatehouse-pg-multi-", teardown: killWorkers });

const MESSAGES = 10_000;

/** How many noop messages stand in each (state, attempts). */
async function tally(): Promise<Record<string, number>> {
  const rows = await sql<{ state: string; attempts: number; n: number }>(
    t.store,
    `SELECT state, attempts, count(*) AS n FROM messages WHERE actor = 'noop' GROUP BY state, attempts`,
  );
  return Object.fromEntries(rows.map((r) => [`${r.state}/${r.attempts}`, Number(r.n)]));
}

describe.skipIf(TEST_STORE !== "postgres")("two worker daemons on one PostgreSQL queue", () => {
  it(`drain ${MESSAGES} messages between them, each done exactly once`, async () => {
    const workers = [startWorker({ db: t.env }), startWorker({ db: t.env })];
    await Promise.all(workers.map((w) => w.ready()));

    // Each with an idempotency key: a finished one then stays, as done with its attempts, to count.
    const items = Array.from({ length: MESSAGES }, (_, i) => ({ actor: "noop", payload: { i }, idempotencyKey: `m${i}` }));
    const ids = (await enqueueMany(t.store, items)).map((e) => e.id);
    expect(new Set(ids).size).toBe(MESSAGES);

    // Polled every half second (not hammering the database); given up after a minute without progress.
    let seen: Record<string, number> = {};
    let progressAt = Date.now();
    const drained = async () => {
      await setTimeout(500);
      const before = seen["done/1"];
      seen = await tally();
      if (seen["done/1"] !== before) progressAt = Date.now();
      else if (Date.now() - progressAt > 60_000) throw new Error("no message done for a minute");
      return seen["done/1"] === MESSAGES;
    };
    await eventually(drained, `all ${MESSAGES} messages done`, 300_000).catch(async (err: unknown) => {
      const leased = await sql(t.store, `SELECT id, worker_id AS "workerId", lease_token AS "leaseToken" FROM messages WHERE state = 'leased' ORDER BY id`);
      const status = JSON.stringify({ messages: seen, leased, workers: await listWorkers(t.store) }, null, 1);
      throw new Error(`${String(err)}\n${status}\n${workers.map((w) => w.output().slice(-3000)).join("\n---\n")}`);
    });
    // Claimed once each: a message leased twice would show 2 attempts (or stay leased).
    expect(await tally()).toEqual({ "done/1": MESSAGES });

    for (const w of workers) expect(await w.stop(), w.output()).toBe(0);
    const records = await listWorkers(t.store);
    expect(records.map((r) => r.state)).toEqual(["stopped", "stopped"]);
    const processed = records.map((r) => r.processed);
    expect(processed.every((n) => n > 0), `each worker processed some: ${processed.join(", ")}`).toBe(true);
    expect(processed.reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    expect(records.map((r) => r.failed)).toEqual([0, 0]);
  }, 420_000);
});
