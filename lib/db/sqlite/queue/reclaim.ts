import type { ChangedRow, QueueReactions } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { CHANGED_COLUMNS, follow } from "./changed";

// A message whose lease ran out belonged to a worker that died or stalled: its actor's
// on_lease_lost decides. `retry`: due again at once, this attempt counted (a message that kills
// its worker every time must not loop forever). `dead`: it may have started, so a person decides.
const RECLAIM = `
UPDATE messages SET
  state = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN 'ready' ELSE 'dead' END,
  dead_reason = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN NULL
                     WHEN on_lease_lost = 'dead' THEN 'interrupted' ELSE 'retries_exhausted' END,
  finished_at = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN NULL ELSE @now END,
  run_at = CASE WHEN on_lease_lost = 'retry' AND attempts <= max_retries THEN @now ELSE run_at END,
  last_error = 'The lease ran out: worker ' || coalesce(worker_id, '?') || ' died or stalled mid-run',
  lease_token = NULL, lease_expires_at = NULL
WHERE id IN (SELECT id FROM messages WHERE state = 'leased' AND lease_expires_at < @now LIMIT @limit)
RETURNING ${CHANGED_COLUMNS}`;

const statements = perDb((db) => {
  const reclaim = db.$client.prepare<[Record<string, unknown>], ChangedRow>(RECLAIM);
  return {
    reclaim: db.$client.transaction((now: number, limit: number, react: QueueReactions) => {
      const rows = reclaim.all({ now, limit });
      follow(db, rows, react.changed(rows));
      return rows;
    }),
  };
});

/** Recovers up to `limit` messages whose lease expired, each as its actor's on_lease_lost says. */
export function reclaim(db: Db, now: number, limit: number, react: QueueReactions): ChangedRow[] {
  return statements(db).reclaim.immediate(now, limit, react);
}
