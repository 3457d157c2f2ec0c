import { describe, expect, it } from "vitest";
import type { Request } from "../../lib/db/rows";
import { insertRequest as insertSqliteRequest } from "../../lib/db/sqlite/requests/insert";
import { SCAN_LIMIT } from "../../lib/db/store";
import { newId } from "../../lib/ids";
import { listRequests, tabQuery, type ListParams, type ListQuery } from "../../lib/requests/list";
import type { RequestStatus } from "../../lib/requests/statuses";
import { agent, requestIn, submit } from "./fixtures";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();

const STATUSES = ["pending", "queued", "succeeded", "failed", "dead"] as const;

/** A bare request row as a fixture writes it (no events, no messages). */
function row(r: Pick<Request, "id" | "agentId" | "session" | "command" | "priority" | "status" | "createdAt" | "expiresAt"> & Partial<Request>): Request {
  return {
    cwd: null, reason: null, timeoutSec: null, autoApprove: false, idempotencyKey: null, decidedBy: null, decidedAt: null,
    decisionComment: null, exitCode: null, output: null, outputTruncated: false, attempts: 0, lastError: null, queuedAt: null,
    startedAt: null, finishedAt: null, discardedAt: null, kind: "run", agentWaitedAt: null,
    ...r,
  };
}

/** The rows written so far, to know which ids a query must find (what a full scan of the table would say). */
let written: Request[] = [];

/** Writes rows as the store inserts requests: on SQLite in one transaction (tens of thousands of them), else a few at once. */
async function insert(rows: Request[]) {
  if (TEST_STORE === "sqlite") {
    const db = t.db;
    db.$client.transaction(() => {
      for (const r of rows) insertSqliteRequest(db, { row: r, events: [], enqueue: [] });
    })();
  } else {
    for (let i = 0; i < rows.length; i += 50) {
      await Promise.all(rows.slice(i, i + 50).map((r) => t.store.insertRequest({ row: r, events: [], enqueue: [] })));
    }
  }
  written.push(...rows);
}

/** `n` requests, oldest first, from 3 agents in 4 sessions; every 997th mentions "needle". */
async function fill(n: number) {
  written = [];
  const rows: Request[] = [];
  for (let i = 0; i < n; i++) {
    const at = 1_700_000_000_000 + i * 1000;
    const status: RequestStatus = STATUSES[i % STATUSES.length]!;
    rows.push(row({
      id: newId(at), agentId: `agent-${i % 3}`, session: `s-${i % 4}`, command: i % 997 === 0 ? `grep needle ${i}` : `make ${i}`,
      priority: i % 7 === 0 ? "URGENT" : "NORMAL", status, createdAt: at, expiresAt: at + 1, discardedAt: status === "dead" && i % 2 ? at : null,
    }));
  }
  await insert(rows);
}

/** Every page of a list, following nextCursor to the end. */
async function all(query: Omit<ListQuery, "cursor">) {
  const ids: string[] = [];
  let pages = 0;
  let partial = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await listRequests(t.store, { ...query, cursor });
    ids.push(...page.items.map((r) => r.id));
    pages++;
    if (page.partial) partial++;
    if (!page.nextCursor) return { ids, pages, partial };
    if (pages > 10_000) throw new Error("pagination did not end");
    cursor = page.nextCursor;
  }
}

