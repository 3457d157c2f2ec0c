// Apart from temp-db.ts because it registers vitest hooks, and the benchmarks use tempDb too.
import { afterEach, beforeEach } from "vitest";
import type { Db } from "../../lib/db/sqlite/client";
import type { Store } from "../../lib/db/store";
import { tempStore, type TempStore } from "./temp-db";

export interface TestDb {
  /** The store under test (GATEHOUSE_TEST_STORE): SQLite, or PostgreSQL. */
  readonly store: Store;
  /** The SQLite handle, for checks in SQL; throws on PostgreSQL (such a test is SQLite-only). */
  readonly db: Db;
  /** The test's own temp dir. */
  readonly dir: string;
  /** The environment that points a web server or worker at this database. */
  readonly env: Record<string, string>;
}

/**
 * A fresh database for each test of the file. After each test, `teardown` (stopping whatever still
 * uses the database: worker processes, a loop) runs before it is closed and removed.
 */
export function useTempDb(opts: { prefix?: string; teardown?: () => unknown } = {}): TestDb {
  let current: TempStore | undefined;
  beforeEach(async () => {
    current = await tempStore(opts.prefix);
  });
  afterEach(async () => {
    await opts.teardown?.();
    await current?.cleanup();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error("useTempDb: the database exists only while a test runs");
    return current;
  };
  return {
    get store() {
      return now().store;
    },
    get db() {
      const db = now().sqlite;
      if (!db) throw new Error("this check reads SQLite directly: run it with the SQLite store");
      return db;
    },
    get dir() {
      return now().dir;
    },
    get env() {
      return now().env;
    },
  };
}
