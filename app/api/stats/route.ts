import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { overview } from "@/lib/dashboard/overview";
import { statsQuerySchema, throughput } from "@/lib/dashboard/throughput";
import { parseWith, queryOf } from "@/lib/http/validate";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Counts by status and the overview's figures; with `?range=1h|24h|7d`, also the throughput series. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req);
  const { range } = parseWith(statsQuerySchema, queryOf(req));
  const now = Date.now();
  return Response.json({ ...(await overview(store, now)), ...(range ? { throughput: await throughput(store, range, now) } : {}) });
});
