import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Request, Rule } from "@/lib/db/rows";
import type { Applied, ListQuery, Plan, Store } from "@/lib/db/store";
import { openPostgresStore } from "@/lib/db/postgres/store";
import { PRIORITIES, type RequestStatus } from "@/lib/requests/statuses";
import { dropPgDatabase, freshPgDatabase } from "../support/pg";
import { tempDb, type TempDb } from "../support/temp-db";
import { executionMessage, onPostgres, requestRow, submission } from "./pg-requests-fixture";

// The same random history of requests, transitions and rules written to a SQLite store and to a
// PostgreSQL one: every read of the request, rule and read stores must then answer alike.

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

/** The transitions of lib/requests, with the columns each sets at time `t`. */
const TRANSITIONS: { from: RequestStatus[]; to: RequestStatus; set: (t: number) => Plan["set"]; enqueue?: boolean; undiscarded?: boolean; countAttempt?: boolean }[] = [
  { from: ["pending"], to: "queued", set: (t) => ({ decidedBy: "alice", decidedAt: t, queuedAt: t }), enqueue: true },
  { from: ["pending"], to: "rejected", set: (t) => ({ decidedBy: "bob", decidedAt: t, decisionComment: "no", finishedAt: t }) },
  { from: ["pending"], to: "cancelled", set: (t) => ({ decidedBy: "agent:a", decidedAt: t, finishedAt: t }) },
  { from: ["pending"], to: "expired", set: (t) => ({ decidedBy: "system", decidedAt: t, finishedAt: t }) },
  { from: ["queued"], to: "running", set: (t) => ({ startedAt: t }), countAttempt: true },
  { from: ["running"], to: "queued", set: () => ({ lastError: "tmux down", startedAt: null }) },
  { from: ["running"], to: "succeeded", set: (t) => ({ exitCode: 0, output: "ok", finishedAt: t }) },
  { from: ["running"], to: "failed", set: (t) => ({ exitCode: 2, output: "bad", outputTruncated: true, finishedAt: t }) },
  { from: ["queued", "running"], to: "dead", set: (t) => ({ lastError: "interrupted", finishedAt: t }) },
  { from: ["dead", "failed"], to: "queued", set: (t) => ({ queuedAt: t, startedAt: null, finishedAt: null, exitCode: null, output: null, discardedAt: null }), enqueue: true },
  { from: ["dead"], to: "dead", set: (t) => ({ discardedAt: t }), undiscarded: true },
];

const AGENTS = ["a", "b", "c"];
const SESSIONS = ["s1", "s2"];
const COMMANDS = ["ls", "make test", "echo 50%_off", "rm -rf build", "Deploy"];

/** The history: requests inserted and transitions applied, each answer recorded. */
async function history(store: Store, seed: number): Promise<unknown[]> {
  const { next, pick } = random(seed);
  const answers: unknown[] = [];
  const ids: string[] = [];
  let t = 1_000_000;
  const defaults: Rule[] = ["z-rule", "a-rule", "A-rule"].map((id) => ({ id, kind: "deny", pattern: id, agentId: null, session: null, createdBy: "system", note: null, createdAt: 5 }));
  answers.push(await store.seedRules(defaults, "seeded", 5), await store.seedRules(defaults, "seeded", 6));
  for (let i = 0; i < 120; i++) {
    t += Math.floor(next() * 3);
    if (i < 50 || next() < 0.3) {
      const queued = next() < 0.3;
      const row = requestRow({
        // Both runs must make the same ids; these sort by creation as ULIDs do.
        id: `R${t}${String(i).padStart(4, "0")}`,
        createdAt: t,
        expiresAt: t + Math.floor(next() * 5000),
        agentId: pick(AGENTS),
        session: pick(SESSIONS),
        command: pick(COMMANDS),
        reason: next() < 0.3 ? "Because CI" : null,
        priority: pick(PRIORITIES),
        idempotencyKey: next() < 0.2 ? pick(["k1", "k2"]) : null,
        ...(queued && { status: "queued", decidedBy: "policy:allow", decidedAt: t, queuedAt: t }),
      });
      const write = submission(row, queued ? [executionMessage(row, t)] : []);
      if (queued) write.events.push({ requestId: row.id, at: t, actor: "policy:allow", fromStatus: "pending", toStatus: "queued", reason: "allowed" });
      const inserted = await store.insertRequest(write);
      answers.push(inserted);
      if (inserted.created) ids.push(row.id);
      continue;
    }
    const plans = Array.from({ length: next() < 0.2 ? 2 : 1 }, (): Plan => {
      const spec = pick(TRANSITIONS);
      const requestId = next() < 0.05 ? "missing" : pick(ids);
      return {
        requestId,
        from: spec.from,
        to: spec.to,
        set: spec.set(t),
        undiscarded: spec.undiscarded,
        countAttempt: spec.countAttempt,
        optional: next() < 0.3,
        event: { at: t, actor: "tester", reason: next() < 0.5 ? "why not" : null },
        then: (r) => ({
          ...(spec.enqueue && { enqueue: [executionMessage(r, t)] }),
          ...(spec.to === "queued" && next() < 0.3 && {
            remember: { id: `rule-${t}-${r.id}`, kind: "allow" as const, pattern: r.command, agentId: r.agentId, session: null, createdBy: "alice", note: null, createdAt: t },
          }),
        }),
      };
    });
    answers.push(comparable(await store.apply(plans)));
  }
  return answers;
}

