import { describe, expect, it } from "vitest";
import { newId } from "../../lib/ids";
import { listRequestRows, listRequests, SCAN_LIMIT, tabQuery, type ListParams, type ListQuery } from "../../lib/requests/list";
import { agent, requestIn, submit } from "./fixtures";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const STATUSES = ["pending", "queued", "succeeded", "failed", "dead"] as const;

/** `n` requests, oldest first, from 3 agents in 4 sessions; every 997th mentions "needle". */
function fill(n: number) {
  const insert = t.db.$client.prepare(
    `INSERT INTO requests (id, agent_id, session, command, priority, status, created_at, expires_at, discarded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  t.db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = 1_700_000_000_000 + i * 1000;
      const status = STATUSES[i % STATUSES.length]!;
      insert.run(newId(at), `agent-${i % 3}`, `s-${i % 4}`, i % 997 === 0 ? `grep needle ${i}` : `make ${i}`, i % 7 === 0 ? "URGENT" : "NORMAL", status, at, at + 1, status === "dead" && i % 2 ? at : null);
    }
  })();
}

/** Every page of a list, following nextCursor to the end. */
function all(query: Omit<ListQuery, "cursor">) {
  const ids: string[] = [];
  let pages = 0;
  let partial = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = listRequests(t.db, { ...query, cursor });
    ids.push(...page.items.map((r) => r.id));
    pages++;
    if (page.partial) partial++;
    if (!page.nextCursor) return { ids, pages, partial };
    if (pages > 10_000) throw new Error("pagination did not end");
    cursor = page.nextCursor;
  }
}

/** Every id of a dashboard tab, following nextCursor to the end. */
function tab(params: Partial<ListParams> & Pick<ListParams, "tab">): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = listRequestRows(t.db, tabQuery({ ...params, cursor }));
    ids.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

function expected(where: string, order: "DESC" | "ASC" = "DESC") {
  return t.db.$client.prepare(`SELECT id FROM requests WHERE ${where} ORDER BY id ${order}`).pluck().all() as string[];
}

describe("keyset pages", () => {
  it("page newest first with no gaps and no repeats, one status or several", () => {
    fill(2_000);
    expect(all({ limit: 37 }).ids).toEqual(expected("1"));
    expect(all({ limit: 50, status: ["queued", "failed", "dead"] }).ids).toEqual(expected("status IN ('queued', 'failed', 'dead')"));
    expect(all({ limit: 50, agent: "agent-1", status: ["pending"] }).ids).toEqual(expected("agent_id = 'agent-1' AND status = 'pending'"));
  });

  it("page oldest first just as well, the same requests in the opposite order", () => {
    fill(2_000);
    expect(all({ limit: 37, sort: "oldest" }).ids).toEqual(expected("1", "ASC"));
    expect(all({ limit: 50, sort: "oldest", status: ["queued", "failed", "dead"] }).ids).toEqual(expected("status IN ('queued', 'failed', 'dead')", "ASC"));
  });

  it("a rare text search over more rows than a page may scan still finds every match, page by page, both ways", () => {
    fill(SCAN_LIMIT * 2 + 5_000);
    const found = all({ q: "needle", limit: 100 });
    expect(found.ids).toEqual(expected("command LIKE '%needle%'"));
    expect(found.ids.length).toBeLessThan(100);
    expect(found.pages).toBe(3); // every page stopped at the scan limit until the last
    expect(found.partial).toBe(2);
    expect(all({ q: "needle", sort: "oldest" }).ids).toEqual(expected("command LIKE '%needle%'", "ASC"));
    const several = all({ q: "needle", status: ["pending", "failed"], limit: 5 });
    expect(several.ids).toEqual(expected("command LIKE '%needle%' AND status IN ('pending', 'failed')"));
    expect(several.pages).toBeGreaterThan(2); // the two statuses share one scan limit per page
  });

  it("an agent with more requests than a page may scan, over several large statuses, pages gaplessly both ways", () => {
    fill(SCAN_LIMIT * 3 + 5_000);
    const where = "agent_id = 'agent-1' AND status IN ('pending', 'queued', 'succeeded')";
    expect(all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], limit: 200 }).ids).toEqual(expected(where));
    const search = all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], q: "needle" });
    expect(search.ids).toEqual(expected(`${where} AND command LIKE '%needle%'`));
    expect(search.partial).toBeGreaterThan(0);
    expect(all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], limit: 200, sort: "oldest" }).ids).toEqual(expected(where, "ASC"));
    expect(all({ session: "s-3", status: ["dead"], discarded: false, limit: 200 }).ids).toEqual(expected("session = 's-3' AND status = 'dead' AND discarded_at IS NULL"));
  });

  it("a page of a filter no index serves stops at the scan limit, marked partial, and the cursor carries on", () => {
    const a = agent(t.db);
    const base = Date.now() - 10_000_000;
    const insert = t.db.$client.prepare(
      "INSERT INTO requests (id, agent_id, session, command, priority, status, created_at, expires_at) VALUES (?, ?, ?, ?, 'NORMAL', 'rejected', ?, ?)",
    );
    const total = SCAN_LIMIT * 2 + 10;
    const idAt = (i: number) => `01${String(i).padStart(24, "0")}`;
    t.db.$client.transaction(() => {
      for (let i = 0; i < total; i++) insert.run(idAt(i), a.id, a.sessions[0], i === 5 ? "needle here" : `hay ${i}`, base + i, base + i + 1);
    })();
    const first = listRequestRows(t.db, tabQuery({ tab: "rejected", q: "needle" }));
    expect(first.items).toEqual([]);
    expect(first.partial).toBe(true);
    expect(first.nextCursor).not.toBeNull();
    expect(tab({ tab: "rejected", q: "needle" })).toEqual([idAt(5)]);
    expect(tab({ tab: "rejected", q: "needle", sort: "oldest" })).toEqual([idAt(5)]);
  });
});

describe("filters", () => {
  it("dead-letter triage hides discarded requests; priority filters", () => {
    fill(3_000);
    expect(all({ status: ["dead"], discarded: false }).ids).toEqual(expected("status = 'dead' AND discarded_at IS NULL"));
    expect(all({ status: ["dead"], discarded: true }).ids).toEqual(expected("status = 'dead' AND discarded_at IS NOT NULL"));
    expect(all({ priority: ["URGENT"], session: "s-2" }).ids).toEqual(expected("priority = 'URGENT' AND session = 's-2'"));
  });

  it("by agent, session, priority and text in the command or the reason, case-insensitive", () => {
    const a = agent(t.db, "backend", { sessions: ["claude-backend", "claude-backend-2"] });
    const b = agent(t.db, "frontend", { sessions: ["claude-frontend"] });
    const x = submit(t.db, a, { command: "npm test", priority: "HIGH" });
    const y = submit(t.db, a, { command: "make lint", session: "claude-backend-2", reason: "before the 100% release" });
    const z = submit(t.db, b, { command: "npm test -- --watch=false" });
    const only = (q: Omit<ListParams, "tab">) => tab({ tab: "pending", ...q });
    expect(only({ agent: "backend" }).sort()).toEqual([x.id, y.id].sort());
    expect(only({ session: "claude-backend-2" })).toEqual([y.id]);
    expect(only({ priority: "HIGH" })).toEqual([x.id]);
    expect(only({ q: "NPM TEST" }).sort()).toEqual([x.id, z.id].sort());
    expect(only({ q: "100%" })).toEqual([y.id]);
  });

  it("treats search text as text: % and _ match themselves", () => {
    fill(100);
    expect(listRequests(t.db, { q: "%" }).items).toEqual([]);
    expect(listRequests(t.db, { q: "_" }).items).toEqual([]);
  });
});

describe("dashboard tabs", () => {
  it("page through a tab newest first and oldest first, each request exactly once", () => {
    const a = agent(t.db);
    const base = Date.now() - 100_000;
    for (let i = 0; i < 23; i++) submit(t.db, a, { command: `job ${i}` }, base + i);
    requestIn(t.db, a, "rejected");
    const newest = tab({ tab: "pending", limit: 5 });
    expect(newest).toHaveLength(23);
    expect(new Set(newest).size).toBe(23);
    expect([...newest].sort().reverse()).toEqual(newest);
    expect(tab({ tab: "pending", limit: 7, sort: "oldest" })).toEqual([...newest].reverse());
  });

  it("put each status under its tab, and keep discarded dead letters out of triage", () => {
    const a = agent(t.db);
    const made = Object.fromEntries(
      (["pending", "queued", "running", "succeeded", "failed", "rejected", "expired", "cancelled", "dead", "discarded"] as const).map((s) => [s, requestIn(t.db, a, s).id]),
    );
    const ids = (name: ListParams["tab"]) => new Set(tab({ tab: name }));
    expect(ids("pending")).toEqual(new Set([made.pending]));
    expect(ids("approved")).toEqual(new Set([made.queued, made.running, made.succeeded, made.failed]));
    expect(ids("rejected")).toEqual(new Set([made.rejected, made.expired, made.cancelled]));
    expect(ids("dead")).toEqual(new Set([made.dead]));
  });

  it("list rows without the output; the API's list has the whole request", () => {
    const a = agent(t.db);
    const done = requestIn(t.db, a, "succeeded");
    const [row] = listRequestRows(t.db, { status: ["succeeded"] }).items;
    expect(row).toMatchObject({ id: done.id, command: done.command, exitCode: 0 });
    expect(row).not.toHaveProperty("output");
    expect(listRequests(t.db, { status: ["succeeded"] }).items[0]?.output).toBe("ok\n");
  });
});
