// Shared by the pg-requests-* tests: a fresh migrated PostgreSQL database per test, and requests,
// plans and messages written the way lib/requests writes them.
import { afterEach, beforeEach } from "vitest";
import type { Request } from "@/lib/db/rows";
import type { NewMessage, NewRequestWrite, Plan } from "@/lib/db/store";
import { connectPg, type Pg } from "@/lib/db/postgres/client";
import { dropPgDatabase, freshPgDatabase } from "../support/pg";

/** Only the PostgreSQL run of the suite has a cluster (tests/support/pg-global-setup.ts). */
export const onPostgres = process.env.GATEHOUSE_TEST_STORE === "postgres";

/** A pool on a fresh database for each test of the file; `pg()` is the current test's. */
export function usePg(poolSize = 4): () => Pg {
  let current: { pg: Pg; url: string } | undefined;
  beforeEach(async () => {
    const url = await freshPgDatabase();
    current = { url, pg: connectPg(url, { poolSize, statementTimeoutMs: 30_000 }) };
  });
  afterEach(async () => {
    if (!current) return;
    await current.pg.close();
    await dropPgDatabase(current.url);
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("usePg: the database exists only while a test runs");
    return current.pg;
  };
}

export { requestRow } from "../support/request-row";

/** A request as an agent submits it: the row and its first event (every request is first `pending`). */
export function submission(row: Request, enqueue: NewMessage[] = []): NewRequestWrite {
  return {
    row,
    events: [{ requestId: row.id, at: row.createdAt, actor: `agent:${row.agentId}`, fromStatus: null, toStatus: "pending", reason: null }],
    enqueue,
  };
}

/** The execution message of a request, as lib/requests enqueues it. */
export function executionMessage(row: Request, now: number): NewMessage {
  return {
    queue: "commands",
    actor: "execute_approved_command",
    payload: JSON.stringify({ requestId: row.id }),
    priority: 1,
    runAt: now,
    maxRetries: 3,
    onLeaseLost: "dead",
    groupKey: row.session,
    idempotencyKey: null,
    createdAt: now,
  };
}

/** A person approves: pending → queued, the command enqueued. */
export function approvePlan(requestId: string, now: number, over: Partial<Plan> = {}): Plan {
  return {
    requestId,
    from: ["pending"],
    to: "queued",
    set: { decidedBy: "alice", decidedAt: now, decisionComment: null, queuedAt: now },
    event: { at: now, actor: "alice", reason: null },
    then: (row) => ({ enqueue: [executionMessage(row, now)] }),
    ...over,
  };
}

/** A plan of any transition, with only the status changing. */
export function movePlan(requestId: string, from: Plan["from"], to: Plan["to"], now: number, set: Plan["set"] = {}): Plan {
  return { requestId, from, to, set, event: { at: now, actor: "test", reason: null } };
}
