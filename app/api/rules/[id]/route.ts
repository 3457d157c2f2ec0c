import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { deleteRule, presentRule } from "@/lib/requests/rules";

/** An admin removes a rule (same as `DELETE /api/rules?id=…`). */
export const DELETE = route<{ id: string }>(async (req, ctx) => {
  const db = getDb();
  requireUser(db, req, "admin");
  return Response.json(presentRule(deleteRule(db, (await ctx.params).id)));
});
