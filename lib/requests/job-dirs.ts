import { opendirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { Store } from "../db/store";

/** Most directories one sweep removes, so that one maintenance tick stays short. */
const MAX_PER_SWEEP = 1_000;

export interface SweepOptions {
  /** The jobs directory (lib/tmux/paths jobsRoot). */
  root: string;
  /** Directories untouched for longer than this go (GATEHOUSE_DONE_RETENTION_HOURS). */
  retentionMs: number;
  now?: number;
}

/**
 * Removes old job directories (command, output, exit code) so that the disk does not grow without
 * bound: those not modified for `retentionMs` whose request has ended or no longer exists. A job
 * directory's mtime moves when the runner writes its files and when the wrapper writes the exit
 * code, so it is the job's last start or end. The result itself stays in the database. `inUse` says
 * which of the old ones must stay, however old: a retried job reuses its directory, and the detail
 * page reads a running job's output from it. Returns how many were removed. Safe to run from
 * several processes at once.
 */
export async function sweepJobDirs(opts: SweepOptions, inUse: (requestIds: string[]) => Promise<Set<string>>): Promise<number> {
  const cutoff = (opts.now ?? Date.now()) - opts.retentionMs;
  const old: string[] = [];
  let dir;
  try {
    dir = opendirSync(opts.root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0; // no job has run yet
    throw e;
  }
  try {
    for (let entry = dir.readSync(); entry && old.length < MAX_PER_SWEEP; entry = dir.readSync()) {
      if (!entry.isDirectory()) continue;
      const mtime = statSync(path.join(opts.root, entry.name), { throwIfNoEntry: false })?.mtimeMs;
      if (mtime !== undefined && mtime < cutoff) old.push(entry.name);
    }
  } finally {
    dir.closeSync();
  }
  if (!old.length) return 0;
  const keep = await inUse(old);
  let removed = 0;
  for (const name of old) {
    if (keep.has(name)) continue;
    rmSync(path.join(opts.root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** The worker's sweep: queued and running requests keep their directories. */
export function sweepEndedJobDirs(store: Store, opts: SweepOptions): Promise<number> {
  return sweepJobDirs(opts, async (ids) => new Set(await store.idsWithStatus(ids, ["queued", "running"])));
}
