import * as z from "zod";
import { configVersionSeenBy, SESSION_NAME, type AgentIdentity } from "../auth/agents";
import { config } from "../config";
import type { Request as RequestRow } from "../db/rows";
import type { NewRequestWrite, Store } from "../db/store";
import { forbidden, tooLarge } from "../http/errors";
import { newId } from "../ids";
import { nudge } from "../queue/wake";
import { webhookMessages } from "../webhooks/enqueue";
import { execution } from "./lifecycle";
import { evaluatePolicy } from "./policy";
import { listRules } from "./rules";
import { PRIORITIES, REQUEST_KINDS, type RequestKind } from "./statuses";

/** Largest command accepted, in UTF-8 bytes (413 beyond). */
export const MAX_COMMAND_BYTES = 16 * 1024;

const noNul = (s: string) => !s.includes("\u0000");
const text = (max: number) => z.string().max(max).refine(noNul, "must not contain NUL bytes");

/** The body of `POST /api/requests`. Unknown fields are refused, so a typo is not silently lost. */
export const newRequestSchema = z.strictObject({
  session: SESSION_NAME,
  command: z
    .string()
    .refine((s) => s.trim() !== "", "must not be empty")
    .refine(noNul, "must not contain NUL bytes"),
  priority: z.enum(PRIORITIES).default("NORMAL"),
  reason: text(4000).nullish(),
  cwd: text(4096).refine((s) => s.startsWith("/"), "must be an absolute path").nullish(),
  timeoutSec: z.number().int().min(1).max(7 * 24 * 3600).nullish(),
  autoApprove: z.boolean().default(false),
  /** `gate`: the agent asks leave to run the command itself (gatehouse hook); Gatehouse never runs it. */
  kind: z.enum(REQUEST_KINDS).default("run"),
});
export type NewRequest = Omit<z.output<typeof newRequestSchema>, "kind"> & { kind?: RequestKind };

/** 413 for a command over the limit, checked on the raw body before validation. */
export function checkCommandSize(body: unknown): void {
  const command = (body as { command?: unknown } | null)?.command;
  if (typeof command === "string" && Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
    throw tooLarge(`The command is over ${MAX_COMMAND_BYTES / 1024} KiB.`);
  }
}

export interface Submitted {
  request: RequestRow;
  /** False when the Idempotency-Key matched an earlier request, which is returned instead. */
  created: boolean;
}

/**
 * An agent asks to run a command: the policy decides at once (queued, rejected) or leaves it for
 * a person (pending). Row, events and the execution message (or, when pending, one deliver_webhook
 * message per outgoing webhook) commit together.
 */
export async function submitRequest(
  store: Store,
  agent: AgentIdentity,
  input: NewRequest,
  opts: { idempotencyKey?: string | null; now?: number } = {},
): Promise<Submitted> {
  const now = opts.now ?? Date.now();
  if (!agent.sessions.includes(input.session)) {
    throw forbidden(`Agent ${agent.id} may not target session ${input.session}; its sessions: ${agent.sessions.join(", ")}.`);
  }
  const settings = config();
  const seen = configVersionSeenBy(agent);
  const verdict = evaluatePolicy(await listRules(store, seen), { agent, ...input }, { autoApprovePriority: settings.GATEHOUSE_AUTO_APPROVE_PRIORITY });
  const id = newId(now);
  const decided = verdict.outcome !== "ask";
  const kind = input.kind ?? "run";
  const allowedTo = kind === "gate" ? "allowed" : "queued";
  const status = verdict.outcome === "allow" ? allowedTo : verdict.outcome === "deny" ? "rejected" : "pending";
  const row: RequestRow = {
    id,
    agentId: agent.id,
    session: input.session,
    command: input.command,
    cwd: input.cwd ?? null,
    reason: input.reason ?? null,
    priority: input.priority,
    status,
    kind,
    timeoutSec: input.timeoutSec ?? null,
    autoApprove: input.autoApprove,
    idempotencyKey: opts.idempotencyKey ?? null,
    decidedBy: decided ? verdict.by : null,
    decidedAt: decided ? now : null,
    decisionComment: decided ? verdict.why : null,
    exitCode: null,
    output: null,
    outputTruncated: false,
    attempts: 0,
    lastError: null,
    createdAt: now,
    expiresAt: now + settings.GATEHOUSE_PENDING_TTL_SEC * 1000,
    queuedAt: status === "queued" ? now : null,
    startedAt: null,
    finishedAt: status === "rejected" ? now : null,
    discardedAt: null,
    agentWaitedAt: null,
  };
  // Even a request the policy decides at once is first `pending`: the trail shows both steps.
  const events: NewRequestWrite["events"] = [
    { requestId: id, at: now, actor: `agent:${agent.id}`, fromStatus: null, toStatus: "pending", reason: decided ? null : verdict.why },
  ];
  if (decided) events.push({ requestId: id, at: now, actor: verdict.by, fromStatus: "pending", toStatus: status, reason: verdict.why });
  // A request left for a person is told to every outgoing webhook, from the queue: the messages
  // commit with the request, and delivering them never holds up the agent.
  const enqueue = status === "queued" ? [execution(row, now)] : status === "pending" ? webhookMessages(await store.listWebhooks(seen), row, now) : [];
  const result = await store.insertRequest({ row, events, enqueue });
  if (result.created && enqueue.length) nudge();
  return result;
}
