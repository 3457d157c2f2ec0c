import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readBody } from "@/lib/http/validate";
import { addRule, deleteRule, listRules, newRuleSchema, presentRule, ruleIdBodySchema, ruleIdQuerySchema } from "@/lib/requests/rules";

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

/** An admin removes a rule: `DELETE /api/rules?id=…` or with a body `{"id": …}`. */
export const DELETE = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  const fromQuery = parseWith(ruleIdQuerySchema, queryOf(req)).id;
  const id = fromQuery ?? (await readBody(req, ruleIdBodySchema)).id;
  return Response.json(presentRule(await deleteRule(store, id)));
});
