import type { Lease } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

const DONE = "UPDATE messages SET state = 'done', finished_at = ?, lease_token = NULL, lease_expires_at = NULL";

const statements = perDb(({ $client: client }) => ({
  one: client.prepare<[number, number, string]>(`${DONE} WHERE id = ? AND lease_token = ? AND state = 'leased'`),
  // The ids of one lease token, as a JSON array: one statement for a batch of one claim.
  many: client.prepare<[number, string, string]>(`${DONE} WHERE id IN (SELECT value FROM json_each(?)) AND lease_token = ? AND state = 'leased'`),
}));

/** Marks leased messages done inside the caller's transaction; returns how many were still held. */
export function markDone(db: Db, now: number, leases: readonly Lease[]): number {
  const s = statements(db);
  if (leases.length === 1) return s.one.run(now, leases[0]!.id, leases[0]!.leaseToken).changes;
  const byToken = new Map<string, number[]>();
  for (const { id, leaseToken } of leases) {
    const ids = byToken.get(leaseToken);
    if (ids) ids.push(id);
    else byToken.set(leaseToken, [id]);
  }
  let n = 0;
  for (const [token, ids] of byToken) n += s.many.run(now, JSON.stringify(ids), token).changes;
  return n;
}