/** Every id of a dashboard tab, following nextCursor to the end. */
async function tab(params: Partial<ListParams> & Pick<ListParams, "tab">): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await t.store.listRequestRows(tabQuery({ ...params, cursor }));
    ids.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** The ids of the rows written that match, by id (SQL's `WHERE … ORDER BY id`). */
function expected(where: (r: Request) => boolean, order: "DESC" | "ASC" = "DESC") {
  const ids = written.filter(where).map((r) => r.id).sort();
  return order === "DESC" ? ids.reverse() : ids;
}

const any = () => true;
const inStatus = (...statuses: RequestStatus[]) => (r: Request) => statuses.includes(r.status);
/** SQLite's LIKE '%text%': case-insensitive for ASCII. */
const mentions = (text: string) => (r: Request) => r.command.toLowerCase().includes(text.toLowerCase());
const both = (...conditions: ((r: Request) => boolean)[]) => (r: Request) => conditions.every((c) => c(r));

/**
 * SQLite's list bounds the rows a page may scan (SCAN_LIMIT) and marks such pages partial; the
 * tests of that bound run on SQLite only. PostgreSQL's list never bounds a scan, so its pages are
 * never partial (lib/db/postgres/requests/list.ts); its gapless paging is checked by the tests
 * around them and by tests/store/pg-requests-list.test.ts.
 */
const scanBounded = it.skipIf(TEST_STORE !== "sqlite");

describe("keyset pages", () => {
  it("page newest first with no gaps and no repeats, one status or several", async () => {
    await fill(2_000);
    expect((await all({ limit: 37 })).ids).toEqual(expected(any));
    expect((await all({ limit: 50, status: ["queued", "failed", "dead"] })).ids).toEqual(expected(inStatus("queued", "failed", "dead")));
    expect((await all({ limit: 50, agent: "agent-1", status: ["pending"] })).ids).toEqual(expected((r) => r.agentId === "agent-1" && r.status === "pending"));
  });

  it("page oldest first just as well, the same requests in the opposite order", async () => {
    await fill(2_000);
    expect((await all({ limit: 37, sort: "oldest" })).ids).toEqual(expected(any, "ASC"));
    expect((await all({ limit: 50, sort: "oldest", status: ["queued", "failed", "dead"] })).ids).toEqual(expected(inStatus("queued", "failed", "dead"), "ASC"));
  });

  scanBounded("a rare text search over more rows than a page may scan still finds every match, page by page, both ways", async () => {
    await fill(SCAN_LIMIT * 2 + 5_000);
    const found = await all({ q: "needle", limit: 100 });
    expect(found.ids).toEqual(expected(mentions("needle")));
    expect(found.ids.length).toBeLessThan(100);
    expect(found.pages).toBe(3); // every page stopped at the scan limit until the last
    expect(found.partial).toBe(2);
    expect((await all({ q: "needle", sort: "oldest" })).ids).toEqual(expected(mentions("needle"), "ASC"));
    const several = await all({ q: "needle", status: ["pending", "failed"], limit: 5 });
    expect(several.ids).toEqual(expected(both(mentions("needle"), inStatus("pending", "failed"))));
    expect(several.pages).toBeGreaterThan(2); // the two statuses share one scan limit per page
  });

  scanBounded("an agent with more requests than a page may scan, over several large statuses, pages gaplessly both ways", async () => {
    await fill(SCAN_LIMIT * 3 + 5_000);
    const where = both((r) => r.agentId === "agent-1", inStatus("pending", "queued", "succeeded"));
    expect((await all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], limit: 200 })).ids).toEqual(expected(where));
    const search = await all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], q: "needle" });
    expect(search.ids).toEqual(expected(both(where, mentions("needle"))));
    expect(search.partial).toBeGreaterThan(0);
    expect((await all({ agent: "agent-1", status: ["pending", "queued", "succeeded"], limit: 200, sort: "oldest" })).ids).toEqual(expected(where, "ASC"));
    expect((await all({ session: "s-3", status: ["dead"], discarded: false, limit: 200 })).ids).toEqual(
      expected((r) => r.session === "s-3" && r.status === "dead" && r.discardedAt === null),
    );
  });

  scanBounded("a page of a filter no index serves stops at the scan limit, marked partial, and the cursor carries on", async () => {
    const a = await agent(t.store);
    const base = Date.now() - 10_000_000;
    const total = SCAN_LIMIT * 2 + 10;
    const idAt = (i: number) => `01${String(i).padStart(24, "0")}`;
    const rows: Request[] = [];
    for (let i = 0; i < total; i++) {
      rows.push(row({ id: idAt(i), agentId: a.id, session: a.sessions[0]!, command: i === 5 ? "needle here" : `hay ${i}`, priority: "NORMAL", status: "rejected", createdAt: base + i, expiresAt: base + i + 1 }));
    }
    written = [];
    await insert(rows);
    const first = await t.store.listRequestRows(tabQuery({ tab: "rejected", q: "needle" }));
    expect(first.items).toEqual([]);
    expect(first.partial).toBe(true);
    expect(first.nextCursor).not.toBeNull();
    expect(await tab({ tab: "rejected", q: "needle" })).toEqual([idAt(5)]);
    expect(await tab({ tab: "rejected", q: "needle", sort: "oldest" })).toEqual([idAt(5)]);
  });
});

