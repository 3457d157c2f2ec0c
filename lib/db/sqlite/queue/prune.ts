import type { Pruned, PruneParams } from "../../store";
import type { Db } from "../client";
import { perDb } from "../per-db";

/** Rows deleted per transaction, so that pruning a large backlog never holds the write lock for long. */
const CHUNK = 2_000;

const statements = perDb(({ $client: client }) => ({
  // Done messages have no index (it would cost every completion a page write). A message
  // finished before the cutoff was created before it, and ids grow with creation time, so the
  // scan stops at the last id created before the cutoff: old rows only, mostly deletable.
  done: client.prepare<[number, number, number]>(
    `DELETE FROM messages WHERE id IN (
       SELECT id FROM messages WHERE id <= ? AND state = 'done' AND finished_at < ? LIMIT ?)`,
  ),
  dead: client.prepare<[number, number]>(
    `DELETE FROM messages WHERE id IN (
       SELECT id FROM messages WHERE state = 'dead' AND finished_at < ? LIMIT ?)`,
  ),
  bounds: client.prepare<[], { lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM messages`),
  createdAt: client.prepare<[number], number>(`SELECT created_at FROM messages WHERE id >= ? ORDER BY id LIMIT 1`).pluck(),
  workers: client.prepare<[number]>(`DELETE FROM workers WHERE heartbeat_at < ?`),
}));

/**
 * The largest id created before `cutoff`, by binary search on the rowid (about 20 seeks). Created
 * times follow ids closely; where they do not (a caller's own `now`), a message is pruned a little
 * later, never wrongly: the delete checks each row's own state and finish time.
 */
function lastIdCreatedBefore(db: Db, cutoff: number): number {
  const s = statements(db);
  const { lo, hi } = s.bounds.get()!;
  if (lo === null || hi === null) return 0;
  let [low, high] = [lo, hi];
  if ((s.createdAt.get(low) ?? cutoff) >= cutoff) return low - 1;
  while (low < high) {
    const mid = Math.floor((low + high + 1) / 2);
    if ((s.createdAt.get(mid) ?? cutoff) < cutoff) low = mid;
    else high = mid - 1;
  }
  return low;
}

function drain(step: () => number): number {
  let total = 0;
  for (;;) {
    const n = step();
    total += n;
    if (n < CHUNK) return total;
  }
}

/** Deletes done messages, dead letters and worker records older than the cutoffs, in chunks. */
export function prune(db: Db, p: PruneParams): Pruned {
  const s = statements(db);
  const lastOld = lastIdCreatedBefore(db, p.doneBefore);
  return {
    done: drain(() => s.done.run(lastOld, p.doneBefore, CHUNK).changes),
    dead: drain(() => s.dead.run(p.deadBefore, CHUNK).changes),
    workers: s.workers.run(p.workersBefore).changes,
  };
}
