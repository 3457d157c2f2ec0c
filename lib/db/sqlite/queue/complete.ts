import type { Lease } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

// A finished message is deleted: nothing reads it. One with an idempotency key is kept as done
// until pruned (GATEHOUSE_DONE_RETENTION_HOURS), so that its key still refuses a second enqueue.
const HELD = "lease_token = ? AND state = 'leased'";
const GONE = `DELETE FROM messages WHERE idempotency_key IS NULL AND ${HELD}`;
const KEPT = `UPDATE messages SET state = 'done', finished_at = ?, lease_token = NULL, lease_expires_at = NULL
  WHERE idempotency_key IS NOT NULL AND ${HELD}`;
// The ids of one lease token, as a JSON array: one statement for a batch of one claim.
const ONE = "AND id = ?";
const MANY = "AND id IN (SELECT value FROM json_each(?))";

const statements = perDb(({ $client: client }) => ({
  goneOne: client.prepare<[string, number]>(`${GONE} ${ONE}`),
  goneMany: client.prepare<[string, string]>(`${GONE} ${MANY}`),
  keptOne: client.prepare<[number, string, number]>(`${KEPT} ${ONE}`),
  keptMany: client.prepare<[number, string, string]>(`${KEPT} ${MANY}`),
}));

/**
 * Ends leased messages that ran, inside the caller's transaction: each is deleted, or kept as done
 * while its idempotency key must still refuse duplicates. Returns how many were still held.
 */
export function markDone(db: Db, now: number, leases: readonly Lease[]): number {
  const s = statements(db);
  if (leases.length === 1) {
    const { id, leaseToken } = leases[0]!;
    return s.goneOne.run(leaseToken, id).changes || s.keptOne.run(now, leaseToken, id).changes;
  }
  const byToken = new Map<string, number[]>();
  for (const { id, leaseToken } of leases) {
    const ids = byToken.get(leaseToken);
    if (ids) ids.push(id);
    else byToken.set(leaseToken, [id]);
  }
  let n = 0;
  for (const [token, ids] of byToken) {
    const json = JSON.stringify(ids);
    const gone = s.goneMany.run(token, json).changes;
    // Keyed messages (or ones whose lease was lost) are among them only when not all went.
    n += gone < ids.length ? gone + s.keptMany.run(now, token, json).changes : gone;
  }
  return n;
}
