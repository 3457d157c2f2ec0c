// Every HTTP route, described once: the OpenAPI document (./document.ts) is generated from this,
// and tests/http/openapi.test.ts checks it against app/api (every route file and method, nothing
// else) and that each body and query schema here is the very object the route validates with.
import type { $ZodType } from "zod/v4/core";
import { loginSchema } from "../../auth/users";
import { statsQuerySchema } from "../../dashboard/throughput";
import { bulkSchema } from "../../requests/bulk";
import { approveSchema, rejectSchema, waitQuerySchema } from "../../requests/decision-bodies";
import { listParams, listQuerySchema } from "../../requests/list";
import { outcomeSchema } from "../../requests/outcome";
import { apiRequestSchema } from "../../requests/present";
import { apiRuleSchema, newRuleSchema, ruleIdBodySchema, ruleIdQuerySchema } from "../../requests/rules";
import { newRequestSchema } from "../../requests/submit";
import { reportBody, claimBody, claimReply, heartbeatReply, outputBody, reportReply } from "../../runners/protocol";
import { newWebhookSchema, webhookIdBodySchema, webhookIdQuerySchema } from "../../webhooks/manage";
import { emptyBody } from "../validate";
import * as s from "./schemas";

/**
 * Who may call a route: an agent's token; a person (session cookie or user token) of at least that
 * role; a runner's token; `operator`: open when Gatehouse listens on loopback, else the metrics
 * token; `open`: anyone; `person-or-agent`: either (an agent sees only its own requests).
 */
export type Auth = "agent" | "viewer" | "supervisor" | "admin" | "person-or-agent" | "runner" | "operator" | "open";

export interface Reply {
  description: string;
  /** JSON body; none for 204. */
  schema?: $ZodType;
  /** A body that is not JSON (Prometheus text). */
  text?: string;
}

export interface Operation {
  method: "GET" | "POST" | "DELETE";
  /** OpenAPI form: `{id}` for a dynamic segment. */
  path: string;
  auth: Auth;
  summary: string;
  /** The JSON body schema the route passes to readBody/parseWith. */
  body?: $ZodType;
  /** The query string schema the route passes to parseWith. */
  query?: $ZodType;
  /** Successful answers by status; errors are the documented error shape. */
  replies: Record<number, Reply>;
}

const request = (description: string): Record<number, Reply> => ({ 200: { description, schema: apiRequestSchema } });

