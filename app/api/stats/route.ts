import * as z from "zod";
import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { overview } from "@/lib/dashboard/overview";
import { RANGES, throughput } from "@/lib/dashboard/throughput";
import { parseWith } from "@/lib/http/validate";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const query = z.strictObject({ range: z.enum(Object.keys(RANGES) as [keyof typeof RANGES]).optional() });

/** Counts by status and the overview's figures; with `?range=1h|24h|7d`, also the throughput series. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req);
  const { range } = parseWith(query, Object.fromEntries(new URL(req.url).searchParams));
  const now = Date.now();
  return Response.json({ ...(await overview(store, now)), ...(range ? { throughput: await throughput(store, range, now) } : {}) });
});
