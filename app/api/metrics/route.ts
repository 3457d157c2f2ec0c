import { getDb } from "@/lib/db/client";
import { health } from "@/lib/db/queries/health";
import { prometheusMetrics } from "@/lib/db/queries/metrics";
import { checkOperatorAccess } from "@/lib/http/operator-access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Prometheus scrape target (open on loopback, else a bearer token: lib/http/operator-access.ts). */
export const GET = route(async (req) => {
  checkOperatorAccess(req);
  const db = getDb();
  const now = Date.now();
  const body = prometheusMetrics(db, await health(db, now), now);
  return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
});
