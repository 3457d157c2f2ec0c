import { and, eq, isNull, sql, type Placeholder } from "drizzle-orm";
import type { Request } from "../../rows";
import type { Applied, Effects, Plan, RequestPatch } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { insertMessages } from "../queue/enqueue";
import { requestEvents, requests, rules } from "../schema";
import { rulesChanged } from "./rules";

/** A required plan could not apply: thrown to roll back the transaction, caught by `apply`. */
export class PlanRefused extends Error {
  constructor(readonly refusal: Extract<Applied, { ok: false }>) {
    super(`Request ${refusal.plan.requestId} cannot go to ${refusal.plan.to}`);
  }
}

const placeholders = (keys: readonly string[]): Record<string, Placeholder> => Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)]));

const statements = perDb((db) => ({
  get: db.select().from(requests).where(eq(requests.id, sql.placeholder("id"))).prepare(),
  event: db
    .insert(requestEvents)
    .values({
      requestId: sql.placeholder("requestId"),
      at: sql.placeholder("at"),
      actor: sql.placeholder("actor"),
      fromStatus: sql.placeholder("fromStatus"),
      toStatus: sql.placeholder("toStatus"),
      reason: sql.placeholder("reason"),
    })
    .prepare(),
  /** The guarded UPDATE of each shape of plan (the columns it sets, its flags), prepared once. */
  updates: new Map<string, ReturnType<typeof prepareUpdate>>(),
}));

function prepareUpdate(db: Db, keys: readonly (keyof RequestPatch)[], countAttempt: boolean, undiscarded: boolean) {
  return db
    .update(requests)
    // A placeholder in set() is bound with its column's encoding (booleans as 0/1), as a value would be.
    .set({ ...placeholders([...keys, "status"]), ...(countAttempt && { attempts: sql`${requests.attempts} + 1` }) })
    .where(and(eq(requests.id, sql.placeholder("id")), eq(requests.status, sql.placeholder("from")), undiscarded ? isNull(requests.discardedAt) : undefined))
    .returning()
    .prepare();
}

/** Sets `plan.set` and the new status on the request if it is still in `from` (and undiscarded, if asked). */
function guardedUpdate(db: Db, plan: Plan, from: string): Request | undefined {
  const keys = (Object.keys(plan.set) as (keyof RequestPatch)[]).filter((k) => plan.set[k] !== undefined).sort();
  const shape = `${keys.join(",")}|${plan.countAttempt ? 1 : 0}|${plan.undiscarded ? 1 : 0}`;
  const { updates } = statements(db);
  let update = updates.get(shape);
  if (!update) updates.set(shape, (update = prepareUpdate(db, keys, !!plan.countAttempt, !!plan.undiscarded)));
  return update.get({ ...plan.set, id: plan.requestId, from, status: plan.to });
}

export function getRequest(db: Db, id: string): Request | undefined {
  return statements(db).get.get({ id });
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
    if (!known) {
      db.insert(rules).values(rule).run();
      rulesChanged(db);
    }
  }
}

function applyOne(db: Db, plan: Plan): Request | undefined {
  const current = getRequest(db, plan.requestId);
  const allowed = current && plan.from.includes(current.status) && (!plan.undiscarded || current.discardedAt === null);
  const row = allowed ? guardedUpdate(db, plan, current.status) : undefined;
  if (!row) {
    if (plan.optional) return undefined;
    throw new PlanRefused({ ok: false, plan, current });
  }
  statements(db).event.run({ requestId: row.id, at: plan.event.at, actor: plan.event.actor, fromStatus: current!.status, toStatus: plan.to, reason: plan.event.reason });
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
