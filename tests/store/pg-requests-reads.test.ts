import { describe, expect, it } from "vitest";
import { insertMessages } from "@/lib/db/postgres/queue/enqueue";
import { authStore } from "@/lib/db/postgres/auth-store";
import { location, readStore } from "@/lib/db/postgres/read-store";
import { requestStore } from "@/lib/db/postgres/request-store";
import { approvePlan, executionMessage, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

describe.skipIf(!onPostgres)("PostgreSQL reads", () => {
  const pg = usePg();

  it("finds due pending requests by expiry, and statuses of given ids", async () => {
    const store = requestStore(pg());
    const late = requestRow({ expiresAt: 50, createdAt: 1 });
    const early = requestRow({ expiresAt: 10, createdAt: 2 });
    const later = requestRow({ expiresAt: 500, createdAt: 3 });
    const decided = requestRow({ expiresAt: 5, createdAt: 4, status: "rejected" });
    for (const r of [late, early, later, decided]) await store.insertRequest(submission(r));

    expect(await store.duePending(100, 10)).toEqual([early.id, late.id]);
    expect(await store.duePending(100, 1)).toEqual([early.id]);
    expect(await store.statuses([late.id, decided.id, "missing"])).toEqual([
      { id: late.id, status: "pending" },
      { id: decided.id, status: "rejected" },
    ]);
    expect(await store.statuses([])).toEqual([]);
    expect(await store.idsWithStatus([late.id, decided.id, later.id], ["rejected", "expired"])).toEqual([decided.id]);
  });

  it("answers a key with a NUL in it (which PostgreSQL text cannot hold) as SQLite does: no such row", async () => {
    const store = requestStore(pg());
    const row = requestRow();
    await store.insertRequest(submission(row));
    const nul = `${row.id}\0`;

    expect(await store.getRequest(nul)).toBeUndefined();
    expect(await store.listEvents(nul)).toEqual([]);
    expect(await store.statuses([nul, row.id])).toEqual([{ id: row.id, status: "pending" }]);
    expect(await store.idsWithStatus([nul], ["pending"])).toEqual([]);
    expect(await store.deleteRule("r\0")).toBeUndefined();
    expect(await authStore(pg()).userByName("admin\0")).toBeUndefined();
    const plan = approvePlan(nul, 1);
    expect(await store.apply([plan])).toEqual({ ok: false, plan, current: undefined });
    expect((await store.listRequests({ q: "echo\0" })).items).toEqual([]);
    expect((await store.listRequests({ agent: "agent-1\0" })).items).toEqual([]);
    // As bytes, "ID" < "ID\0x" and nothing lies between: newest first the page starts at ID itself.
    expect((await store.listRequests({ cursor: `${row.id}\0x` })).items.map((r) => r.id)).toEqual([row.id]);
    expect((await store.listRequests({ cursor: `${row.id}\0x`, sort: "oldest" })).items).toEqual([]);
  });

  it("reads the oldest pending request's time and the recent commands, counted", async () => {
    const store = requestStore(pg());
    const reads = readStore(pg());
    expect(await reads.oldestPendingAt()).toBeNull();
    const rows = [
      requestRow({ createdAt: 10, status: "queued", command: "make" }),
      requestRow({ createdAt: 11, command: "ls" }),
      requestRow({ createdAt: 12, command: "ls" }),
      requestRow({ createdAt: 13, command: "ls", session: "s2" }),
    ];
    for (const r of rows) await store.insertRequest(submission(r));

    expect(await reads.oldestPendingAt()).toBe(11);
    expect(await reads.recentCommands(3)).toEqual([
      { command: "ls", agentId: "agent-1", session: "s1", n: 2 },
      { command: "ls", agentId: "agent-1", session: "s2", n: 1 },
    ]);
  });

  it("counts messages per queue and names the actors of ready ones", async () => {
    const row = requestRow();
    const message = executionMessage(row, 5);
    await pg().tx((c) => insertMessages(c, [message, { ...message, queue: "a-notices", actor: "notify_session", createdAt: 3 }]));
    await pg().query("UPDATE messages SET state = 'dead', dead_reason = 'retries_exhausted', finished_at = 9 WHERE queue = 'a-notices'");

    const reads = readStore(pg());
    expect(await reads.queueCounts()).toEqual([
      { queue: "a-notices", ready: 0, leased: 0, dead: 1, oldestReadyAt: null },
      { queue: "commands", ready: 1, leased: 0, dead: 0, oldestReadyAt: 5 },
    ]);
    expect(await reads.readyActors()).toEqual([{ queue: "commands", actor: "execute_approved_command" }]);
  });

  it("sums the latency histogram per metric and bucket from an hour on", async () => {
    await pg().query("INSERT INTO request_latency (metric, hour, bucket, n) VALUES ('run', 1, 4, 2), ('run', 2, 4, 3), ('decision', 2, 9, 1), ('wait', 0, 1, 7)");
    expect(await readStore(pg()).latency(1)).toEqual([
      { metric: "decision", bucket: 9, n: 1 },
      { metric: "run", bucket: 4, n: 5 },
    ]);
  });

  it("describes the database without its password", async () => {
    const info = await readStore(pg()).databaseInfo(0);
    expect(info).toMatchObject({ kind: "postgres", pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0 } });
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect(info.location).toBe(location(pg().url));
    expect(location("postgres://gh:s3cret@db.example:6543/gatehouse?sslmode=require")).toBe("db.example:6543/gatehouse");
    expect(location("postgresql://gh@/gatehouse?host=/run/postgresql")).toBe("/run/postgresql:5432/gatehouse");
  });
});
