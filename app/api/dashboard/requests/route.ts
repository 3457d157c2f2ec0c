import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { parseWith } from "@/lib/http/validate";
import { route } from "@/lib/http/route";
import { dashboardList, listParams, tabQuery } from "@/lib/requests/list";

export const dynamic = "force-dynamic";

/** One page of a dashboard tab (its filters, both sort orders), with the count of every tab. */
export const GET = route((req) => {
  const db = getDb();
  requireUser(db, req);
  const query = parseWith(listParams, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(dashboardList(db, tabQuery(query)));
});