/** Plans hold functions: compare a refusal by the request it names. */
const comparable = (a: Applied) => (a.ok ? a : { ok: false, requestId: a.plan.requestId, current: a.current });

/** Every read of the stores this suite covers, over what `history` wrote. */
async function reads(store: Store): Promise<Record<string, unknown>> {
  const all = await collect(store, {});
  const ids = all.map((r) => r.id);
  const queries: ListQuery[] = [
    { sort: "oldest", limit: 7 },
    { status: ["pending", "dead"], limit: 5 },
    { agent: "a", session: "s2", limit: 3 },
    { priority: ["HIGH", "LOW"], status: ["queued"] },
    { q: "50%", limit: 4 },
    { q: "deploy" },
    { q: "because ci", sort: "oldest" },
    { discarded: true },
    { discarded: false, status: ["dead"] },
  ];
  // Transitions out of queued and running count at the wall clock's minute (SQLite's triggers and
  // PostgreSQL's alike): the two runs agree on their sum, not on the minute.
  const recent = Math.floor(Date.now() / 60_000) - 10;
  const rollups = await store.minutes(0);
  const now = rollups.filter((m) => m.minute >= recent);
  const sumOfNow = Object.fromEntries(
    Object.keys(now[0] ?? {}).filter((k) => k !== "minute").map((k) => [k, now.reduce((n, m) => n + m[k as keyof typeof m], 0)]),
  );
  const minutes = [...rollups.filter((m) => m.minute < recent), sumOfNow];
  return {
    all,
    requests: await Promise.all(ids.map((id) => store.getRequest(id))),
    events: await Promise.all(ids.map(async (id) => (await store.listEvents(id)).map(({ id: _, ...e }) => e))),
    pages: await Promise.all(queries.map((q) => pages(store, q))),
    rows: await collect(store, { limit: 9 }, "rows"),
    statuses: await store.statuses([...ids.slice(0, 20), "missing"]),
    idsWithStatus: await store.idsWithStatus(ids, ["queued", "dead"]),
    duePending: await store.duePending(1_000_200, 500),
    rules: await store.listRules(),
    counts: (await store.statusCounts()).filter((c) => c.n !== 0).sort((a, b) => (a.key < b.key ? -1 : 1)),
    minutes,
    latency: await store.latency(0),
    oldestPendingAt: await store.oldestPendingAt(),
    recent: await store.recentCommands(25),
    queues: await store.queueCounts(),
    // Neither store promises an order here.
    readyActors: (await store.readyActors()).map((r) => `${r.queue} ${r.actor}`).sort(),
  };
}

/** Every page of a list, each as [its ids, its cursor]. */
async function pages(store: Store, query: ListQuery, kind: "requests" | "rows" = "requests"): Promise<[string[], string | null][]> {
  const out: [string[], string | null][] = [];
  let cursor: string | undefined;
  do {
    const page = await (kind === "rows" ? store.listRequestRows : store.listRequests)({ ...query, cursor });
    expect(page.partial).toBe(false);
    out.push([page.items.map((r) => r.id), page.nextCursor]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function collect(store: Store, query: ListQuery, kind: "requests" | "rows" = "requests"): Promise<Request[]> {
  const items: Request[] = [];
  let cursor: string | undefined;
  do {
    const page = await (kind === "rows" ? store.listRequestRows : store.listRequests)({ ...query, cursor });
    items.push(...(page.items as Request[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

describe.skipIf(!onPostgres)("the PostgreSQL request and read stores answer as the SQLite ones do", () => {
  let sqlite: TempDb;
  let postgres: Store;
  let url: string;

  beforeEach(async () => {
    sqlite = tempDb();
    url = await freshPgDatabase();
    postgres = await openPostgresStore(url, { poolSize: 4 });
  });
  afterEach(async () => {
    await postgres.close();
    await dropPgDatabase(url);
    await sqlite.cleanup();
  });

  for (const seed of [1, 2, 3]) {
    it(`after the same random history (seed ${seed})`, async () => {
      const written = await history(sqlite.store, seed);
      expect(await history(postgres, seed)).toEqual(written);
      const expected = await reads(sqlite.store);
      expect(await reads(postgres)).toEqual(expected);
    });
  }
});
