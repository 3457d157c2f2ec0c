import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readBody } from "@/lib/http/validate";
import { addWebhook, newWebhookSchema, presentWebhook, removeWebhook, webhookIdBodySchema, webhookIdQuerySchema } from "@/lib/webhooks/manage";

export const dynamic = "force-dynamic";

/** The outgoing webhooks (admin): never their secrets. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  return Response.json({ items: (await store.listWebhooks()).map(presentWebhook) });
});

/** An admin adds a webhook; a generic one's secret is in this answer only. */
export const POST = route(async (req) => {
  const store = await getStore();
  const user = await requireUser(store, req, "admin");
  const input = await readBody(req, newWebhookSchema);
  const { hook, secret } = await addWebhook(store, input, user.name);
  return Response.json({ ...presentWebhook(hook), ...(secret === null ? {} : { secret }) }, { status: 201 });
});

/** An admin removes a webhook: `DELETE /api/webhooks?id=…` or with a body `{"id": …}`. */
export const DELETE = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  const fromQuery = parseWith(webhookIdQuerySchema, queryOf(req)).id;
  const id = fromQuery ?? (await readBody(req, webhookIdBodySchema)).id;
  return Response.json(presentWebhook(await removeWebhook(store, id)));
});
