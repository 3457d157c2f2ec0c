// Several processes, several hosts: a web server killed with SIGKILL while agents submit to it,
// another web server on the same PostgreSQL database alive.
import { beforeAll, describe, expect, it } from "vitest";
import { messagesOf, sql } from "../api/sql";
import { eventually } from "../support/eventually";
import { agent, call, ensureBuild, startFleet, stopFleet, type Reply } from "../support/pg-fleet";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb({ prefix: "gatehouse-pg-multi-", teardown: stopFleet });

/** 201s to collect before the kill. */
const ANSWERED = 120;

describe.skipIf(TEST_STORE !== "postgres")("a web server killed while agents submit, one PostgreSQL database", () => {
  beforeAll(ensureBuild, 900_000);

  it("every request answered 201 is in the database, and none is half-written", async () => {
    const fleet = await startFleet(t, { apps: 2, workers: 0, env: { GATEHOUSE_AGENT_RATE_PER_MIN: "1000000" } });
    const [victim, survivor] = fleet.apps as [(typeof fleet.apps)[0], (typeof fleet.apps)[0]];
    const oncall = await agent(t.store, "oncall", ["s-oncall"], true);
    const backend = await agent(t.store, "backend", ["s-backend"]);
    // One agent loop each, submitting at once; what the policy makes of them: approved at once, left to a person, denied.
    const loops = [
      { token: oncall.token, body: (n: number) => ({ session: "s-oncall", command: `make deploy-${n}`, priority: "URGENT" }) },
      { token: oncall.token, body: (n: number) => ({ session: "s-oncall", command: `make check-${n}`, priority: "NORMAL" }) },
      { token: backend.token, body: (n: number) => ({ session: "s-backend", command: `npm run job-${n}` }) },
      { token: backend.token, body: (n: number) => ({ session: "s-backend", command: `sudo make ${n}` }) },
    ];

    const answered: { id: string; status: string; token: string }[] = [];
    const unexpected: Reply[] = [];
    let failures = 0;
    const submitting = loops.map(async ({ token, body }) => {
      for (let n = 0; ; n++) {
        let reply: Reply;
        try {
          reply = await call(victim, "POST", "/api/requests", { token, body: body(n) });
        } catch {
          failures++;
          return; // the server is gone
        }
        if (reply.status === 201) answered.push({ id: reply.body.id, status: reply.body.status, token });
        else unexpected.push(reply);
      }
    });
    await eventually(() => answered.length >= ANSWERED || unexpected.length > 0, `${ANSWERED} requests answered`, 120_000);
    victim.child.kill("SIGKILL");
    await Promise.all(submitting);
    expect(unexpected).toEqual([]);
    expect(failures).toBe(loops.length);
    expect(new Set(answered.map((a) => a.status))).toEqual(new Set(["queued", "pending", "rejected"]));

    // Every 201 is a row, in the status answered.
    const rows = new Map(
      (await sql<{ id: string; status: string }>(t.store, `SELECT id, status FROM requests`)).map((r) => [r.id, r.status]),
    );
    expect(answered.filter((a) => rows.get(a.id) !== a.status)).toEqual([]);
    // Besides those, at most the submissions in flight at the kill, one per loop.
    expect(rows.size - answered.length).toBeGreaterThanOrEqual(0);
    expect(rows.size - answered.length).toBeLessThanOrEqual(loops.length);

    // Each row, answered or not, whole: its audit trail and, once approved, its execution message.
    const events = await sql<{ requestId: string; step: string }>(
      t.store,
      `SELECT request_id AS "requestId", COALESCE(from_status, '') || '->' || to_status AS step FROM request_events ORDER BY id`,
    );
    const trails = new Map<string, string[]>();
    for (const e of events) trails.set(e.requestId, [...(trails.get(e.requestId) ?? []), e.step]);
    const executions = new Map<string, number>();
    for (const m of await messagesOf(t.store, "execute_approved_command")) {
      const { requestId } = JSON.parse(m.payload) as { requestId: string };
      executions.set(requestId, (executions.get(requestId) ?? 0) + 1);
    }
    const expected: Record<string, { trail: string[]; executions: number }> = {
      pending: { trail: ["->pending"], executions: 0 },
      queued: { trail: ["->pending", "pending->queued"], executions: 1 },
      rejected: { trail: ["->pending", "pending->rejected"], executions: 0 },
    };
    const whole = [...rows].map(([id, status]) => ({ id, status, trail: trails.get(id) ?? [], executions: executions.get(id) ?? 0 }));
    expect(whole.filter((r) => !(r.status in expected))).toEqual([]);
    for (const r of whole) expect(r, r.id).toEqual({ id: r.id, status: r.status, ...expected[r.status] });
    expect([...trails.keys()].filter((id) => !rows.has(id))).toEqual([]);
    expect([...executions.keys()].filter((id) => !rows.has(id))).toEqual([]);

    // The agents see every answered request through the other server, and it still takes new ones.
    for (const a of answered) {
      const seen = await call(survivor, "GET", `/api/requests/${a.id}`, { token: a.token });
      expect({ status: seen.status, request: seen.body.status }, a.id).toEqual({ status: 200, request: a.status });
    }
    const more = await call(survivor, "POST", "/api/requests", { token: oncall.token, body: loops[0]!.body(-1) });
    expect(more).toMatchObject({ status: 201, body: { status: "queued" } });
  }, 300_000);
});
