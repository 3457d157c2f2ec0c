import { config } from "../config";
import type { Request as RequestRow, Webhook } from "../db/rows";
import type { NewMessage } from "../db/store";
import { prepareMessage } from "../queue/enqueue";
import { noticeOf } from "./message";

/** Where supervisors open the dashboard: GATEHOUSE_PUBLIC_URL, else http://HOST:PORT. */
export function publicUrl(settings = config()): string {
  if (settings.GATEHOUSE_PUBLIC_URL) return settings.GATEHOUSE_PUBLIC_URL.replace(/\/+$/, "");
  const host = settings.HOST.includes(":") ? `[${settings.HOST}]` : settings.HOST;
  return `http://${host}:${settings.PORT}`;
}

/**
 * One deliver_webhook message per hook for a request that now waits for a person, to be written in
 * the request's own transaction (none without hooks).
 */
export function webhookMessages(hooks: readonly Webhook[], row: RequestRow, now: number): NewMessage[] {
  if (!hooks.length) return [];
  const request = noticeOf(row, publicUrl());
  return hooks.map((hook) =>
    prepareMessage({ actor: "deliver_webhook", payload: { webhookId: hook.id, request }, priority: row.priority, now }),
  );
}
