import { requireAgent } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { cancelRequest } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";
import { requireVisibleRequest } from "@/lib/requests/read";

/** The agent withdraws its own request while it is pending. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const agent = await requireAgent(store, req);
  const row = await requireVisibleRequest(store, (await ctx.params).id, { kind: "agent", agent });
  return Response.json(presentRequest(await cancelRequest(store, row.id, agent.id)));
});
