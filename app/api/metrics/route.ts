import { getDb } from "@/lib/db/client";
import { health } from "@/lib/db/queries/health";
import { prometheusMetrics } from "@/lib/db/queries/metrics";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Prometheus scrape target (no sign-in: Gatehouse binds to loopback). */
export const GET = route(async () => {
  const db = getDb();
  const now = Date.now();
  const body = prometheusMetrics(db, await health(db, now), now);
  return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
});
