import { authenticate } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listEvents, presentEvent, requireVisibleRequest } from "@/lib/requests/read";

export const dynamic = "force-dynamic";

/** The audit trail of a request, oldest first. */
export const GET = route<{ id: string }>(async (req, ctx) => {
  const db = getDb();
  const row = requireVisibleRequest(db, (await ctx.params).id, authenticate(db, req));
  return Response.json({ items: listEvents(db, row.id).map(presentEvent) });
});
