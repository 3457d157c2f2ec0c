import type { PendingNotice } from "../../lib/webhooks/message";
import { bodyOf, signatureOf } from "../../lib/webhooks/message";
import type { Handler } from "../handler";
import { log } from "../log";

/** How long one delivery may take before it counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * deliver_webhook: posts a request that waits for a person to one outgoing webhook. A generic hook
 * gets `{event, request}` signed with its secret (X-Gatehouse-Timestamp, X-Gatehouse-Signature);
 * a Slack hook gets `{text}`. A refused connection, a timeout or a non-2xx answer throws, so the
 * queue retries with the actor's backoff and finally keeps the message as a dead letter. A hook
 * removed meanwhile is skipped.
 */
export const deliverWebhookMessage: Handler<{ webhookId: string; request: PendingNotice }> = async ({ webhookId, request }, ctx) => {
  const hook = await ctx.store.getWebhook(webhookId);
  if (!hook) {
    log.warn(`message ${ctx.messageId}: webhook ${webhookId} was removed; request ${request.id} is not posted to it`);
    return;
  }
  const body = bodyOf(hook.kind, request);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Gatehouse-Webhook" };
  if (hook.kind === "generic" && hook.secret !== null) {
    const timestamp = Math.floor(Date.now() / 1000);
    headers["x-gatehouse-timestamp"] = String(timestamp);
    headers["x-gatehouse-signature"] = signatureOf(hook.secret, timestamp, body);
    headers["x-gatehouse-event"] = "request.pending";
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]);
  let res: Response;
  try {
    res = await fetch(hook.url, { method: "POST", headers, body, signal, redirect: "manual" });
  } catch (err) {
    const why = err instanceof Error ? (err.name === "TimeoutError" ? `no answer in ${DELIVERY_TIMEOUT_MS} ms` : err.message) : String(err);
    throw new Error(`webhook ${hook.id} (${hook.url}): ${why}`, { cause: err });
  }
  // The answer's body is not needed; read it so the connection is freed.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`webhook ${hook.id} (${hook.url}) answered ${res.status}`);
};
