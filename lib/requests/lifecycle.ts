import { and, eq, isNull, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { UserIdentity } from "../auth/users";
import { config } from "../config";
import { writeTx, type Db } from "../db/client";
import { requestEvents, requests, rules, type Request as RequestRow } from "../db/schema";
import { conflict, notFound } from "../http/errors";
import { enqueue } from "../queue/enqueue";
import { announce } from "./changes";
import type { NoticeEvent } from "./notices";
import { exactPattern } from "./patterns";
import { addRule } from "./rules";
import type { RequestStatus } from "./statuses";

// The request state machine of DESIGN.md, in one place. Every transition is one guarded UPDATE
// (`WHERE id = ? AND status = <expected>`) plus its audit event, in one IMMEDIATE transaction;
// a transition that finds the request in another status changes nothing and throws 409 naming
// that status. Every function may run inside a caller's writeTx (it then becomes a savepoint),
// so the worker can settle its queue message and the request in one transaction.

/** Which statuses each transition leaves from, and where it goes. */
export const TRANSITIONS = {
  approve: { from: ["pending"], to: "queued", verb: "approved" },
  reject: { from: ["pending"], to: "rejected", verb: "rejected" },
  cancel: { from: ["pending"], to: "cancelled", verb: "cancelled" },
  expire: { from: ["pending"], to: "expired", verb: "expired" },
  start: { from: ["queued"], to: "running", verb: "started" },
  retry: { from: ["running"], to: "queued", verb: "put back for a retry" },
  succeed: { from: ["running"], to: "succeeded", verb: "marked succeeded" },
  fail: { from: ["running"], to: "failed", verb: "marked failed" },
  die: { from: ["queued", "running"], to: "dead", verb: "dead-lettered" },
  requeue: { from: ["dead", "failed"], to: "queued", verb: "requeued" },
  discard: { from: ["dead"], to: "dead", verb: "discarded" },
} as const satisfies Record<string, { from: readonly RequestStatus[]; to: RequestStatus; verb: string }>;
export type Transition = keyof typeof TRANSITIONS;

interface Step {
  /** Who, for the audit trail: a user name, `agent:<id>`, `policy:<rule>`, `worker`, `system`. */
  actor: string;
  reason?: string | null;
  /** Columns to set along with the new status. */
  set?: SQLiteUpdateSetSource<typeof requests>;
  now: number;
}

export function getRequest(db: Db, id: string): RequestRow | undefined {
  return db.select().from(requests).where(eq(requests.id, id)).get();
}

/** Why a transition cannot happen: the current status, and who decided it if someone did. */
function refusal(row: RequestRow, t: Transition): string {
  const spec = TRANSITIONS[t];
  const decided = row.decidedBy
    ? ` (decided by ${row.decidedBy} at ${new Date(row.decidedAt ?? 0).toISOString()})`
    : "";
  const state = row.discardedAt !== null ? "dead and already discarded" : row.status;
  return `Request ${row.id} is ${state}${decided}; it can be ${spec.verb} only while ${spec.from.join(" or ")}.`;
}

/** Applies one transition to one request, with its event; throws 404 or 409 and writes nothing. */
export function transition(db: Db, id: string, t: Transition, step: Step): RequestRow {
  const spec = TRANSITIONS[t];
  return writeTx(db, () => {
    const current = getRequest(db, id);
    if (!current) throw notFound(`No request with id ${id}.`);
    const from = current.status;
    const allowed = (spec.from as readonly RequestStatus[]).includes(from) && (t !== "discard" || current.discardedAt === null);
    const row = allowed
      ? db
          .update(requests)
          .set({ ...step.set, status: spec.to })
          .where(
            and(
              eq(requests.id, id),
              eq(requests.status, from),
              t === "discard" ? isNull(requests.discardedAt) : undefined,
            ),
          )
          .returning()
          .get()
      : undefined;
    if (!row) throw conflict(refusal(current, t));
    db.insert(requestEvents)
      .values({ requestId: id, at: step.now, actor: step.actor, fromStatus: from, toStatus: spec.to, reason: step.reason ?? null })
      .run();
    return row;
  });
}

/** Runs `fn` in one transaction, then wakes this process's waiters on the request. */
function committed(db: Db, id: string, fn: () => RequestRow): RequestRow {
  const row = writeTx(db, fn);
  announce(db, [id]);
  return row;
}

// Notices of one session go out one at a time, in order, but in a group of their own: in the
// commands' group (the session), an approval notice would wait for the session's running command.
function notify(db: Db, row: RequestRow, event: NoticeEvent, now: number) {
  enqueue(db, "notify_session", { requestId: row.id, session: row.session, event }, { groupKey: `notify:${row.session}`, now });
}

/** Puts the request's command on the queue: the one place an execution message is made. */
export function enqueueExecution(db: Db, row: RequestRow, now: number): void {
  enqueue(db, "execute_approved_command", { requestId: row.id }, { priority: row.priority, groupKey: row.session, now });
}

export interface DecideOptions {
  comment?: string | null;
  /** Also add an allow rule for this exact command, scoped to the request's agent. */
  remember?: boolean;
  now?: number;
}

/** Adds an allow rule for exactly this command and agent, unless one is already there. */
function rememberCommand(db: Db, row: RequestRow, by: UserIdentity, now: number): void {
  const pattern = exactPattern(row.command);
  const known = db
    .select({ id: rules.id })
    .from(rules)
    .where(and(eq(rules.kind, "allow"), eq(rules.pattern, pattern), eq(rules.agentId, row.agentId), isNull(rules.session)))
    .get();
  if (!known) addRule(db, { kind: "allow", pattern, agentId: row.agentId, note: `remembered when ${by.name} approved ${row.id}` }, by.name, now);
}

/** A person approves: pending → queued, the command enqueued and the agent told, atomically. */
export function approveRequest(db: Db, id: string, by: UserIdentity, opts: DecideOptions = {}): RequestRow {
  const now = opts.now ?? Date.now();
  return committed(db, id, () => {
    const row = transition(db, id, "approve", {
      actor: by.name,
      reason: opts.comment,
      set: { decidedBy: by.name, decidedAt: now, decisionComment: opts.comment ?? null, queuedAt: now },
      now,
    });
    enqueueExecution(db, row, now);
    notify(db, row, "approved", now);
    if (opts.remember) rememberCommand(db, row, by, now);
    return row;
  });
}

/** A person rejects with a reason: pending → rejected, the agent told. */
export function rejectRequest(db: Db, id: string, by: UserIdentity, reason: string, now = Date.now()): RequestRow {
  return committed(db, id, () => {
    const row = transition(db, id, "reject", {
      actor: by.name,
      reason,
      set: { decidedBy: by.name, decidedAt: now, decisionComment: reason, finishedAt: now },
      now,
    });
    notify(db, row, "rejected", now);
    return row;
  });
}

/** The agent withdraws its own pending request. */
export function cancelRequest(db: Db, id: string, agentId: string, now = Date.now()): RequestRow {
  const actor = `agent:${agentId}`;
  return committed(db, id, () =>
    transition(db, id, "cancel", { actor, reason: "cancelled by the agent", set: { decidedBy: actor, decidedAt: now, finishedAt: now }, now }),
  );
}

/** dead or failed → queued, the old result cleared; the caller sees to the message. */
function requeued(db: Db, id: string, actor: string, reason: string, now: number): RequestRow {
  return transition(db, id, "requeue", {
    actor,
    reason,
    set: { queuedAt: now, startedAt: null, finishedAt: null, exitCode: null, output: null, outputTruncated: false, discardedAt: null },
    now,
  });
}

/** A person puts a dead or failed request back on the queue as a new message. */
export function requeueRequest(db: Db, id: string, by: UserIdentity, now = Date.now()): RequestRow {
  return committed(db, id, () => {
    const row = requeued(db, id, by.name, "requeued", now);
    enqueueExecution(db, row, now);
    return row;
  });
}

/** The request's own dead message was put back on its queue (queue-level triage): follow it. */
export function markRequeuedWithMessage(db: Db, id: string, now = Date.now()): RequestRow {
  return committed(db, id, () => requeued(db, id, "system", "its dead queue message was requeued", now));
}

/** A person drops a dead request from triage: it stays `dead`, marked discarded. */
export function discardRequest(db: Db, id: string, by: UserIdentity | "system", now = Date.now()): RequestRow {
  const actor = by === "system" ? "system" : by.name;
  return committed(db, id, () => transition(db, id, "discard", { actor, reason: "discarded", set: { discardedAt: now }, now }));
}

/**
 * Expires pending requests whose time is up (GATEHOUSE_PENDING_TTL_SEC after submission), in
 * batches; each expiry is audited and the agent told. Returns how many expired.
 */
export function expirePending(db: Db, now = Date.now()): number {
  const ttl = config().GATEHOUSE_PENDING_TTL_SEC;
  let total = 0;
  for (;;) {
    const due = db.$client
      .prepare("SELECT id FROM requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT 200")
      .pluck()
      .all(now) as string[];
    const expired = writeTx(db, () =>
      due.flatMap((id) => {
        const row = getRequest(db, id);
        if (row?.status !== "pending") return []; // decided since the SELECT
        const done = transition(db, id, "expire", {
          actor: "system",
          reason: `no decision within ${ttl} s`,
          set: { decidedBy: "system", decidedAt: now, decisionComment: "expired without a decision", finishedAt: now },
          now,
        });
        notify(db, done, "expired", now);
        return [id];
      }),
    );
    announce(db, expired);
    total += expired.length;
    if (due.length < 200) return total;
  }
}

// The worker's side of the lifecycle (the execute_approved_command handler calls these).

/** queued → running: the worker is about to start the command. */
export function markRunning(db: Db, id: string, now = Date.now()): RequestRow {
  return committed(db, id, () =>
    transition(db, id, "start", { actor: "worker", set: { startedAt: now, attempts: sql`${requests.attempts} + 1` }, now }),
  );
}

/** running → queued: an infrastructure failure before the command started; the queue retries. */
export function markRetrying(db: Db, id: string, error: string, now = Date.now()): RequestRow {
  return committed(db, id, () => transition(db, id, "retry", { actor: "worker", reason: error, set: { lastError: error, startedAt: null }, now }));
}

export interface RunResult {
  exitCode: number | null;
  output: string;
  outputTruncated: boolean;
  /** Why there is no normal exit (time limit), if so. */
  error?: string | null;
  now?: number;
}

/** running → succeeded (exit 0) or failed, with the output; the agent told. */
export function markFinished(db: Db, id: string, result: RunResult): RequestRow {
  const now = result.now ?? Date.now();
  const t: Transition = result.exitCode === 0 && !result.error ? "succeed" : "fail";
  return committed(db, id, () => {
    const row = transition(db, id, t, {
      actor: "worker",
      reason: result.error ?? `exit code ${result.exitCode}`,
      set: {
        exitCode: result.exitCode,
        output: result.output,
        outputTruncated: result.outputTruncated,
        lastError: result.error ?? null,
        finishedAt: now,
      },
      now,
    });
    notify(db, row, "finished", now);
    return row;
  });
}

/** queued or running → dead (retries exhausted, or interrupted mid-run); the agent told. */
export function markDead(db: Db, id: string, reason: string, now = Date.now()): RequestRow {
  return committed(db, id, () => {
    const row = transition(db, id, "die", { actor: "worker", reason, set: { lastError: reason, finishedAt: now }, now });
    notify(db, row, "dead", now);
    return row;
  });
}
