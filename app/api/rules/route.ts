import * as z from "zod";
import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readBody } from "@/lib/http/validate";
import { addRule, deleteRule, listRules, newRuleSchema, presentRule } from "@/lib/requests/rules";

export const dynamic = "force-dynamic";

/** The policy rules, in the order they are checked within each kind. */
export const GET = route((req) => {
  const db = getDb();
  requireUser(db, req, "viewer");
  return Response.json({ items: listRules(db).map(presentRule) });
});

/** An admin adds a rule. */
export const POST = route(async (req) => {
  const db = getDb();
  const user = requireUser(db, req, "admin");
  const input = await readBody(req, newRuleSchema);
  return Response.json(presentRule(addRule(db, input, user.name)), { status: 201 });
});

const ruleId = z.string().min(1).max(64);

/** An admin removes a rule: `DELETE /api/rules?id=…` or with a body `{"id": …}`. */
export const DELETE = route(async (req) => {
  const db = getDb();
  requireUser(db, req, "admin");
  const fromQuery = parseWith(z.strictObject({ id: ruleId.optional() }), queryOf(req)).id;
  const id = fromQuery ?? (await readBody(req, z.strictObject({ id: ruleId }))).id;
  return Response.json(presentRule(deleteRule(db, id)));
});
