import * as z from "zod";
import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readBody } from "@/lib/http/validate";
import { addRule, deleteRule, listRules, newRuleSchema, presentRule } from "@/lib/requests/rules";

export const dynamic = "force-dynamic";

/** The policy rules, in the order they are checked within each kind. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req, "viewer");
  return Response.json({ items: (await listRules(store)).map(presentRule) });
});

/** An admin adds a rule. */
export const POST = route(async (req) => {
  const store = await getStore();
  const user = await requireUser(store, req, "admin");
  const input = await readBody(req, newRuleSchema);
  return Response.json(presentRule(await addRule(store, input, user.name)), { status: 201 });
});

const ruleId = z.string().min(1).max(64);

/** An admin removes a rule: `DELETE /api/rules?id=…` or with a body `{"id": …}`. */
export const DELETE = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  const fromQuery = parseWith(z.strictObject({ id: ruleId.optional() }), queryOf(req)).id;
  const id = fromQuery ?? (await readBody(req, z.strictObject({ id: ruleId }))).id;
  return Response.json(presentRule(await deleteRule(store, id)));
});
