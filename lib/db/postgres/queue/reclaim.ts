import type { ChangedRow, QueueReactions } from "../../store";
import type { Pg } from "../client";
import { CHANGED_COLUMNS, follow } from "./changed";

// A message whose lease ran out belonged to a worker that died or stalled: its actor's
// on_lease_lost decides. `retry`: due again at once, this attempt counted (a message that kills
// its worker every time must not loop forever). `dead`: it may have started, so a person decides.
// SKIP LOCKED: reclaimers on several hosts share the expired messages instead of queueing behind
// one another, and a lease being extended right now (its row locked by a heartbeat) is left alone.
const RECLAIM = `
UPDATE messages SET
  state = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN 'ready' ELSE 'dead' END,
  dead_reason = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN NULL
                     WHEN on_lease_lost = 'dead' THEN 'interrupted' ELSE 'retries_exhausted' END,
  finished_at = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN NULL ELSE $1::bigint END,
  run_at = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN $1::bigint ELSE run_at END,
  last_error = 'The lease ran out: worker ' || coalesce(worker_id, '?') || ' died or stalled mid-run',
  lease_token = NULL, lease_expires_at = NULL
WHERE id IN (
  SELECT id FROM messages WHERE state = 'leased' AND lease_expires_at < $1
  ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING ${CHANGED_COLUMNS}`;

/** Up to `limit` messages whose lease expired, each as its on_lease_lost says, with the reactions, in one transaction. */
export async function reclaim(pg: Pg, now: number, limit: number, react: QueueReactions): Promise<ChangedRow[]> {
  return pg.tx(async (c) => {
    const rows = await c.query<ChangedRow>(RECLAIM, [now, limit]);
    if (rows.length) await follow(c, rows, react.changed(rows));
    return rows;
  });
}
