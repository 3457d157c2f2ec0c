import { randomBytes } from "node:crypto";
import * as z from "zod/mini";
import type { Webhook } from "../db/rows";
import type { Store } from "../db/store";
import { notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { newId } from "../ids";
import { WEBHOOK_KINDS, type WebhookKind } from "./kinds";

/** A webhook as the API and the CLI show it: never its secret. */
export interface ApiWebhook {
  id: string;
  url: string;
  kind: WebhookKind;
  /** Whether it signs its messages (generic hooks do). */
  signed: boolean;
  createdBy: string;
  createdAt: string;
}

export function presentWebhook(hook: Webhook): ApiWebhook {
  return {
    id: hook.id,
    url: hook.url,
    kind: hook.kind,
    signed: hook.secret !== null,
    createdBy: hook.createdBy,
    createdAt: new Date(hook.createdAt).toISOString(),
  };
}

export const newWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).check(z.maxLength(2048)),
  kind: z.enum(WEBHOOK_KINDS),
  /** A generic hook's signing key; one is made when none is given. Slack hooks take none. */
  secret: z.optional(z.string().check(z.minLength(16), z.maxLength(256), z.regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"))),
}).check(
  z.refine((v) => v.kind === "generic" || v.secret === undefined, {
    message: "a slack hook takes no secret (Slack does not check signatures)",
    path: ["secret"],
  }),
);
export type NewWebhook = z.input<typeof newWebhookSchema>;

export const webhookIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
/** `DELETE /api/webhooks?id=…` … */
export const webhookIdQuerySchema = z.strictObject({ id: z.optional(webhookIdSchema) });
/** … or `DELETE /api/webhooks` with the id in the body. */
export const webhookIdBodySchema = z.strictObject({ id: webhookIdSchema });

/** Adds a webhook; for a generic one, returns its secret too (shown once). */
export async function addWebhook(
  store: Store,
  input: NewWebhook,
  createdBy: string,
  now = Date.now(),
): Promise<{ hook: Webhook; secret: string | null }> {
  const w = parseWith(newWebhookSchema, input);
  const secret = w.kind === "generic" ? (w.secret ?? randomBytes(32).toString("hex")) : null;
  const hook = await store.addWebhook({ id: newId(now), url: w.url, kind: w.kind, secret, createdBy, createdAt: now });
  return { hook, secret };
}

export async function removeWebhook(store: Store, id: string): Promise<Webhook> {
  const hook = await store.deleteWebhook(id);
  if (!hook) throw notFound(`No webhook with id ${id}.`);
  return hook;
}
