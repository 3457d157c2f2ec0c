import type { WorkerCounters, WorkerRecord } from "../../store";
import type { Pg } from "../client";

// queues and actors are JSON arrays of names in text columns (as in SQLite), read as text[].
const WORKER_COLUMNS = `id, host, pid, ARRAY(SELECT json_array_elements_text(queues::json)) AS queues,
  ARRAY(SELECT json_array_elements_text(actors::json)) AS actors, concurrency, in_flight AS "inFlight", processed,
  failed, started_at AS "startedAt", heartbeat_at AS "heartbeatAt", stopped_at AS "stoppedAt"`;

export async function registerWorker(
  pg: Pg,
  w: Omit<WorkerRecord, "inFlight" | "processed" | "failed" | "heartbeatAt" | "stoppedAt">,
): Promise<void> {
  await pg.query(
    `INSERT INTO workers (id, host, pid, queues, actors, concurrency, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [w.id, w.host, w.pid, JSON.stringify(w.queues), JSON.stringify(w.actors), w.concurrency, w.startedAt],
  );
}

/** The heartbeat and the extension of every lease the worker holds, in one transaction; returns how many. */
export async function heartbeat(pg: Pg, id: string, k: WorkerCounters, now: number, leaseMs: number): Promise<number> {
  return pg.tx(async (c) => {
    await c.query(`UPDATE workers SET heartbeat_at = $2, in_flight = $3, processed = $4, failed = $5 WHERE id = $1`, [
      id, now, k.inFlight, k.processed, k.failed,
    ]);
    // SKIP LOCKED: a message whose row is locked is being completed, failed or released by this
    // worker right now, and needs no extension; waiting for it could deadlock with that settlement,
    // which locks the worker's rows in another order.
    const [row] = await c.query<{ n: number }>(
      `WITH extended AS (
         UPDATE messages SET lease_expires_at = $2 WHERE id IN (
           SELECT id FROM messages WHERE worker_id = $1 AND state = 'leased' FOR UPDATE SKIP LOCKED)
         RETURNING 1)
       SELECT count(*) AS n FROM extended`,
      [id, now + leaseMs],
    );
    return row?.n ?? 0;
  });
}

export async function markWorkerStopped(pg: Pg, id: string, k: WorkerCounters, now: number): Promise<void> {
  await pg.query(
    `UPDATE workers SET stopped_at = $2, heartbeat_at = $2, in_flight = $3, processed = $4, failed = $5 WHERE id = $1`,
    [id, now, k.inFlight, k.processed, k.failed],
  );
}

/** Workers whose heartbeat is after `since`, by host then start. */
export async function listWorkers(pg: Pg, since: number): Promise<WorkerRecord[]> {
  return pg.query<WorkerRecord>(`SELECT ${WORKER_COLUMNS} FROM workers WHERE heartbeat_at > $1 ORDER BY host, started_at`, [since]);
}
