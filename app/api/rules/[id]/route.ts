import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { deleteRule, presentRule } from "@/lib/requests/rules";

/** An admin removes a rule (same as `DELETE /api/rules?id=…`). */
export const DELETE = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  return Response.json(presentRule(await deleteRule(store, (await ctx.params).id)));
});
