import { describe, expect, it } from "vitest";
import { requestStore } from "@/lib/db/postgres/request-store";
import { executionMessage, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

describe.skipIf(!onPostgres)("PostgreSQL requestStore.insertRequest", () => {
  const pg = usePg(12);

  it("writes the row, its events in order and its messages together", async () => {
    const store = requestStore(pg());
    const row = requestRow({ status: "queued", decidedBy: "policy:allow", decidedAt: 1, queuedAt: 1, createdAt: 1, autoApprove: true });
    const write = submission(row, [executionMessage(row, 1)]);
    write.events.push({ requestId: row.id, at: 1, actor: "policy:allow", fromStatus: "pending", toStatus: "queued", reason: "allowed" });

    expect(await store.insertRequest(write)).toEqual({ request: row, created: true });
    expect((await store.listEvents(row.id)).map((e) => e.toStatus)).toEqual(["pending", "queued"]);
    expect(await pg().query("SELECT actor FROM messages")).toEqual([{ actor: "execute_approved_command" }]);
  });

  it("returns the request an agent's idempotency key already made, writing nothing", async () => {
    const store = requestStore(pg());
    const first = requestRow({ idempotencyKey: "k1" });
    await store.insertRequest(submission(first));
    const second = requestRow({ idempotencyKey: "k1", command: "echo other" });

    expect(await store.insertRequest(submission(second, [executionMessage(second, 2)]))).toEqual({ request: first, created: false });
    expect(await store.getRequest(second.id)).toBeUndefined();
    expect(await pg().query("SELECT id FROM messages")).toEqual([]);
    // The key is the agent's own: another agent may use it.
    const elsewhere = requestRow({ idempotencyKey: "k1", agentId: "agent-2" });
    expect((await store.insertRequest(submission(elsewhere))).created).toBe(true);
  });

  it("makes one request of ten inserts racing with one key, and answers each with it", async () => {
    const store = requestStore(pg());
    const rows = Array.from({ length: 10 }, () => requestRow({ idempotencyKey: "race" }));

    const results = await Promise.all(rows.map((row) => store.insertRequest(submission(row, [executionMessage(row, 1)]))));

    const made = results.filter((r) => r.created);
    expect(made).toHaveLength(1);
    expect(new Set(results.map((r) => r.request.id))).toEqual(new Set([made[0]?.request.id]));
    expect(await pg().query("SELECT count(*) AS n FROM requests")).toEqual([{ n: 1 }]);
    expect(await pg().query("SELECT count(*) AS n FROM request_events")).toEqual([{ n: 1 }]);
    expect(await pg().query("SELECT count(*) AS n FROM messages")).toEqual([{ n: 1 }]);
  });

  it("writes nothing twice when the same request is sent again, as after a lost answer, and answers it as made", async () => {
    const store = requestStore(pg());
    const row = requestRow();
    const write = submission(row);
    write.events.push({ requestId: row.id, at: 2, actor: "alice", fromStatus: "pending", toStatus: "cancelled", reason: null });

    expect(await store.insertRequest(write)).toEqual({ request: row, created: true });
    expect(await store.insertRequest(write)).toEqual({ request: row, created: true });
    expect((await store.listEvents(row.id)).map((e) => e.toStatus)).toEqual(["pending", "cancelled"]);
  });

  it("makes one request of ten racing with one key when none enqueues anything (one statement each)", async () => {
    const store = requestStore(pg());
    const rows = Array.from({ length: 10 }, () => requestRow({ idempotencyKey: "race" }));

    const results = await Promise.all(rows.map((row) => store.insertRequest(submission(row))));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.request.id)).size).toBe(1);
    expect(await pg().query("SELECT count(*) AS n FROM requests")).toEqual([{ n: 1 }]);
    expect(await pg().query("SELECT count(*) AS n FROM request_events")).toEqual([{ n: 1 }]);
  });
});
