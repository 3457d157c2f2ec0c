import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { rejectSchema } from "@/lib/requests/decision-bodies";
import { rejectRequest } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";

/** A supervisor rejects a pending request; the agent is told the reason. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const user = await requireUser(store, req, "supervisor");
  const { reason } = await readBody(req, rejectSchema);
  return Response.json(presentRequest(await rejectRequest(store, (await ctx.params).id, user, reason)));
});
