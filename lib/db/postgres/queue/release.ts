import type { ChangedRow, Lease, QueueReactions } from "../../store";
import type { Pg } from "../client";
import { CHANGED_COLUMNS, follow } from "./changed";

// A stopping worker gives back what it could not finish. A `retry` actor's message goes back to
// ready with this attempt uncounted (it did not fail); a `dead` actor's message may have started,
// so it is dead-lettered as interrupted rather than run a second time.
const RELEASE = `
UPDATE messages m SET
  state = CASE WHEN on_lease_lost = 'retry' THEN 'ready' ELSE 'dead' END,
  attempts = CASE WHEN on_lease_lost = 'retry' THEN attempts - 1 ELSE attempts END,
  run_at = CASE WHEN on_lease_lost = 'retry' THEN $1::bigint ELSE run_at END,
  dead_reason = CASE WHEN on_lease_lost = 'retry' THEN NULL ELSE 'interrupted' END,
  finished_at = CASE WHEN on_lease_lost = 'retry' THEN NULL ELSE $1::bigint END,
  last_error = CASE WHEN on_lease_lost = 'retry' THEN last_error ELSE 'The worker stopped before the run finished' END,
  lease_token = NULL, lease_expires_at = NULL
FROM unnest($2::bigint[], $3::text[]) AS held(lease_id, token)
WHERE m.id = held.lease_id AND m.lease_token = held.token AND m.state = 'leased'
RETURNING ${CHANGED_COLUMNS}`;

/** Gives back messages a stopping worker still holds, with the reactions, in one transaction; returns how many were its own. */
export async function release(pg: Pg, leases: readonly Lease[], now: number, react: QueueReactions): Promise<number> {
  if (!leases.length) return 0;
  return pg.tx(async (c) => {
    const rows = await c.query<ChangedRow>(RELEASE, [now, leases.map((l) => l.id), leases.map((l) => l.leaseToken)]);
    if (rows.length) await follow(c, rows, react.changed(rows));
    return rows.length;
  });
}
