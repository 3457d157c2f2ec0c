import type { Lease } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

const statements = perDb(({ $client: client }) => ({
  done: client.prepare<[number, number, string]>(
    `UPDATE messages SET state = 'done', finished_at = ?, lease_token = NULL, lease_expires_at = NULL
     WHERE id = ? AND lease_token = ? AND state = 'leased'`,
  ),
}));

/** Marks leased messages done inside the caller's transaction; returns how many were still held. */
export function markDone(db: Db, now: number, leases: readonly Lease[]): number {
  const done = statements(db).done;
  let n = 0;
  for (const lease of leases) n += done.run(now, lease.id, lease.leaseToken).changes;
  return n;
}
