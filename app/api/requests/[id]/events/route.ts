import { authenticate } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { listEvents, presentEvent, requireVisibleRequest } from "@/lib/requests/read";

export const dynamic = "force-dynamic";

/** The audit trail of a request, oldest first. */
export const GET = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const row = await requireVisibleRequest(store, (await ctx.params).id, await authenticate(store, req));
  return Response.json({ items: (await listEvents(store, row.id)).map(presentEvent) });
});
