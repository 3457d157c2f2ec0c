import type { Db } from "../db/client";
import { announce, CHANGED_COLUMNS, type ChangedRow } from "./hooks";
import { perDb } from "../db/per-db";
import { nudge } from "./wake";

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

const statements = perDb(({ $client: client }) => {
  const reclaim = client.prepare<[Record<string, unknown>], ChangedRow>(RECLAIM);
  return {
    reclaim: client.transaction((now: number, limit: number, db: Db) => {
      const rows = reclaim.all({ now, limit });
      announce(db, rows);
      return rows;
    }),
  };
});

export interface Reclaimed {
  retried: number[];
  dead: number[];
}

/** Recovers messages whose lease expired, each as its actor's `onLeaseLost` says. */
export function reclaim(db: Db, now = Date.now()): Reclaimed {
  const result: Reclaimed = { retried: [], dead: [] };
  for (;;) {
    const rows = statements(db).reclaim.immediate(now, 500, db);
    for (const row of rows) (row.state === "dead" ? result.dead : result.retried).push(row.id);
    if (rows.length < 500) {
      if (result.retried.length) nudge();
      return result;
    }
  }
}
