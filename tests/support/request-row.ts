import type { Request } from "../../lib/db/rows";
import { newId } from "../../lib/ids";

/** A whole request row, pending unless `over` says otherwise, for tests that write rows themselves. */
export function requestRow(over: Partial<Request> = {}): Request {
  const createdAt = over.createdAt ?? Date.now();
  return {
    id: newId(createdAt),
    agentId: "agent-1",
    session: "s1",
    command: "echo hi",
    cwd: null,
    reason: null,
    priority: "NORMAL",
    status: "pending",
    kind: "run",
    timeoutSec: null,
    autoApprove: false,
    idempotencyKey: null,
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
    exitCode: null,
    output: null,
    outputTruncated: false,
    attempts: 0,
    lastError: null,
    createdAt,
    expiresAt: createdAt + 3600_000,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    discardedAt: null,
    agentWaitedAt: null,
    ...over,
  };
}
