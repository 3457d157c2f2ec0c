import { getStore } from "@/lib/db/open";
import { health } from "@/lib/dashboard/health";
import { prometheusMetrics } from "@/lib/dashboard/metrics";
import { checkOperatorAccess } from "@/lib/http/operator-access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Prometheus scrape target (open on loopback, else a bearer token: lib/http/operator-access.ts). */
export const GET = route(async (req) => {
  checkOperatorAccess(req);
  const store = await getStore();
  const now = Date.now();
  const body = await prometheusMetrics(store, await health(store, now), now);
  return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
});
