import * as z from "zod/mini";
import type { Request as RequestRow } from "../db/rows";
import { PRIORITIES, REQUEST_KINDS, REQUEST_STATUSES } from "./statuses";

const isoTime = z.iso.datetime();
const isoOrNull = z.nullable(isoTime);

/**
 * A request as the API describes it (docs/api.md): ISO times, the decision as one object. `ApiRequest` is this
 * schema's type, and the OpenAPI document (lib/http/openapi) is generated from it, so the two agree.
 */
export const apiRequestSchema = z.strictObject({
  id: z.string(),
  agentId: z.string(),
  session: z.string(),
  command: z.string(),
  cwd: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  priority: z.enum(PRIORITIES),
  status: z.enum(REQUEST_STATUSES),
  /** `run`: Gatehouse runs it; `gate`: the agent runs it itself once `allowed` (gatehouse hook). */
  kind: z.enum(REQUEST_KINDS),
  decision: z.nullable(z.strictObject({ by: z.string(), at: isoTime, comment: z.nullable(z.string()) })),
  exitCode: z.nullable(z.int()),
  output: z.nullable(z.string()),
  outputTruncated: z.boolean(),
  attempts: z.int(),
  lastError: z.nullable(z.string()),
  createdAt: isoTime,
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
  /** Fields beyond the object agents were first given, for the dashboard. */
  timeoutSec: z.nullable(z.int()),
  queuedAt: isoOrNull,
  expiresAt: isoTime,
  discardedAt: isoOrNull,
  /** When its agent last waited on it (long-poll); with `pending`, who is blocked now. */
  agentWaitedAt: isoOrNull,
});
export type ApiRequest = z.infer<typeof apiRequestSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentRequest(row: RequestRow): ApiRequest {
  return {
    id: row.id,
    agentId: row.agentId,
    session: row.session,
    command: row.command,
    cwd: row.cwd,
    reason: row.reason,
    priority: row.priority,
    status: row.status,
    kind: row.kind,
    decision:
      row.decidedBy !== null && row.decidedAt !== null
        ? { by: row.decidedBy, at: new Date(row.decidedAt).toISOString(), comment: row.decisionComment }
        : null,
    exitCode: row.exitCode,
    output: row.output,
    outputTruncated: row.outputTruncated,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    timeoutSec: row.timeoutSec,
    queuedAt: iso(row.queuedAt),
    expiresAt: new Date(row.expiresAt).toISOString(),
    discardedAt: iso(row.discardedAt),
    agentWaitedAt: iso(row.agentWaitedAt),
  };
}
