import type { ChangedRow, Plan } from "../../store";
import type { PgTx } from "../client";
import { applyPlans } from "../requests/apply";
import { notifyWork } from "./wake";

/** The columns of a ChangedRow, for the queue's RETURNING clauses. */
export const CHANGED_COLUMNS = `id, actor, queue, payload, attempts, last_error AS "lastError", state, run_at AS "runAt",
  dead_reason AS "deadReason"`;

/**
 * Applies what the domain wants done about changed messages, inside the caller's transaction, and
 * wakes the workers of the queues where a message became ready again (at commit).
 */
export async function follow(c: PgTx, rows: readonly ChangedRow[], plans: readonly Plan[]): Promise<void> {
  if (plans.length) await applyPlans(c, plans);
  await notifyWork(c, rows.filter((r) => r.state === "ready").map((r) => r.queue));
}
