/**
 * The api group of `npm run bench`: the real web server (`next start`) on a temp database.
 *
 * - api_post_per_s / api_post_p50_ms / api_post_p99_ms: POST /api/requests by 8 agents, 16 requests
 *   in flight over keep-alive connections for 10 s, with the worker daemon running on the same file.
 *   The commands match no rule, so each is policy-checked, stored, audited and left pending.
 * - api_bare_per_s / api_bare_p99_ms: the same client load, in the same run against the same
 *   server, on a route that does no authentication and no database work and answers a small JSON
 *   body (POST /api/auth/logout without a session cookie: `{"ok":true}`): the web framework's own
 *   cost per request, which api_post_per_s is read against.
 * - api_list_p95_ms: GET /api/requests with 1,000,000 requests in the database, one call at a
 *   time, across the lists people use: newest, one status, the "approved" tab's four statuses, one
 *   agent, one session, and the next page 20 pages deep.
 * - api_stats_p95_ms: GET /api/stats on the same database (the dashboard's endpoint).
 * - api_seed_rows_per_s: how fast the 1,000,000 rows went in (raw prepared inserts, one transaction).
 * - api_waiters_cpu_pct: CPU of the web server (% of one core, over 5 s) while 1,000 agents hold
 *   `GET /api/requests/:id?wait=60` on pending requests and the worker runs beside it.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { createAgent } from "../lib/auth/agents";
import { createUser, issueUserToken } from "../lib/auth/users";
import { newId } from "../lib/ids";
import type { Store } from "../lib/db/store";
import { PRIORITIES, type RequestStatus } from "../lib/requests/statuses";
import { ensureBuild, startApp, type RunningApp } from "../tests/support/next-server";
import { sqliteScratch, type MakeScratch, type Scratch } from "./support/scratch";
import { startWorker } from "../tests/support/worker-process";
import { percentile, round, type BenchGroup, type Emit } from "./support/figures";

/** No authentication, no database, a small JSON answer: the framework's own cost (api_bare_per_s). */
const BARE = "/api/auth/logout";
const AGENTS = 8;
const IN_FLIGHT = 16;
const POST_MS = 10_000;
const ROWS = 1_000_000;

// node:http with keep-alive rather than fetch: the client shares the machine's two cores with the
// server and the worker, and fetch costs several times more CPU per call.
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function call(url: string, token: string, body?: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
          else resolve(performance.now() - start);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** POSTs a request's body to `path` from 16 lanes for 10 s; each lane's agent submits to its own session. */
async function postThroughput(app: RunningApp, tokens: string[], path = "/api/requests") {
  const latencies: number[] = [];
  const deadline = performance.now() + POST_MS;
  const start = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      const token = tokens[lane % tokens.length]!;
      const session = `bench-${lane % tokens.length}`;
      while (performance.now() < deadline) {
        const body = JSON.stringify({ session, command: `npm run job-${n++}`, priority: "NORMAL", reason: "bench" });
        latencies.push(await call(app.url + path, token, body));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: latencies.length / seconds, sorted: latencies.sort((a, b) => a - b) };
}

const STATUS_MIX: [RequestStatus, number][] = [
  ["succeeded", 0.8],
  ["failed", 0.08],
  ["rejected", 0.04],
  ["expired", 0.02],
  ["cancelled", 0.01],
  ["dead", 0.01],
  ["queued", 0.02],
  ["running", 0.005],
  ["pending", 0.015],
];

function statusAt(x: number): RequestStatus {
  for (const [status, share] of STATUS_MIX) if ((x -= share) < 0) return status;
  return "succeeded";
}

const SEED_COLUMNS = [
  "id", "agent_id", "session", "command", "cwd", "reason", "priority", "status", "created_at", "expires_at",
  "decided_by", "decided_at", "queued_at", "started_at", "finished_at", "exit_code", "attempts",
] as const;

/** Row `i` of `rows` in a week of history ending at `end`. */
function seedRow(i: number, rows: number, end: number): unknown[] {
  const from = end - 7 * 86_400_000;
  const created = from + Math.floor(((end - from) * i) / rows);
  const status = statusAt((i * 7919) % 10_000 / 10_000);
  const decided = status === "pending" ? null : created + 2_000;
  const queued = ["queued", "running", "succeeded", "failed", "dead"].includes(status) ? decided : null;
  const started = ["running", "succeeded", "failed", "dead"].includes(status) ? created + 2_050 : null;
  const finished = ["succeeded", "failed", "dead", "rejected", "expired", "cancelled"].includes(status) ? created + 5_000 : null;
  return [
    newId(created), `agent-${i % 20}`, `session-${i % 40}`, `npm run task-${i % 1000}`, "/repo", "seeded", PRIORITIES[i % 5], status,
    created, created + 86_400_000, decided === null ? null : status === "expired" ? "system" : "alice", decided, queued, started,
    finished, status === "succeeded" ? 0 : status === "failed" ? 1 : null, started === null ? 0 : 1,
  ];
}

/** A week of history: `rows` requests from 20 agents in 40 sessions, oldest first; rows per second. */
export async function seed(t: Scratch, rows: number): Promise<number> {
  const start = performance.now();
  const end = Date.now() - 60_000;
  await t.insertRows("requests", SEED_COLUMNS, function* () {
    for (let i = 0; i < rows; i++) yield seedRow(i, rows, end);
  });
  return rows / ((performance.now() - start) / 1000);
}

async function p95(app: RunningApp, token: string, paths: string[], rounds: number): Promise<number> {
  const samples: number[] = [];
  for (const path of paths) await call(app.url + path, token); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) samples.push(await call(app.url + path, token));
  }
  return percentile(samples.sort((a, b) => a - b), 95);
}

