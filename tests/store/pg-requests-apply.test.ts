import { describe, expect, it } from "vitest";
import { requestStore } from "@/lib/db/postgres/request-store";
import { approvePlan, movePlan, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

const messagesOf = async (pg: ReturnType<ReturnType<typeof usePg>>, id: string) =>
  pg.query<{ actor: string; state: string }>("SELECT actor, state FROM messages WHERE payload::jsonb ->> 'requestId' = $1", [id]);

describe.skipIf(!onPostgres)("PostgreSQL requestStore.apply", () => {
  const pg = usePg(24);

  it("applies a plan with its audit event and its enqueued message, in one transaction", async () => {
    const store = requestStore(pg());
    const row = requestRow();
    await store.insertRequest(submission(row));
    const now = row.createdAt + 1000;

    const applied = await store.apply([approvePlan(row.id, now)]);

    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    expect(applied.rows).toEqual([expect.objectContaining({ id: row.id, status: "queued", decidedBy: "alice", decidedAt: now, queuedAt: now })]);
    expect(await store.getRequest(row.id)).toEqual(applied.rows[0]);
    const events = await store.listEvents(row.id);
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.actor, e.at])).toEqual([
      [null, "pending", "agent:agent-1", row.createdAt],
      ["pending", "queued", "alice", now],
    ]);
    expect(await messagesOf(pg(), row.id)).toEqual([{ actor: "execute_approved_command", state: "ready" }]);
  });

  it("refuses a required plan whose request is elsewhere, writes nothing of the whole apply and returns the request as it is", async () => {
    const store = requestStore(pg());
    const other = requestRow();
    const row = requestRow({ status: "rejected", decidedBy: "bob", decidedAt: 5, finishedAt: 5 });
    await store.insertRequest(submission(other));
    await store.insertRequest(submission(row));

    const plan = approvePlan(row.id, 10);
    const applied = await store.apply([approvePlan(other.id, 10), plan]);

    expect(applied).toEqual({ ok: false, plan, current: row });
    // The first plan applied before the refusal and was rolled back with it.
    expect((await store.getRequest(other.id))?.status).toBe("pending");
    expect(await store.listEvents(other.id)).toHaveLength(1);
    expect(await messagesOf(pg(), other.id)).toEqual([]);
    expect(await store.getRequest(row.id)).toEqual(row);
  });

  it("returns no current row when a required plan names a missing request", async () => {
    const plan = approvePlan("no-such-request", 10);
    expect(await requestStore(pg()).apply([plan])).toEqual({ ok: false, plan, current: undefined });
  });

  it("skips an optional plan that cannot apply and applies the rest", async () => {
    const store = requestStore(pg());
    const a = requestRow({ status: "queued" });
    const b = requestRow();
    await store.insertRequest(submission(a));
    await store.insertRequest(submission(b));

    const applied = await store.apply([{ ...approvePlan(a.id, 10), optional: true }, approvePlan(b.id, 10)]);

    expect(applied.ok && applied.rows.map((r) => r.id)).toEqual([b.id]);
    expect(await store.listEvents(a.id)).toHaveLength(1);
  });

  it("writes only the columns the plan sets, counts an attempt and honours `undiscarded`", async () => {
    const store = requestStore(pg());
    const row = requestRow({ status: "queued", queuedAt: 7, reason: "keep me" });
    await store.insertRequest(submission(row));

    const started = await store.apply([{ ...movePlan(row.id, ["queued"], "running", 20, { startedAt: 20 }), countAttempt: true }]);
    expect(started.ok && started.rows[0]).toEqual({ ...row, status: "running", startedAt: 20, attempts: 1 });

    await store.apply([movePlan(row.id, ["running"], "dead", 30, { finishedAt: 30, lastError: "interrupted" })]);
    const discard = { ...movePlan(row.id, ["dead"], "dead", 40, { discardedAt: 40 }), undiscarded: true };
    expect((await store.apply([discard])).ok).toBe(true);
    const again = await store.apply([discard]);
    expect(again.ok === false && again.current?.discardedAt).toBe(40);
  });

  it("refuses a patch that names no column a transition may set", async () => {
    const store = requestStore(pg());
    const row = requestRow();
    await store.insertRequest(submission(row));
    const bad = movePlan(row.id, ["pending"], "queued", 1, { ["status; DROP TABLE requests; --" as "reason"]: "x" });
    await expect(store.apply([bad])).rejects.toThrow(/cannot set/);
    expect((await store.getRequest(row.id))?.status).toBe("pending");
  });

  it("remembers an allow rule once per kind, pattern and agent", async () => {
    const store = requestStore(pg());
    const rule = (id: string) => ({ id, kind: "allow" as const, pattern: "npm test", agentId: "agent-1", session: null, createdBy: "alice", note: null, createdAt: 1 });
    const rows = [requestRow(), requestRow()];
    for (const r of rows) await store.insertRequest(submission(r));

    for (const [i, r] of rows.entries()) {
      const applied = await store.apply([{ ...approvePlan(r.id, 10), then: () => ({ remember: rule(`rule-${i}`) }) }]);
      expect(applied.ok).toBe(true);
    }

    expect((await store.listRules()).map((r) => r.id)).toEqual(["rule-0"]);
  });

  it("lets exactly one of 20 concurrent approvals of one request through, on separate connections", async () => {
    const store = requestStore(pg());
    const row = requestRow();
    await store.insertRequest(submission(row));
    // The pool holds 24 connections, so each apply runs on its own and they really race.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.apply([approvePlan(row.id, 100 + i)])));

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const lost of results.filter((r) => !r.ok)) expect(lost.ok === false && lost.current?.status).toBe("queued");
    expect((await store.listEvents(row.id)).filter((e) => e.toStatus === "queued")).toHaveLength(1);
    expect(await messagesOf(pg(), row.id)).toHaveLength(1);
  });
});
