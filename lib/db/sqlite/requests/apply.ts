import { and, eq, isNull, sql } from "drizzle-orm";
import type { Request } from "../../rows";
import type { Applied, Effects, Plan } from "../../store";
import type { Db } from "../client";
import { insertMessages } from "../queue/enqueue";
import { requestEvents, requests, rules } from "../schema";

/** A required plan could not apply: thrown to roll back the transaction, caught by `apply`. */
export class PlanRefused extends Error {
  constructor(readonly refusal: Extract<Applied, { ok: false }>) {
    super(`Request ${refusal.plan.requestId} cannot go to ${refusal.plan.to}`);
  }
}

export function getRequest(db: Db, id: string): Request | undefined {
  return db.select().from(requests).where(eq(requests.id, id)).get();
}

function applyEffects(db: Db, effects: Effects): void {
  if (effects.enqueue?.length) insertMessages(db, effects.enqueue);
  const rule = effects.remember;
  if (rule) {
    const known = db
      .select({ id: rules.id })
      .from(rules)
      .where(and(eq(rules.kind, rule.kind), eq(rules.pattern, rule.pattern), rule.agentId === null ? isNull(rules.agentId) : eq(rules.agentId, rule.agentId), isNull(rules.session)))
      .get();
    if (!known) db.insert(rules).values(rule).run();
  }
}

function applyOne(db: Db, plan: Plan): Request | undefined {
  const current = getRequest(db, plan.requestId);
  const allowed = current && plan.from.includes(current.status) && (!plan.undiscarded || current.discardedAt === null);
  const row = allowed
    ? db
        .update(requests)
        .set({ ...plan.set, ...(plan.countAttempt && { attempts: sql`${requests.attempts} + 1` }), status: plan.to })
        .where(and(eq(requests.id, plan.requestId), eq(requests.status, current.status), plan.undiscarded ? isNull(requests.discardedAt) : undefined))
        .returning()
        .get()
    : undefined;
  if (!row) {
    if (plan.optional) return undefined;
    throw new PlanRefused({ ok: false, plan, current });
  }
  db.insert(requestEvents)
    .values({ requestId: row.id, at: plan.event.at, actor: plan.event.actor, fromStatus: current!.status, toStatus: plan.to, reason: plan.event.reason })
    .run();
  if (plan.then) applyEffects(db, plan.then(row));
  return row;
}

/**
 * Applies plans in order inside the caller's IMMEDIATE transaction: each a guarded UPDATE (the
 * status it was read in, so nothing decided in between is overwritten), its audit event and its
 * effects. Throws PlanRefused when a required plan cannot apply.
 */
export function applyPlans(db: Db, plans: readonly Plan[]): Request[] {
  return plans.flatMap((plan) => applyOne(db, plan) ?? []);
}
