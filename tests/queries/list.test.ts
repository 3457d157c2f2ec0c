import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db/client";
import { SCAN_LIMIT, listRequests, type ListQuery } from "../../lib/db/queries/request-list";
import { agent, requestIn, submit } from "../requests/fixtures";
import { tempDb } from "../support/temp-db";

let t: ReturnType<typeof tempDb>;
let db: Db;
beforeEach(() => {
  t = tempDb();
  db = t.db;
});
afterEach(() => t.cleanup());

/** Every id a list shows, following nextCursor to the end. */
function walk(query: Omit<ListQuery, "cursor">): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = listRequests(db, { ...query, cursor });
    ids.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("request lists", () => {
  it("page through a tab newest first and oldest first, each request exactly once", () => {
    const a = agent(db);
    const base = Date.now() - 100_000;
    for (let i = 0; i < 23; i++) submit(db, a, { command: `job ${i}` }, base + i);
    requestIn(db, a, "rejected");
    const newest = walk({ tab: "pending", limit: 5 });
    expect(newest).toHaveLength(23);
    expect(new Set(newest).size).toBe(23);
    expect([...newest].sort().reverse()).toEqual(newest);
    expect(walk({ tab: "pending", limit: 7, sort: "oldest" })).toEqual([...newest].reverse());
  });

  it("puts each status under its tab, and keeps discarded dead letters out of triage", () => {
    const a = agent(db);
    const made = Object.fromEntries(
      (["pending", "queued", "running", "succeeded", "failed", "rejected", "expired", "cancelled", "dead", "discarded"] as const).map((s) => [s, requestIn(db, a, s).id]),
    );
    const ids = (tab: ListQuery["tab"]) => new Set(walk({ tab }));
    expect(ids("approved")).toEqual(new Set([made.queued, made.running, made.succeeded, made.failed]));
    expect(ids("rejected")).toEqual(new Set([made.rejected, made.expired, made.cancelled]));
    expect(ids("dead")).toEqual(new Set([made.dead]));
  });

  it("filters by agent, session, priority and text in the command or reason", () => {
    const a = agent(db, "backend", { sessions: ["claude-backend", "claude-backend-2"] });
    const b = agent(db, "frontend", { sessions: ["claude-frontend"] });
    const x = submit(db, a, { command: "npm test", priority: "HIGH" });
    const y = submit(db, a, { command: "make lint", session: "claude-backend-2", reason: "before the 100% release" });
    const z = submit(db, b, { command: "npm test -- --watch=false" });
    const only = (q: Omit<ListQuery, "tab">) => walk({ tab: "pending", ...q });
    expect(only({ agent: "backend" }).sort()).toEqual([x.id, y.id].sort());
    expect(only({ session: "claude-backend-2" })).toEqual([y.id]);
    expect(only({ priority: "HIGH" })).toEqual([x.id]);
    expect(only({ q: "NPM TEST" }).sort()).toEqual([x.id, z.id].sort());
    expect(only({ q: "100%" })).toEqual([y.id]); // % is literal, not a wildcard
    expect(only({ q: "_" })).toEqual([]);
  });

  it("looks at a bounded number of rows per page, and the cursor carries a search on to the end", () => {
    const a = agent(db);
    const base = Date.now() - 10_000_000;
    const insert = db.$client.prepare(
      "INSERT INTO requests (id, agent_id, session, command, priority, status, created_at, expires_at) VALUES (?, ?, ?, ?, 'NORMAL', 'rejected', ?, ?)",
    );
    const total = SCAN_LIMIT * 2 + 10;
    db.$client.transaction(() => {
      for (let i = 0; i < total; i++) {
        const id = `01${String(i).padStart(24, "0")}`;
        insert.run(id, a.id, a.sessions[0], i === 5 ? "needle here" : `hay ${i}`, base + i, base + i + 1);
      }
    })();
    const first = listRequests(db, { tab: "rejected", q: "needle" });
    expect(first.items).toEqual([]);
    expect(first.partial).toBe(true);
    expect(walk({ tab: "rejected", q: "needle" })).toEqual([`01${String(5).padStart(24, "0")}`]);
  });
});
