import type { PoolClient } from "pg";
import type { Pruned, PruneParams } from "../../store";
import { withConnection, type Pg } from "../client";

/** Rows deleted per statement, so that pruning a large backlog never holds many row locks for long. */
const CHUNK = 2_000;

type Query = <R>(text: string, params?: unknown[]) => Promise<R | undefined>;

/**
 * Deletes what the retention settings no longer keep, so the database does not grow without
 * bound. One pruner at a time across every process and host (a session advisory lock, on the one
 * connection that does the work; the others skip this round); each chunk commits on its own.
 */
export async function prune(pg: Pg, p: PruneParams): Promise<Pruned> {
  return withConnection(pg.pool, async (client: PoolClient) => {
    const one: Query = async (text, params) => (await client.query(text, params)).rows[0];
    const lock = await one<{ got: boolean }>(`SELECT pg_try_advisory_lock(hashtext('gatehouse.prune')) AS got`);
    if (!lock?.got) return { done: 0, dead: 0, workers: 0 };
    try {
      return await pruneLocked(one, p);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('gatehouse.prune'))`);
    }
  });
}

async function pruneLocked(one: Query, p: PruneParams): Promise<Pruned> {
  const deleted = async (text: string, params: unknown[]) => (await one<{ n: number }>(text, params))?.n ?? 0;
  const drain = async (text: string, params: unknown[]) => {
    let total = 0;
    for (let n = CHUNK; n === CHUNK; total += n) n = await deleted(text, params);
    return total;
  };
  // Done messages have no index (it would cost every completion an index write). Ids grow with
  // creation time and a message finishes after it is created, so only ids up to the last one
  // created before the cutoff can go: found on the primary key by binary search.
  const lastOld = await lastIdCreatedBefore(one, p.doneBefore);
  return {
    done: await drain(
      `WITH gone AS (DELETE FROM messages WHERE id IN (
         SELECT id FROM messages WHERE id <= $1 AND state = 'done' AND finished_at < $2 ORDER BY id LIMIT $3)
       RETURNING 1) SELECT count(*) AS n FROM gone`,
      [lastOld, p.doneBefore, CHUNK],
    ),
    dead: await drain(
      `WITH gone AS (DELETE FROM messages WHERE id IN (
         SELECT id FROM messages WHERE state = 'dead' AND finished_at < $1 LIMIT $2)
       RETURNING 1) SELECT count(*) AS n FROM gone`,
      [p.deadBefore, CHUNK],
    ),
    workers: await deleted(`WITH gone AS (DELETE FROM workers WHERE heartbeat_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone`, [
      p.workersBefore,
    ]),
  };
}

/**
 * The largest id created before `cutoff` (about 20 index probes). Where created times do not
 * follow ids (a caller's own clock), a message is pruned a little later, never wrongly: the
 * delete checks each row's own state and finish time.
 */
async function lastIdCreatedBefore(one: Query, cutoff: number): Promise<number> {
  const bounds = await one<{ lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM messages`);
  if (!bounds || bounds.lo === null || bounds.hi === null) return 0;
  const createdAt = async (id: number) =>
    (await one<{ at: number }>(`SELECT created_at AS at FROM messages WHERE id >= $1 ORDER BY id LIMIT 1`, [id]))?.at ?? cutoff;
  let [low, high] = [bounds.lo, bounds.hi];
  if ((await createdAt(low)) >= cutoff) return low - 1;
  while (low < high) {
    const mid = Math.floor((low + high + 1) / 2);
    if ((await createdAt(mid)) < cutoff) low = mid;
    else high = mid - 1;
  }
  return low;
}