export const operations: Operation[] = [
  // People's sessions
  { method: "POST", path: "/api/auth/login", auth: "open", summary: "Sign a person in: sets the session cookie (failed guesses are limited, 429 with Retry-After).", body: loginSchema, replies: { 200: { description: "Signed in.", schema: s.loginReplySchema } } },
  { method: "POST", path: "/api/auth/logout", auth: "open", summary: "Sign out: ends the session and clears its cookie.", replies: { 200: { description: "Signed out.", schema: s.okSchema } } },
  { method: "GET", path: "/api/auth/me", auth: "person-or-agent", summary: "Who the caller is.", replies: { 200: { description: "The person or the agent.", schema: s.meSchema } } },

  // Requests
  { method: "POST", path: "/api/requests", auth: "agent", summary: "An agent asks to run a command (Idempotency-Key header honoured; 413 for a command over 16 KiB).", body: newRequestSchema, replies: { 201: { description: "Created.", schema: apiRequestSchema }, 200: { description: "The request an earlier call with this Idempotency-Key created.", schema: apiRequestSchema } } },
  { method: "GET", path: "/api/requests", auth: "person-or-agent", summary: "Requests newest first, keyset-paginated; an agent sees only its own.", query: listQuerySchema, replies: { 200: { description: "One page.", schema: s.requestPageSchema } } },
  { method: "GET", path: "/api/requests/{id}", auth: "person-or-agent", summary: "One request; with ?wait=N, held until its status changes or N seconds pass.", query: waitQuerySchema, replies: request("The request.") },
  { method: "GET", path: "/api/requests/{id}/events", auth: "person-or-agent", summary: "A request's audit trail, oldest first.", replies: { 200: { description: "The trail.", schema: s.eventListSchema } } },
  { method: "POST", path: "/api/requests/{id}/approve", auth: "supervisor", summary: "Approve a pending request; `remember` also allows this exact command for its agent.", body: approveSchema, replies: request("The approved request.") },
  { method: "POST", path: "/api/requests/{id}/reject", auth: "supervisor", summary: "Reject a pending request; the agent is told the reason.", body: rejectSchema, replies: request("The rejected request.") },
  { method: "POST", path: "/api/requests/{id}/cancel", auth: "agent", summary: "The agent withdraws its own pending request.", replies: request("The cancelled request.") },
  { method: "POST", path: "/api/requests/{id}/requeue", auth: "supervisor", summary: "Put a dead or failed request back on the queue.", body: emptyBody, replies: request("The requeued request.") },
  { method: "POST", path: "/api/requests/{id}/discard", auth: "supervisor", summary: "Drop a dead request from triage (it stays dead, marked discarded).", body: emptyBody, replies: request("The discarded request.") },
  { method: "POST", path: "/api/requests/{id}/outcome", auth: "agent", summary: "The agent reports how its allowed gate request went when it ran the command.", body: outcomeSchema, replies: request("The request with its outcome.") },
  { method: "POST", path: "/api/requests/bulk", auth: "supervisor", summary: "One decision on up to 500 requests; each id gets its own result.", body: bulkSchema, replies: { 200: { description: "A result per id.", schema: s.bulkReplySchema } } },

  // Policy rules
  { method: "GET", path: "/api/rules", auth: "viewer", summary: "The policy rules, in the order they are checked within each kind.", replies: { 200: { description: "The rules.", schema: s.listOf(apiRuleSchema) } } },
  { method: "POST", path: "/api/rules", auth: "admin", summary: "Add a rule.", body: newRuleSchema, replies: { 201: { description: "The rule.", schema: apiRuleSchema } } },
  { method: "DELETE", path: "/api/rules", auth: "admin", summary: "Remove a rule: ?id=… or a body {\"id\": …}.", query: ruleIdQuerySchema, body: ruleIdBodySchema, replies: { 200: { description: "The removed rule.", schema: apiRuleSchema } } },
  { method: "DELETE", path: "/api/rules/{id}", auth: "admin", summary: "Remove a rule.", replies: { 200: { description: "The removed rule.", schema: apiRuleSchema } } },

  // Outgoing webhooks
  { method: "GET", path: "/api/webhooks", auth: "admin", summary: "The outgoing webhooks, never their secrets.", replies: { 200: { description: "The webhooks.", schema: s.listOf(s.objectSchema) } } },
  { method: "POST", path: "/api/webhooks", auth: "admin", summary: "Add a webhook; a generic one's secret is in this answer only.", body: newWebhookSchema, replies: { 201: { description: "The webhook (with its secret, if generic).", schema: s.objectSchema } } },
  { method: "DELETE", path: "/api/webhooks", auth: "admin", summary: "Remove a webhook: ?id=… or a body {\"id\": …}.", query: webhookIdQuerySchema, body: webhookIdBodySchema, replies: { 200: { description: "The removed webhook.", schema: s.objectSchema } } },

  // Dashboard
  { method: "GET", path: "/api/dashboard/requests", auth: "viewer", summary: "One page of a dashboard tab, with the count of every tab.", query: listParams, replies: { 200: { description: "The page.", schema: s.objectSchema } } },
  { method: "GET", path: "/api/dashboard/requests/{id}", auth: "viewer", summary: "A request with its audit trail and, while it runs, its output so far.", replies: { 200: { description: "The detail.", schema: s.objectSchema } } },
  { method: "GET", path: "/api/dashboard/changes", auth: "viewer", summary: "Server-sent events: a `change` event soon after any request changes.", replies: { 200: { description: "An event stream.", text: "text/event-stream" } } },
  { method: "GET", path: "/api/stats", auth: "viewer", summary: "Counts by status and the overview's figures; with ?range=, the throughput series too.", query: statsQuerySchema, replies: { 200: { description: "The figures.", schema: s.objectSchema } } },

  // Runners
  { method: "GET", path: "/api/runners", auth: "viewer", summary: "Every runner, revoked ones too, with when each was last seen.", replies: { 200: { description: "The runners.", schema: s.listOf(s.objectSchema) } } },
  { method: "POST", path: "/api/runners/{id}/revoke", auth: "admin", summary: "Revoke a runner: its token stops working, its sessions go back to the local worker.", replies: { 204: { description: "Revoked." } } },
  { method: "POST", path: "/api/runner/claim", auth: "runner", summary: "A runner's long-poll for its sessions' commands and notices.", body: claimBody, replies: { 200: { description: "Jobs, possibly none.", schema: claimReply } } },
  { method: "POST", path: "/api/runner/heartbeat", auth: "runner", summary: "A runner is alive: its leases are extended; the answer lists those it still holds.", replies: { 200: { description: "The leases held.", schema: heartbeatReply } } },
  { method: "POST", path: "/api/runner/output", auth: "runner", summary: "Live output of a running command (base64, from an offset).", body: outputBody, replies: { 204: { description: "Recorded." } } },
  { method: "POST", path: "/api/runner/report", auth: "runner", summary: "How a runner's jobs ended: one report, or several in `reports`; idempotent by lease. It may ask for the runner's next jobs, given at once in the answer.", body: reportBody, replies: { 200: { description: "Whether it was recorded now, and the jobs asked for.", schema: reportReply } } },

  // Operators
  { method: "GET", path: "/api/health", auth: "operator", summary: "Health probe: 200 when every part is up, else 503.", replies: { 200: { description: "Up.", schema: s.objectSchema }, 503: { description: "A part is down.", schema: s.objectSchema } } },
  { method: "GET", path: "/api/metrics", auth: "operator", summary: "Prometheus scrape target.", replies: { 200: { description: "Prometheus text exposition.", text: "text/plain; version=0.0.4" } } },
  { method: "GET", path: "/api/openapi.json", auth: "open", summary: "This document.", replies: { 200: { description: "The OpenAPI 3.1 document.", schema: s.objectSchema } } },
];
