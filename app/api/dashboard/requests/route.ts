import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { parseWith, queryOf } from "@/lib/http/validate";
import { route } from "@/lib/http/route";
import { dashboardList, listParams, tabQuery } from "@/lib/requests/list";

export const dynamic = "force-dynamic";

/** One page of a dashboard tab (its filters, both sort orders), with the count of every tab. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req);
  const query = parseWith(listParams, queryOf(req));
  return Response.json(await dashboardList(store, tabQuery(query)));
});
