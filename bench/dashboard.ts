// `npm run bench -- dashboard`: the dashboard's reads with 1,000,000 requests in the database
// (a week of history from bench/api's seed, so the per-minute rollups are full), measured over
// HTTP against `next start`, one call at a time, after a warm-up round:
// - dashboard_list_p95_ms: GET /api/dashboard/requests for each tab, both sorts, filters, text
//   search and a deep cursor (what the list pages poll).
// - dashboard_stats_p95_ms: GET /api/stats with and without ?range=1h|24h|7d (overview, throughput).
// - dashboard_page_p95_ms: the server-rendered pages (/, /inbox, /requests tabs, /throughput).
import { createUser } from "../lib/auth/users";
import { SESSION_COOKIE, createWebSession } from "../lib/auth/web-sessions";
import { ensureBuild, startApp } from "../tests/support/next-server";
import { sqliteScratch } from "./support/scratch";
import { seed } from "./api";
import { percentile, round, type BenchGroup } from "./support/figures";

const ROWS = 1_000_000;

async function p95(url: string, cookie: string, paths: string[], rounds: number): Promise<number> {
  const get = async (p: string) => {
    const start = performance.now();
    const res = await fetch(url + p, { headers: { cookie } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
    return performance.now() - start;
  };
  for (const p of paths) await get(p);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) for (const p of paths) samples.push(await get(p));
  return percentile(samples.sort((a, b) => a - b), 95);
}

const dashboard: BenchGroup = async (emit) => {
  await ensureBuild();
  const t = await sqliteScratch("gatehouse-bench-dashboard-");
  try {
    const user = await createUser(t.store, { name: "bench", role: "viewer", password: "bench-password" });
    const cookie = `${SESSION_COOKIE}=${await createWebSession(t.store, user.id)}`;
    console.error("bench: seeding 1,000,000 requests ...");
    await seed(t, ROWS);
    await t.settle();
    const app = await startApp(t.env);
    try {
      const deep = await (async () => {
        let cursor = "";
        for (let i = 0; i < 20; i++) {
          const res = await fetch(`${app.url}/api/dashboard/requests?tab=approved&limit=200${cursor ? `&cursor=${cursor}` : ""}`, { headers: { cookie } });
          cursor = ((await res.json()) as { nextCursor: string }).nextCursor;
        }
        return cursor;
      })();
      const lists = [
        "/api/dashboard/requests?tab=pending&sort=oldest&limit=200",
        "/api/dashboard/requests?tab=approved",
        "/api/dashboard/requests?tab=approved&sort=oldest",
        "/api/dashboard/requests?tab=rejected",
        "/api/dashboard/requests?tab=dead",
        "/api/dashboard/requests?tab=approved&agent=agent-7",
        "/api/dashboard/requests?tab=dead&session=session-13&priority=URGENT",
        "/api/dashboard/requests?tab=approved&q=task-999",
        "/api/dashboard/requests?tab=rejected&q=no-such-text",
        `/api/dashboard/requests?tab=approved&cursor=${deep}`,
      ];
      emit("dashboard_list_p95_ms", round(await p95(app.url, cookie, lists, 20)), "ms");
      const stats = ["/api/stats", "/api/stats?range=1h", "/api/stats?range=24h", "/api/stats?range=7d"];
      emit("dashboard_stats_p95_ms", round(await p95(app.url, cookie, stats, 30)), "ms");
      const pages = ["/", "/inbox", "/requests?tab=approved", "/requests?tab=dead", "/throughput"];
      emit("dashboard_page_p95_ms", round(await p95(app.url, cookie, pages, 10)), "ms");
    } finally {
      await app.stop();
    }
  } finally {
    await t.cleanup();
  }
};

export default dashboard;
