import type { ChangedRow, Plan } from "../../store";
import type { Db } from "../client";
import { applyPlans } from "../requests/apply";
import { workWritten } from "./wake";

/** The columns of a ChangedRow, for the queue's RETURNING clauses. */
export const CHANGED_COLUMNS =
  "id, actor, queue, payload, attempts, last_error AS lastError, state, run_at AS runAt, dead_reason AS deadReason";

/**
 * Applies what the domain wants done about changed messages, inside the caller's transaction, and
 * tells other processes' workers (once it commits) when one of them is ready again.
 */
export function follow(db: Db, rows: readonly ChangedRow[], plans: readonly Plan[]): void {
  if (plans.length) applyPlans(db, plans);
  if (rows.some((r) => r.state === "ready")) workWritten(db);
}
