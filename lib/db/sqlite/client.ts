import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import { preparePrivateDbFile } from "../../fs-private";
import { FALLBACK_PAGES, startCheckpointer, type Checkpointer } from "./checkpointer";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the committed migrations live (drizzle-kit writes them; every process applies them). */
const MIGRATIONS = path.join(process.cwd(), "drizzle", "sqlite");

// A commit that leaves the WAL longer than this many pages then folds it into the database file
// (SQLite's default is 1,000). The commit's caller waits meanwhile, and so does every request
// queued behind it on the web server's event loop: a 10,000-page fold stalled all 16 POSTs in
// flight by ~40 ms about once a second (api_post_p99_ms 44-45 against 36-38 at 1,000 or 2,000
// pages, with the same throughput). The worker's drain rewrites the same few pages with every
// message, and a fold writes each page once however often it changed: 10,000 pages there made
// one-at-a-time claim/complete 30-48 % faster than 1,000. Either way the WAL file keeps its
// largest size. (The web server folds on a thread of its own instead: checkpointer.ts.)
const CHECKPOINT_PAGES = 2_000;
const DRAIN_CHECKPOINT_PAGES = 10_000;

// The worker's page cache, in KiB (negative in the pragma), instead of SQLite's 2,000: a drain
// touches the few pages at the head of the queue, and the rest of a long drain's pages only churned
// the cache and the C heap. The worker held 60-65 MB after the queue bench's drains of 50,000 to
// 100,000 messages instead of 68-77, with no fewer messages per second (alternating runs).
const DRAIN_CACHE_KIB = 500;

export interface OpenDbOptions {
  /** Apply drizzle/sqlite first. (Default: true) */
  migrate?: boolean;
  /** The connection writes in long runs (the worker's drain), not in answer to people. */
  draining?: boolean;
  /** Fold the WAL on a thread of its own after commits (the web server: see checkpointer.ts). */
  foldInBackground?: boolean;
}

const checkpointers = new WeakMap<Database.Database, Checkpointer>();

/**
 * Opens a SQLite file with Gatehouse's pragmas and brings its schema up to date.
 * Web and worker may both open a fresh file at the same moment: the loser of the migration race
 * waits and retries, then finds the work done.
 */
export function openDb(file: string, opts: OpenDbOptions = {}): Db {
  if (file !== ":memory:") preparePrivateDbFile(file);
  const sqlite = new Database(file);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma(`wal_autocheckpoint = ${opts.draining ? DRAIN_CHECKPOINT_PAGES : opts.foldInBackground ? FALLBACK_PAGES : CHECKPOINT_PAGES}`);
  sqlite.pragma("foreign_keys = ON");
  if (opts.draining) sqlite.pragma(`cache_size = -${DRAIN_CACHE_KIB}`);
  const db: Db = drizzle({ client: sqlite, schema, casing: "snake_case" });
  if (opts.migrate !== false) migrateWithRetry(db);
  if (opts.foldInBackground && file !== ":memory:") checkpointers.set(sqlite, startCheckpointer(file));
  return db;
}

function migrateWithRetry(db: Db): void {
  for (let attempt = 0; ; attempt++) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS });
      return;
    } catch (err) {
      if (!isBusy(err) || attempt >= 200) throw err;
      sleepSync(10 + Math.random() * 40);
    }
  }
}

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? "";
  const message = err instanceof Error ? err.message : String(err);
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || /database is locked/.test(message);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` in a write transaction that takes the write lock at BEGIN (IMMEDIATE), so a
 * read-then-write never fails with SQLITE_BUSY halfway. Nested calls become savepoints.
 * `fn` must be synchronous: better-sqlite3 transactions cannot span an await. Once the outermost
 * one commits, the connection's folding thread (if it has one) is told.
 */
export function writeTx<T>(db: Db, fn: () => T): T {
  const result = db.$client.transaction(fn).immediate();
  if (!db.$client.inTransaction) checkpointers.get(db.$client)?.committed();
  return result;
}

/** Closes the connection, and its folding thread if it has one. */
export function closeDb(db: Db): void {
  checkpointers.get(db.$client)?.stop();
  db.$client.close();
}
