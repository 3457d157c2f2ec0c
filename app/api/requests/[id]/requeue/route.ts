import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { emptyBody, readBody } from "@/lib/http/validate";
import { requeueRequest } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";

/** A supervisor puts a dead or failed request back on the queue. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const user = await requireUser(store, req, "supervisor");
  await readBody(req, emptyBody);
  return Response.json(presentRequest(await requeueRequest(store, (await ctx.params).id, user)));
});
