import type { DeadReason } from "../../../queue/states";
import type { ChangedRow, DeadRow, Lease, ListDeadQuery, QueueReactions } from "../../store";
import type { Pg } from "../client";
import { CHANGED_COLUMNS, follow } from "./changed";

/** Dead-letters a held message at once, with the reactions, in one transaction; false when the lease is lost. */
export async function deadLetter(
  pg: Pg,
  lease: Lease,
  reason: DeadReason,
  error: string,
  now: number,
  react: QueueReactions,
): Promise<boolean> {
  return pg.tx(async (c) => {
    const [row] = await c.query<ChangedRow>(
      `UPDATE messages SET state = 'dead', dead_reason = $3, last_error = $4, finished_at = $5,
         lease_token = NULL, lease_expires_at = NULL
       WHERE id = $1 AND lease_token = $2 AND state = 'leased'
       RETURNING ${CHANGED_COLUMNS}`,
      [lease.id, lease.leaseToken, reason, error, now],
    );
    if (row) await follow(c, [row], react.changed([row]));
    return row !== undefined;
  });
}

/** A dead letter back on its queue with a fresh count of retries; false when it was not awaiting triage. */
export async function requeueDead(pg: Pg, id: number, now: number, react: QueueReactions): Promise<boolean> {
  return pg.tx(async (c) => {
    const [row] = await c.query<ChangedRow>(
      `UPDATE messages SET state = 'ready', run_at = $2, attempts = 0, dead_reason = NULL, finished_at = NULL,
         started_at = NULL, worker_id = NULL
       WHERE id = $1 AND state = 'dead' AND discarded_at IS NULL
       RETURNING ${CHANGED_COLUMNS}`,
      [id, now],
    );
    if (row) await follow(c, [row], react.requeued(row));
    return row !== undefined;
  });
}

/** A dead letter marked discarded: kept until pruned, out of triage; false when it was not awaiting triage. */
export async function discardDead(pg: Pg, id: number, now: number, react: QueueReactions): Promise<boolean> {
  return pg.tx(async (c) => {
    const [row] = await c.query<ChangedRow>(
      `UPDATE messages SET discarded_at = $2
       WHERE id = $1 AND state = 'dead' AND discarded_at IS NULL
       RETURNING ${CHANGED_COLUMNS}`,
      [id, now],
    );
    if (row) await follow(c, [row], react.discarded(row));
    return row !== undefined;
  });
}

/** Dead letters, newest first. */
export async function listDead(pg: Pg, q: ListDeadQuery): Promise<DeadRow[]> {
  return pg.query<DeadRow>(
    `SELECT id, queue, actor, payload, priority, attempts, dead_reason AS "deadReason", last_error AS "lastError",
       group_key AS "groupKey", created_at AS "createdAt", finished_at AS "finishedAt", discarded_at AS "discardedAt"
     FROM messages
     WHERE state = 'dead' AND (discarded_at IS NOT NULL) = $1
       AND ($2::text IS NULL OR actor = $2) AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [q.discarded, q.actor ?? null, q.beforeId ?? null, q.limit],
  );
}
