import type { Pruned, Store } from "../db/store";

export interface PruneOptions {
  /** Finished (done) messages older than this go. */
  doneRetentionMs: number;
  /** Dead letters, discarded or not, older than this go. */
  deadRetentionMs: number;
  /** Worker records whose last heartbeat is older than this go. (Default: 1 day) */
  workerRetentionMs?: number;
  now?: number;
}

/** Deletes what the retention settings no longer keep, so the database does not grow without bound. */
export function prune(store: Store, opts: PruneOptions): Promise<Pruned> {
  const now = opts.now ?? Date.now();
  return store.prune({
    doneBefore: now - opts.doneRetentionMs,
    deadBefore: now - opts.deadRetentionMs,
    workersBefore: now - (opts.workerRetentionMs ?? 24 * 3600_000),
  });
}
