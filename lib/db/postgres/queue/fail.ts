import type { ChangedRow, FailParams, Lease, QueueReactions } from "../../store";
import type { Pg } from "../client";
import { CHANGED_COLUMNS, follow } from "./changed";

// Retry or dead is decided here, in the statement: a message claimed `attempts` times has had
// attempts − 1 retries, so it may retry while attempts <= max_retries.
const FAIL = `
UPDATE messages SET
  state = CASE WHEN attempts <= max_retries THEN 'ready' ELSE 'dead' END,
  run_at = CASE WHEN attempts <= max_retries THEN $3::bigint ELSE run_at END,
  dead_reason = CASE WHEN attempts <= max_retries THEN NULL ELSE $4::text END,
  finished_at = CASE WHEN attempts <= max_retries THEN NULL ELSE $5::bigint END,
  last_error = $6, lease_token = NULL, lease_expires_at = NULL
WHERE id = $1 AND lease_token = $2 AND state = 'leased'
RETURNING ${CHANGED_COLUMNS}`;

/** Records a failed run: a retry at runAt while retries are left, else a dead letter; null when the lease is lost. */
export async function fail(pg: Pg, lease: Lease, p: FailParams, react: QueueReactions): Promise<ChangedRow | null> {
  return pg.tx(async (c) => {
    const [row] = await c.query<ChangedRow>(FAIL, [lease.id, lease.leaseToken, p.runAt, p.deadReason, p.now, p.error]);
    if (!row) return null;
    await follow(c, [row], react.changed([row]));
    return row;
  });
}
