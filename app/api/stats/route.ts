import * as z from "zod";
import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { overview } from "@/lib/db/queries/overview";
import { RANGES, throughput } from "@/lib/db/queries/throughput";
import { parseWith } from "@/lib/http/validate";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const query = z.strictObject({ range: z.enum(Object.keys(RANGES) as [keyof typeof RANGES]).optional() });

/** Counts by status and the overview's figures; with `?range=1h|24h|7d`, also the throughput series. */
export const GET = route((req) => {
  const db = getDb();
  requireUser(db, req);
  const { range } = parseWith(query, Object.fromEntries(new URL(req.url).searchParams));
  const now = Date.now();
  return Response.json({ ...overview(db, now), ...(range ? { throughput: throughput(db, range, now) } : {}) });
});