describe("filters", () => {
  it("dead-letter triage hides discarded requests; priority filters", async () => {
    await fill(3_000);
    expect((await all({ status: ["dead"], discarded: false })).ids).toEqual(expected((r) => r.status === "dead" && r.discardedAt === null));
    expect((await all({ status: ["dead"], discarded: true })).ids).toEqual(expected((r) => r.status === "dead" && r.discardedAt !== null));
    expect((await all({ priority: ["URGENT"], session: "s-2" })).ids).toEqual(expected((r) => r.priority === "URGENT" && r.session === "s-2"));
  });

  it("by agent, session, priority and text in the command or the reason, case-insensitive", async () => {
    const a = await agent(t.store, "backend", { sessions: ["claude-backend", "claude-backend-2"] });
    const b = await agent(t.store, "frontend", { sessions: ["claude-frontend"] });
    const x = await submit(t.store, a, { command: "npm test", priority: "HIGH" });
    const y = await submit(t.store, a, { command: "make lint", session: "claude-backend-2", reason: "before the 100% release" });
    const z = await submit(t.store, b, { command: "npm test -- --watch=false" });
    const only = (q: Omit<ListParams, "tab">) => tab({ tab: "pending", ...q });
    expect((await only({ agent: "backend" })).sort()).toEqual([x.id, y.id].sort());
    expect(await only({ session: "claude-backend-2" })).toEqual([y.id]);
    expect(await only({ priority: "HIGH" })).toEqual([x.id]);
    expect((await only({ q: "NPM TEST" })).sort()).toEqual([x.id, z.id].sort());
    expect(await only({ q: "100%" })).toEqual([y.id]);
  });

  it("treats search text as text: % and _ match themselves", async () => {
    await fill(100);
    expect((await listRequests(t.store, { q: "%" })).items).toEqual([]);
    expect((await listRequests(t.store, { q: "_" })).items).toEqual([]);
  });
});

describe("dashboard tabs", () => {
  it("page through a tab newest first and oldest first, each request exactly once", async () => {
    const a = await agent(t.store);
    const base = Date.now() - 100_000;
    for (let i = 0; i < 23; i++) await submit(t.store, a, { command: `job ${i}` }, base + i);
    await requestIn(t.store, a, "rejected");
    const newest = await tab({ tab: "pending", limit: 5 });
    expect(newest).toHaveLength(23);
    expect(new Set(newest).size).toBe(23);
    expect([...newest].sort().reverse()).toEqual(newest);
    expect(await tab({ tab: "pending", limit: 7, sort: "oldest" })).toEqual([...newest].reverse());
  });

  it("put each status under its tab, and keep discarded dead letters out of triage", async () => {
    const a = await agent(t.store);
    const made: Record<string, string> = {};
    for (const s of ["pending", "queued", "running", "succeeded", "failed", "rejected", "expired", "cancelled", "dead", "discarded"] as const) {
      made[s] = (await requestIn(t.store, a, s)).id;
    }
    const ids = async (name: ListParams["tab"]) => new Set(await tab({ tab: name }));
    expect(await ids("pending")).toEqual(new Set([made.pending]));
    expect(await ids("approved")).toEqual(new Set([made.queued, made.running, made.succeeded, made.failed]));
    expect(await ids("rejected")).toEqual(new Set([made.rejected, made.expired, made.cancelled]));
    expect(await ids("dead")).toEqual(new Set([made.dead]));
  });

  it("list rows without the output; the API's list has the whole request", async () => {
    const a = await agent(t.store);
    const done = await requestIn(t.store, a, "succeeded");
    const [listed] = (await t.store.listRequestRows({ status: ["succeeded"] })).items;
    expect(listed).toMatchObject({ id: done.id, command: done.command, exitCode: 0 });
    expect(listed).not.toHaveProperty("output");
    expect((await listRequests(t.store, { status: ["succeeded"] })).items[0]?.output).toBe("ok\n");
  });
});
