import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { tabCounts, requestCounts } from "@/lib/db/queries/counts";
import { parseWith } from "@/lib/http/validate";
import { route } from "@/lib/http/route";
import { listParams, listRequestRows, tabQuery } from "@/lib/requests/list";

export const dynamic = "force-dynamic";

/** One page of a dashboard tab (its filters, both sort orders), with the count of every tab. */
export const GET = route((req) => {
  const db = getDb();
  requireUser(db, req);
  const query = parseWith(listParams, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json({ ...listRequestRows(db, tabQuery(query)), tabs: tabCounts(requestCounts(db)), now: Date.now() });
});
