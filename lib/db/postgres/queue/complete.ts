import type { Lease, Plan } from "../../store";
import type { Pg, PgTx } from "../client";
import { applyPlans } from "../requests/apply";

/** Marks leased messages done inside the caller's transaction; returns how many were still held. */
export async function markDone(c: PgTx, now: number, leases: readonly Lease[]): Promise<number> {
  if (!leases.length) return 0;
  const [row] = await c.query<{ n: number }>(
    `WITH done AS (
       UPDATE messages m SET state = 'done', finished_at = $1, lease_token = NULL, lease_expires_at = NULL
       FROM unnest($2::bigint[], $3::text[]) AS held(lease_id, token)
       WHERE m.id = held.lease_id AND m.lease_token = held.token AND m.state = 'leased'
       RETURNING 1)
     SELECT count(*) AS n FROM done`,
    [now, leases.map((l) => l.id), leases.map((l) => l.leaseToken)],
  );
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
