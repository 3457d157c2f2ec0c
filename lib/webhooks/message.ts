import { createHmac } from "node:crypto";
import type { Request as RequestRow } from "../db/rows";
import type { WebhookKind } from "./kinds";

/** The request as a webhook tells of it (the deliver_webhook message carries it). */
export interface PendingNotice {
  id: string;
  agentId: string;
  session: string;
  command: string;
  reason: string | null;
  priority: string;
  /** ISO 8601. */
  createdAt: string;
  /** The request's page on the dashboard. */
  url: string;
}

export function noticeOf(row: RequestRow, publicUrl: string): PendingNotice {
  return {
    id: row.id,
    agentId: row.agentId,
    session: row.session,
    command: row.command,
    reason: row.reason,
    priority: row.priority,
    createdAt: new Date(row.createdAt).toISOString(),
    url: `${publicUrl.replace(/\/+$/, "")}/requests/${encodeURIComponent(row.id)}`,
  };
}

/** Longest command a Slack message quotes; the link shows the whole of it. */
const SLACK_COMMAND_CHARS = 500;

/** Slack's `<url|label>` and code spans take these three characters escaped. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The JSON body a hook of `kind` posts. */
export function bodyOf(kind: WebhookKind, notice: PendingNotice): string {
  if (kind === "generic") return JSON.stringify({ event: "request.pending", request: notice });
  const command = notice.command.length > SLACK_COMMAND_CHARS ? `${notice.command.slice(0, SLACK_COMMAND_CHARS)}…` : notice.command;
  const lines = [
    `*${slackEscape(notice.agentId)}* waits for approval in session \`${slackEscape(notice.session)}\` (${notice.priority}):`,
    "```" + slackEscape(command).replace(/```/g, "`\u200b``") + "```",
    ...(notice.reason ? [`Reason: ${slackEscape(notice.reason)}`] : []),
    `<${notice.url}|Open request ${notice.id}>`,
  ];
  return JSON.stringify({ text: lines.join("\n") });
}

/**
 * The `X-Gatehouse-Signature` of a body sent at `timestamp` (seconds since the epoch):
 * `sha256=` and the hex HMAC-SHA256 of `${timestamp}.${body}` under the hook's secret.
 */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
