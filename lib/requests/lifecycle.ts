import type { UserIdentity } from "../auth/users";
import { config } from "../config";
import type { Request as RequestRow } from "../db/rows";
import type { Effects, NewMessage, Plan, RequestPatch, Store } from "../db/store";
import { conflict, notFound } from "../http/errors";
import { newId } from "../ids";
import { prepareMessage } from "../queue/enqueue";
import { nudge } from "../queue/wake";
import type { NoticeEvent } from "./notices";
import { exactPattern } from "./patterns";
import type { RequestStatus } from "./statuses";

// The request state machine (docs/lifecycle.md), in one place. Every transition is a Plan: one guarded
// UPDATE (`WHERE id = ? AND status = <current>`) plus its audit event and what follows from it
// (messages to enqueue), which a store applies in one transaction. A transition that finds the
// request in another status changes nothing and throws 409 naming that status.

/** Which statuses each transition leaves from, and where it goes. */
export const TRANSITIONS = {
  approve: { from: ["pending"], to: "queued", verb: "approved" },
  /** A gate request's approval: the agent runs the command itself. */
  allow: { from: ["pending"], to: "allowed", verb: "allowed" },
  /** What happened when the agent ran an allowed gate request. */
  record: { from: ["allowed"], to: "allowed", verb: "given its outcome" },
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
  set?: RequestPatch;
  now: number;
  countAttempt?: boolean;
  then?: (row: RequestRow) => Effects;
}

/** The plan of one transition of one request. */
export function plan(id: string, t: Transition, step: Step): Plan {
  const spec = TRANSITIONS[t];
  return {
    requestId: id,
    from: spec.from,
    to: spec.to,
    undiscarded: t === "discard",
    set: step.set ?? {},
    countAttempt: step.countAttempt,
    event: { at: step.now, actor: step.actor, reason: step.reason ?? null },
    then: step.then,
  };
}

export function getRequest(store: Store, id: string): Promise<RequestRow | undefined> {
  return store.getRequest(id);
}

/** Why a transition cannot happen: the current status, and who decided it if someone did. */
export function refusal(row: RequestRow, t: Transition): string {
  const spec = TRANSITIONS[t];
  const decided = row.decidedBy ? ` (decided by ${row.decidedBy} at ${new Date(row.decidedAt ?? 0).toISOString()})` : "";
  const state = row.discardedAt !== null ? "dead and already discarded" : row.status;
  return `Request ${row.id} is ${state}${decided}; it can be ${spec.verb} only while ${spec.from.join(" or ")}.`;
}

/** Applies one transition (and what follows from it) in one transaction; throws 404 or 409 and writes nothing. */
export function transition(store: Store, id: string, t: Transition, step: Step): Promise<RequestRow> {
  return applyPlan(store, plan(id, t, step), t);
}

async function applyPlan(store: Store, p: Plan, t: Transition): Promise<RequestRow> {
  const applied = await store.apply([p]);
  if (!applied.ok) {
    if (!applied.current) throw notFound(`No request with id ${p.requestId}.`);
    throw conflict(refusal(applied.current, t));
  }
  if (p.then) nudge();
  return applied.rows[0]!;
}

// Notices of one session go out one at a time, in order, but in a group of their own: in the
// commands' group (the session), an approval notice would wait for the session's running command.
export const noticeGroup = (session: string) => `notify:${session}`;

// A gate request's agent hears the answer from its hook, waiting: it gets no inbox notice.
function notice(row: RequestRow, event: NoticeEvent, now: number): NewMessage[] {
  if (row.kind === "gate") return [];
  return [prepareMessage({ actor: "notify_session", payload: { requestId: row.id, session: row.session, event }, groupKey: noticeGroup(row.session), now })];
}

/** The queue groups of a session's messages (its commands, its notices): what a runner of the session takes. */
export function sessionGroups(session: string): string[] {
  return [session, noticeGroup(session)];
}

/** The request's command on the queue: the one place an execution message is made. */
export function execution(row: RequestRow, now: number): NewMessage {
  return prepareMessage({ actor: "execute_approved_command", payload: { requestId: row.id }, priority: row.priority, groupKey: row.session, now });
}

export interface DecideOptions {
  comment?: string | null;
  /** Also add an allow rule for this exact command, scoped to the request's agent. */
  remember?: boolean;
  now?: number;
}

/**
 * A person approves: pending → queued, the command enqueued and the agent told, atomically; a gate
 * request goes pending → allowed, for its agent to run.
 */
export async function approveRequest(store: Store, id: string, by: UserIdentity, opts: DecideOptions = {}): Promise<RequestRow> {
  const now = opts.now ?? Date.now();
  // A request's kind never changes, so reading it first decides nothing that could change meanwhile.
  const gate = (await store.getRequest(id))?.kind === "gate";
  return transition(store, id, gate ? "allow" : "approve", {
    actor: by.name,
    reason: opts.comment,
    set: { decidedBy: by.name, decidedAt: now, decisionComment: opts.comment ?? null, queuedAt: gate ? null : now },
    now,
    then: (row) => ({
      enqueue: gate ? [] : [execution(row, now), ...notice(row, "approved", now)],
      remember: opts.remember
        ? { id: newId(now), kind: "allow", pattern: exactPattern(row.command), agentId: row.agentId, session: null, createdBy: by.name, note: `remembered when ${by.name} approved ${row.id}`, createdAt: now }
        : undefined,
    }),
  });
}

