// Files that only Gatehouse's own user may read: the database holds token hashes, the cookie
// signing secret and every command's output; job directories hold commands and their output.
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` and its missing parents readable by their owner only. A directory that already
 * exists keeps its mode: it may be a shared one (/tmp) that is not ours to change. Returns
 * whether `dir` was created.
 */
export function mkdirPrivateSync(dir: string): boolean {
  return mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }) !== undefined;
}

/**
 * The SQLite database file, created (with its directory) or tightened to 0600 before SQLite opens
 * it: SQLite gives the -wal and -shm files it creates the database file's mode, and any that an
 * older version left readable by others are tightened too.
 */
export function preparePrivateDbFile(file: string): void {
  mkdirPrivateSync(path.dirname(path.resolve(file)));
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, PRIVATE_FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

/**
 * A job's own directory: created owner-only with its missing parents, or made so if it exists (a
 * retry reuses it). Returns whether it was created, and so is empty.
 */
export function mkdirJobDirPrivate(dir: string): boolean {
  const created = mkdirPrivateSync(dir);
  chmodSync(dir, PRIVATE_DIR_MODE);
  return created;
}
