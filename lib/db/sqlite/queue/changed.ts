import type { Plan } from "../../store";
import type { Db } from "../client";
import { applyPlans } from "../requests/apply";

/** The columns of a ChangedRow, for the queue's RETURNING clauses. */
export const CHANGED_COLUMNS =
  "id, actor, queue, payload, attempts, last_error AS lastError, state, run_at AS runAt, dead_reason AS deadReason";

/** Applies what the domain wants done about changed messages, inside the caller's transaction. */
export function follow(db: Db, plans: readonly Plan[]): void {
  if (plans.length) applyPlans(db, plans);
}
