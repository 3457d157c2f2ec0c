import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db, OpenDbOptions } from "../../lib/db/sqlite/client";
import { openSqliteStore, type SqliteStore } from "../../lib/db/sqlite/store";
import type { Store } from "../../lib/db/store";

export interface TempDb {
  store: SqliteStore;
  /** The SQLite handle, for checks in SQL. */
  db: Db;
  file: string;
  dir: string;
  /** The environment that points a web server or worker at this database. */
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/** A fresh, migrated SQLite file in its own temp dir; `cleanup` closes and removes it. */
export function tempDb(prefix = "gatehouse-test-", opts: OpenDbOptions = {}): TempDb {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = path.join(dir, "gatehouse.db");
  const store = openSqliteStore(file, opts);
  return {
    store,
    db: store.db,
    file,
    dir,
    env: { GATEHOUSE_DB: file },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Which store the tests run against: GATEHOUSE_TEST_STORE=postgres, or SQLite. */
export const TEST_STORE: Store["kind"] = process.env.GATEHOUSE_TEST_STORE === "postgres" ? "postgres" : "sqlite";

export interface TempStore {
  store: Store;
  /** The SQLite handle; undefined on PostgreSQL. */
  sqlite: Db | undefined;
  /** A temp dir of the test's own (job directories, logs). */
  dir: string;
  /** The environment that points a web server or worker at this database. */
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/** A fresh, migrated database of the store under test (a new PostgreSQL database, or a SQLite file). */
export async function tempStore(prefix = "gatehouse-test-"): Promise<TempStore> {
  if (TEST_STORE === "sqlite") {
    const t = tempDb(prefix);
    return { store: t.store, sqlite: t.db, dir: t.dir, env: t.env, cleanup: t.cleanup };
  }
  const { freshPgDatabase, dropPgDatabase } = await import("./pg");
  const { openPostgresStore } = await import("../../lib/db/postgres/store");
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const url = await freshPgDatabase();
  const store = await openPostgresStore(url);
  return {
    store,
    sqlite: undefined,
    dir,
    env: { GATEHOUSE_DATABASE_URL: url },
    cleanup: async () => {
      await store.close();
      await dropPgDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
