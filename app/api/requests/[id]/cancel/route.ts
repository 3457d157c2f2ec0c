import { requireAgent } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { cancelRequest } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";
import { requireVisibleRequest } from "@/lib/requests/read";

/** The agent withdraws its own request while it is pending. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const db = getDb();
  const agent = requireAgent(db, req);
  const row = requireVisibleRequest(db, (await ctx.params).id, { kind: "agent", agent });
  return Response.json(presentRequest(cancelRequest(db, row.id, agent.id)));
});
