import type { PgTx } from "../client";
import type { Request } from "../../rows";
import type { Applied, Effects, Plan } from "../../store";
import { insertMessages } from "../queue/enqueue";
import { REQUEST_COLUMNS, unstorable } from "../rows";
import { insertEvents } from "./events";
import { assignments } from "./patch";
import { rememberRule } from "./rules";

type Refusal = Extract<Applied, { ok: false }>;

/**
 * A required plan could not apply. Thrown out of the caller's transaction so that it rolls back
 * everything written before it; whoever opened the transaction returns `refusal` as the answer.
 */
export class PlanRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`Plan refused: request ${refusal.plan.requestId} is ${refusal.current?.status ?? "missing"}.`);
    this.name = "PlanRefused";
  }
}

/**
 * Applies plans in order inside the caller's transaction: each one's guarded UPDATE, its audit
 * event and its effects. Optional plans that find the request elsewhere are skipped; a required
 * one throws PlanRefused. The rows are those of the plans that applied.
 */
export async function applyPlans(c: PgTx, plans: readonly Plan[]): Promise<Applied> {
  const rows: Request[] = [];
  for (const plan of plans) {
    const row = await applyPlan(c, plan);
    if (row) rows.push(row);
  }
  return { ok: true, rows };
}

async function applyPlan(c: PgTx, plan: Plan): Promise<Request | undefined> {
  // The row lock makes the check and the UPDATE one decision: a concurrent transition of the same
  // request waits here until this transaction ends, then reads the status it left.
  const [current] = unstorable(plan.requestId)
    ? []
    : await c.query<Request>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = $1 FOR UPDATE`, [plan.requestId]);
  const allowed = current && plan.from.includes(current.status) && !(plan.undiscarded && current.discardedAt !== null);
  const row = current && allowed ? await update(c, plan, current) : undefined;
  if (!current || !row) {
    if (plan.optional) return undefined;
    throw new PlanRefused({ ok: false, plan, current });
  }
  const { at, actor, reason } = plan.event;
  await insertEvents(c, [{ requestId: row.id, at, actor, fromStatus: current.status, toStatus: plan.to, reason }]);
  if (plan.then) await applyEffects(c, plan.then(row));
  return row;
}

/** The guarded UPDATE: still `WHERE status = <what was read>`, so it can never act on a stale read. */
async function update(c: PgTx, plan: Plan, current: Request): Promise<Request | undefined> {
  const values: unknown[] = [plan.requestId, current.status];
  // As on SQLite, a counted attempt wins over an `attempts` in the patch (one assignment per column).
  const patch = plan.countAttempt ? { ...plan.set, attempts: undefined } : plan.set;
  const sets = [`status = $${values.push(plan.to)}`, ...assignments(patch, values)];
  if (plan.countAttempt) sets.push("attempts = attempts + 1");
  const discarded = plan.undiscarded ? " AND discarded_at IS NULL" : "";
  const [row] = await c.query<Request>(
    `UPDATE requests SET ${sets.join(", ")} WHERE id = $1 AND status = $2${discarded} RETURNING ${REQUEST_COLUMNS}`,
    values,
  );
  return row;
}

async function applyEffects(c: PgTx, effects: Effects): Promise<void> {
  if (effects.enqueue?.length) await insertMessages(c, effects.enqueue);
  if (effects.remember) await rememberRule(c, effects.remember);
}