/** A person rejects with a reason: pending → rejected, the agent told. */
export function rejectRequest(store: Store, id: string, by: UserIdentity, reason: string, now = Date.now()): Promise<RequestRow> {
  return transition(store, id, "reject", {
    actor: by.name,
    reason,
    set: { decidedBy: by.name, decidedAt: now, decisionComment: reason, finishedAt: now },
    now,
    then: (row) => ({ enqueue: notice(row, "rejected", now) }),
  });
}

/** The agent withdraws its own pending request. */
export function cancelRequest(store: Store, id: string, agentId: string, now = Date.now()): Promise<RequestRow> {
  const actor = `agent:${agentId}`;
  return transition(store, id, "cancel", { actor, reason: "cancelled by the agent", set: { decidedBy: actor, decidedAt: now, finishedAt: now }, now });
}

/** dead or failed → queued, the old result cleared. */
function requeued(actor: string, reason: string, now: number, then?: Step["then"]): Step {
  return {
    actor,
    reason,
    set: { queuedAt: now, startedAt: null, finishedAt: null, exitCode: null, output: null, outputTruncated: false, discardedAt: null },
    now,
    then,
  };
}

/** A person puts a dead or failed request back on the queue as a new message. */
export function requeueRequest(store: Store, id: string, by: UserIdentity, now = Date.now()): Promise<RequestRow> {
  return transition(store, id, "requeue", requeued(by.name, "requeued", now, (row) => ({ enqueue: [execution(row, now)] })));
}

/** The plan that makes a request follow its dead queue message back onto the queue (queue-level triage). */
export function requeuedWithMessagePlan(id: string, now = Date.now()): Plan {
  return plan(id, "requeue", requeued("system", "its dead queue message was requeued", now));
}

/** A person drops a dead request from triage: it stays `dead`, marked discarded. */
export function discardRequest(store: Store, id: string, by: UserIdentity, now = Date.now()): Promise<RequestRow> {
  return transition(store, id, "discard", discardStep(by.name, now));
}

export function discardStep(actor: string, now: number): Step {
  return { actor, reason: "discarded", set: { discardedAt: now }, now };
}

/** How many pending requests one expiry transaction handles. */
const EXPIRE_BATCH = 200;

/**
 * Expires pending requests whose time is up (GATEHOUSE_PENDING_TTL_SEC after submission), in
 * batches; each expiry is audited and the agent told. Returns how many expired.
 */
export async function expirePending(store: Store, now = Date.now()): Promise<number> {
  const ttl = config().GATEHOUSE_PENDING_TTL_SEC;
  let total = 0;
  for (;;) {
    const due = await store.duePending(now, EXPIRE_BATCH);
    // Optional: one decided since the read is skipped, not an error.
    const plans = due.map((id) => ({
      ...plan(id, "expire", {
        actor: "system",
        reason: `no decision within ${ttl} s`,
        set: { decidedBy: "system", decidedAt: now, decisionComment: "expired without a decision", finishedAt: now },
        now,
        then: (row) => ({ enqueue: notice(row, "expired", now) }),
      }),
      optional: true,
    }));
    const applied = plans.length ? await store.apply(plans) : { ok: true as const, rows: [] };
    const expired = applied.ok ? applied.rows.map((r) => r.id) : [];
    if (expired.length) nudge();
    total += expired.length;
    if (due.length < EXPIRE_BATCH) return total;
  }
}

// The worker's side of the lifecycle (the execute_approved_command handler and the queue hooks).

/** queued → running: the worker is about to start the command. */
export function markRunning(store: Store, id: string, now = Date.now()): Promise<RequestRow> {
  return transition(store, id, "start", { actor: "worker", set: { startedAt: now }, countAttempt: true, now });
}

/** The plan for running → queued: an infrastructure failure before the command started; the queue retries. */
export function retryingPlan(id: string, error: string, now = Date.now()): Plan {
  return plan(id, "retry", { actor: "worker", reason: error, set: { lastError: error, startedAt: null }, now });
}

export interface RunResult {
  exitCode: number | null;
  output: string;
  outputTruncated: boolean;
  /** Why there is no normal exit (time limit), if so. */
  error?: string | null;
  now?: number;
}

const outcome = (result: RunResult): Transition => (result.exitCode === 0 && !result.error ? "succeed" : "fail");

/** The plan for running → succeeded (exit 0) or failed, with the output; the agent told. */
export function finishedPlan(id: string, result: RunResult): Plan {
  const now = result.now ?? Date.now();
  return plan(id, outcome(result), {
    actor: "worker",
    reason: result.error ?? `exit code ${result.exitCode}`,
    set: { exitCode: result.exitCode, output: result.output, outputTruncated: result.outputTruncated, lastError: result.error ?? null, finishedAt: now },
    now,
    then: (row) => ({ enqueue: notice(row, "finished", now) }),
  });
}

/** running → succeeded or failed, outside a message's completion (tests, tools). */
export function markFinished(store: Store, id: string, result: RunResult): Promise<RequestRow> {
  return applyPlan(store, finishedPlan(id, result), outcome(result));
}

/** The plan for queued or running → dead (retries exhausted, or interrupted mid-run); the agent told. */
export function deadPlan(id: string, reason: string, now = Date.now()): Plan {
  return plan(id, "die", { actor: "worker", reason, set: { lastError: reason, finishedAt: now }, now, then: (row) => ({ enqueue: notice(row, "dead", now) }) });
}

export function markDead(store: Store, id: string, reason: string, now = Date.now()): Promise<RequestRow> {
  return applyPlan(store, deadPlan(id, reason, now), "die");
}