async function cursorDeep(app: RunningApp, token: string, pages: number): Promise<string> {
  let cursor = "";
  for (let i = 0; i < pages; i++) {
    const res = await fetch(`${app.url}/api/requests?limit=50${cursor ? `&cursor=${cursor}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
    cursor = ((await res.json()) as { nextCursor: string }).nextCursor;
  }
  return cursor;
}

/** CPU seconds used so far by a process and its children (Linux /proc). */
function cpuSeconds(pid: number): number {
  const ticks = (p: number): number => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
      const own = Number(fields[11]) + Number(fields[12]); // utime, stime
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      return own + kids.reduce((sum, k) => sum + ticks(k), 0);
    } catch {
      return 0;
    }
  };
  return ticks(pid) / 100;
}

/** Holds `n` long-polls open on pending requests and measures the server's CPU meanwhile. */
async function waitersCpu(app: RunningApp, store: Store, token: string, session: string, n: number): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${app.url}/api/requests`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ session, command: `make wait-${i}` }),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }
  const many = new http.Agent({ keepAlive: false, maxSockets: n });
  const held = ids.map(
    (id) =>
      new Promise<void>((resolve) => {
        const req = http.get(`${app.url}/api/requests/${id}?wait=60`, { agent: many, headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", () => resolve());
      }),
  );
  // Every call has arrived and waits: each marks its request as waited on before it waits. On a
  // slow run the last ones arrived after a fixed 2 s, and their handling was counted as waiting.
  const arrived = performance.now();
  let left = ids;
  while (left.length) {
    const rows = await Promise.all(left.map((id) => store.getRequest(id)));
    left = left.filter((_, i) => rows[i]?.agentWaitedAt == null);
    if (left.length) await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`bench: the ${n} waiters were all waiting after ${Math.round(performance.now() - arrived)} ms`);
  await new Promise((r) => setTimeout(r, 500));
  const pid = app.child.pid!;
  const before = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, 5000));
  const pct = ((cpuSeconds(pid) - before) / 5) * 100;
  many.destroy();
  await Promise.all(held);
  return pct;
}

/** The API figures on the store `scratch` makes; the PostgreSQL group (api-pg) names them with `_pg`. */
export async function apiFigures(emit: Emit, scratch: MakeScratch): Promise<void> {
  await ensureBuild();
  const env = { GATEHOUSE_AGENT_RATE_PER_MIN: "100000000" };

  // POST throughput, worker running.
  {
    const t = await scratch("gatehouse-bench-api-");
    const tokens: string[] = [];
    for (let i = 0; i < AGENTS; i++) tokens.push((await createAgent(t.store, { id: `bench-${i}`, sessions: [`bench-${i}`] })).token);
    const worker = startWorker({ db: t.env, env });
    const app = await startApp({ ...t.env, ...env });
    try {
      await worker.ready();
      await postThroughput(app, tokens).catch(() => undefined); // warm up: JIT, route compilation
      await postThroughput(app, tokens, BARE).catch(() => undefined);
      const bare = await postThroughput(app, tokens, BARE);
      const { perSecond, sorted } = await postThroughput(app, tokens);
      emit("api_bare_per_s", Math.round(bare.perSecond), "requests/s");
      emit("api_bare_p99_ms", round(percentile(bare.sorted, 99)), "ms");
      emit("api_post_per_s", Math.round(perSecond), "requests/s");
      emit("api_post_p50_ms", round(percentile(sorted, 50)), "ms");
      emit("api_post_p99_ms", round(percentile(sorted, 99)), "ms");
      emit("api_waiters_cpu_pct", round(await waitersCpu(app, t.store, tokens[0]!, "bench-0", 1000), 1), "%");
    } finally {
      await app.stop();
      await worker.stop();
      await t.cleanup();
    }
  }

  // Lists and stats with 1,000,000 requests.
  {
    const t = await scratch("gatehouse-bench-list-");
    const user = await createUser(t.store, { name: "bench", role: "viewer", password: "bench-password" });
    const token = await issueUserToken(t.store, user.id);
    emit("api_seed_rows_per_s", Math.round(await seed(t, ROWS)), "rows/s");
    await t.settle();
    const app = await startApp({ ...t.env, ...env });
    try {
      const deep = await cursorDeep(app, token, 20);
      const lists = [
        "/api/requests",
        "/api/requests?status=pending",
        "/api/requests?status=queued,running,succeeded,failed",
        "/api/requests?status=dead&discarded=false",
        "/api/requests?agent=agent-7",
        "/api/requests?session=session-13&status=failed",
        `/api/requests?cursor=${deep}`,
      ];
      emit("api_list_p95_ms", round(await p95(app, token, lists, 30)), "ms");
      const stats = await fetch(`${app.url}/api/stats`, { headers: { authorization: `Bearer ${token}` } });
      if (stats.status === 404) console.error("bench: /api/stats does not exist yet; api_stats_p95_ms skipped");
      else emit("api_stats_p95_ms", round(await p95(app, token, ["/api/stats"], 100)), "ms");
    } finally {
      await app.stop();
      await t.cleanup();
    }
  }
}

const api: BenchGroup = (emit) => apiFigures(emit, sqliteScratch);

export default api;
