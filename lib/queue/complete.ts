import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import type { Lease } from "./lease";
import { perDb } from "../db/per-db";

const DONE = `UPDATE messages SET state = 'done', finished_at = ?, lease_token = NULL, lease_expires_at = NULL
              WHERE id = ? AND lease_token = ? AND state = 'leased'`;

/**
 * Marks leased messages done inside the caller's transaction; returns how many were still held.
 * Shared with claim.ts, which completes a worker's finished messages and claims its next ones in
 * one transaction.
 */
export function markDone(client: Database.Database): (now: number, leases: readonly Lease[]) => number {
  const done = client.prepare<[number, number, string]>(DONE);
  return (now, leases) => {
    let n = 0;
    for (const lease of leases) n += done.run(now, lease.id, lease.leaseToken).changes;
    return n;
  };
}

const statements = perDb(({ $client: client }) => {
  const many = markDone(client);
  return {
    many: client.transaction(many),
    /** Records the handler's own writes only if the message was still ours to complete. */
    settle: client.transaction((now: number, lease: Lease, fn: (db: Db) => void, db: Db) => {
      if (many(now, [lease]) !== 1) return false;
      fn(db);
      return true;
    }),
  };
});

/**
 * Marks a message done, if the lease is still this claim's; false when it is not (the lease
 * expired and the message was reclaimed, or the worker released it).
 */
export function complete(db: Db, lease: Lease, now = Date.now()): boolean {
  return statements(db).many.immediate(now, [lease]) === 1;
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
