import type { ChangedRow, FailParams, Lease, QueueReactions } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { CHANGED_COLUMNS, follow } from "./changed";

// Retry or dead is decided here, in the statement: a message claimed `attempts` times has had
// attempts − 1 retries, so it may retry while attempts <= max_retries.
const FAIL = `
UPDATE messages SET
  state = CASE WHEN attempts <= max_retries THEN 'ready' ELSE 'dead' END,
  run_at = CASE WHEN attempts <= max_retries THEN @run_at ELSE run_at END,
  dead_reason = CASE WHEN attempts <= max_retries THEN NULL ELSE @dead_reason END,
  finished_at = CASE WHEN attempts <= max_retries THEN NULL ELSE @now END,
  last_error = @error, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND lease_token = @token AND state = 'leased'
RETURNING ${CHANGED_COLUMNS}`;

const statements = perDb((db) => {
  const fail = db.$client.prepare<[Record<string, unknown>], ChangedRow>(FAIL);
  return {
    fail: db.$client.transaction((params: Record<string, unknown>, react: QueueReactions) => {
      const row = fail.get(params);
      if (row) follow(db, [row], react.changed([row]));
      return row ?? null;
    }),
  };
});

/** Records a failed run: a retry at runAt while retries are left, else a dead letter; null when the lease is lost. */
export function fail(db: Db, lease: Lease, p: FailParams, react: QueueReactions): ChangedRow | null {
  return statements(db).fail.immediate(
    { id: lease.id, token: lease.leaseToken, now: p.now, run_at: p.runAt, dead_reason: p.deadReason, error: p.error },
    react,
  );
}
