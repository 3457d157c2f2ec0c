import type { ChangedRow, Lease, QueueReactions } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { CHANGED_COLUMNS, follow } from "./changed";

// A stopping worker gives back what it could not finish. A `retry` actor's message goes back to
// ready with this attempt uncounted (it did not fail); a `dead` actor's message may have started,
// so it is dead-lettered as interrupted rather than run a second time.
const RELEASE = `
UPDATE messages SET
  state = CASE WHEN on_lease_lost = 'retry' THEN 'ready' ELSE 'dead' END,
  attempts = CASE WHEN on_lease_lost = 'retry' THEN attempts - 1 ELSE attempts END,
  run_at = CASE WHEN on_lease_lost = 'retry' THEN @now ELSE run_at END,
  dead_reason = CASE WHEN on_lease_lost = 'retry' THEN NULL ELSE 'interrupted' END,
  finished_at = CASE WHEN on_lease_lost = 'retry' THEN NULL ELSE @now END,
  last_error = CASE WHEN on_lease_lost = 'retry' THEN last_error
                    ELSE 'The worker stopped before the run finished' END,
  lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND lease_token = @token AND state = 'leased'
RETURNING ${CHANGED_COLUMNS}`;

const statements = perDb((db) => {
  const release = db.$client.prepare<[Record<string, unknown>], ChangedRow>(RELEASE);
  return {
    release: db.$client.transaction((leases: readonly Lease[], now: number, react: QueueReactions) => {
      const rows: ChangedRow[] = [];
      for (const lease of leases) {
        const row = release.get({ id: lease.id, token: lease.leaseToken, now });
        if (row) rows.push(row);
      }
      follow(db, rows, react.changed(rows));
      return rows.length;
    }),
  };
});

/** Gives back messages a stopping worker still holds; returns how many were still its own. */
export function release(db: Db, leases: readonly Lease[], now: number, react: QueueReactions): number {
  return leases.length ? statements(db).release.immediate(leases, now, react) : 0;
}
