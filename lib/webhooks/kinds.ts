/** What a webhook posts: Gatehouse's signed JSON, or Slack's incoming-webhook `{text}`. */
export const WEBHOOK_KINDS = ["generic", "slack"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
