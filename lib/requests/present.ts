import type { Request as RequestRow } from "../db/rows";
import type { Priority, RequestKind, RequestStatus } from "./statuses";

/** A request as API.md describes it: ISO times, the decision as one object. */
export interface ApiRequest {
  id: string;
  agentId: string;
  session: string;
  command: string;
  cwd: string | null;
  reason: string | null;
  priority: Priority;
  status: RequestStatus;
  /** `run`: Gatehouse runs it; `gate`: the agent runs it itself once `allowed` (gatehouse hook). */
  kind: RequestKind;
  decision: { by: string; at: string; comment: string | null } | null;
  exitCode: number | null;
  output: string | null;
  outputTruncated: boolean;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Additions to API.md's object, for the dashboard. */
  timeoutSec: number | null;
  queuedAt: string | null;
  expiresAt: string;
  discardedAt: string | null;
  /** When its agent last waited on it (long-poll); with `pending`, who is blocked now. */
  agentWaitedAt: string | null;
}

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
