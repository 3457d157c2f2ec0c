import type { Db } from "../db/client";
import type { Lease } from "./lease";
import { preparedFor } from "./prepared";

const statements = preparedFor((client) => {
  const done = client.prepare<[number, number, string]>(
    `UPDATE messages SET state = 'done', finished_at = ?, lease_token = NULL, lease_expires_at = NULL
     WHERE id = ? AND lease_token = ? AND state = 'leased'`,
  );
  const one = (now: number, lease: Lease) => done.run(now, lease.id, lease.leaseToken).changes === 1;
  return {
    one: client.transaction(one),
    /** Records the handler's own writes only if the message was still ours to complete. */
    settle: client.transaction((now: number, lease: Lease, fn: (db: Db) => void, db: Db) => {
      if (!one(now, lease)) return false;
      fn(db);
      return true;
    }),
    many: client.transaction((now: number, leases: readonly Lease[]) => {
      let n = 0;
      for (const lease of leases) n += done.run(now, lease.id, lease.leaseToken).changes;
      return n;
    }),
  };
});

/**
 * Marks a message done, if the lease is still this claim's; false when it is not (the lease
 * expired and the message was reclaimed, or the worker released it).
 */
export function complete(db: Db, lease: Lease, now = Date.now()): boolean {
  return statements(db).one.immediate(now, lease);
}

/**
 * Completes a message and applies `fn` in the same IMMEDIATE transaction, so finishing a run and
 * recording it commit together. When the lease is no longer this claim's, neither happens and the
 * answer is false. If `fn` throws, nothing is written and the error reaches the caller.
 */
export function completeWith(db: Db, lease: Lease, fn: (db: Db) => void, now = Date.now()): boolean {
  return statements(db).settle.immediate(now, lease, fn, db);
}

/** Completes many messages in one transaction; returns how many were still this worker's. */
export function completeMany(db: Db, leases: readonly Lease[], now = Date.now()): number {
  return leases.length ? statements(db).many.immediate(now, leases) : 0;
}
