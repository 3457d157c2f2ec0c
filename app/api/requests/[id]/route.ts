import { authenticate } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { parseWith, queryOf } from "@/lib/http/validate";
import { presentRequest } from "@/lib/requests/present";
import { waitQuerySchema } from "@/lib/requests/decision-bodies";
import { awaitStatusChange, requireVisibleRequest } from "@/lib/requests/read";

export const dynamic = "force-dynamic";

/** One request; with `?wait=N`, held until its status changes or N seconds pass. */
export const GET = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const who = await authenticate(store, req);
  const { wait } = parseWith(waitQuerySchema, queryOf(req));
  const row = await requireVisibleRequest(store, (await ctx.params).id, who);
  // The inbox shows which agents are blocked on a person right now.
  if (wait && who.kind === "agent" && row.status === "pending") await store.markAgentWaited(row.id, Date.now());
  const current = wait ? await awaitStatusChange(store, row, wait * 1000, req.signal) : row;
  return Response.json(presentRequest(current));
});
