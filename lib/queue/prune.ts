import type { Db } from "../db/client";
import { perDb } from "../db/per-db";

/** Rows deleted per transaction, so that pruning a large backlog never holds the write lock for long. */
const CHUNK = 2_000;

const statements = perDb(({ $client: client }) => ({
  messages: client.prepare<[string, number, number]>(
    `DELETE FROM messages WHERE id IN (
       SELECT id FROM messages WHERE state = ? AND finished_at < ? LIMIT ?)`,
  ),
  workers: client.prepare<[number]>(`DELETE FROM workers WHERE heartbeat_at < ?`),
}));

export interface PruneOptions {
  /** Finished (done) messages older than this go. */
  doneRetentionMs: number;
  /** Dead letters, discarded or not, older than this go. */
  deadRetentionMs: number;
  /** Worker records whose last heartbeat is older than this go. (Default: 1 day) */
  workerRetentionMs?: number;
  now?: number;
}

export interface Pruned {
  done: number;
  dead: number;
  workers: number;
}

/** Deletes what the retention settings no longer keep, so the database does not grow without bound. */
export function prune(db: Db, opts: PruneOptions): Pruned {
  const now = opts.now ?? Date.now();
  const s = statements(db);
  const drain = (state: "done" | "dead", before: number) => {
    let total = 0;
    for (;;) {
      const n = s.messages.run(state, before, CHUNK).changes;
      total += n;
      if (n < CHUNK) return total;
    }
  };
  return {
    done: drain("done", now - opts.doneRetentionMs),
    dead: drain("dead", now - opts.deadRetentionMs),
    workers: s.workers.run(now - (opts.workerRetentionMs ?? 24 * 3600_000)).changes,
  };
}
