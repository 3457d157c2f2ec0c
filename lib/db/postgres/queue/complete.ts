import type { Lease, Plan } from "../../store";
import type { Pg, PgTx } from "../client";
import { applyPlans } from "../requests/apply";

/**
 * Ends leased messages that ran, inside the caller's transaction: a message is deleted, or kept as
 * done while its idempotency key must still refuse duplicates (gatehouse_finish, in
 * drizzle/postgres/0012_finish_by_delete.sql). Returns how many were still held.
 */
export async function markDone(c: PgTx, now: number, leases: readonly Lease[]): Promise<number> {
  if (!leases.length) return 0;
  const [row] = await c.query<{ n: number }>(`SELECT gatehouse_finish($1, $2::bigint[], $3::text[]) AS n`, [
    now,
    leases.map((l) => l.id),
    leases.map((l) => l.leaseToken),
  ]);
  return row?.n ?? 0;
}

/** Completes many messages in one transaction; returns how many were still this worker's. */
export async function completeMany(pg: Pg, leases: readonly Lease[], now: number): Promise<number> {
  return leases.length ? pg.tx((c) => markDone(c, now, leases)) : 0;
}

/**
 * Completes a message and applies `plans` in one transaction, so finishing a run and recording it
 * commit together; false, with nothing written, when the lease is no longer this claim's. A
 * required plan that is refused rolls both back and its error reaches the caller.
 */
export async function completeWith(pg: Pg, lease: Lease, plans: readonly Plan[], now: number): Promise<boolean> {
  return pg.tx(async (c) => {
    if ((await markDone(c, now, [lease])) !== 1) return false;
    if (plans.length) await applyPlans(c, plans);
    return true;
  });
}
