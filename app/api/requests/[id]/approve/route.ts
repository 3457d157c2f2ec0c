import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { approveSchema } from "@/lib/requests/decision-bodies";
import { approveRequest } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";

/** A supervisor approves a pending request; `remember` also allows this exact command for its agent. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const user = await requireUser(store, req, "supervisor");
  const { comment, remember } = await readBody(req, approveSchema);
  return Response.json(presentRequest(await approveRequest(store, (await ctx.params).id, user, { comment, remember })));
});
