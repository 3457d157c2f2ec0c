import type Database from "better-sqlite3";
import type { Db } from "../db/client";

/**
 * Prepares a set of statements once per database handle. The queue's hot paths run raw prepared
 * statements on `db.$client`: building each query through Drizzle costs more than running it.
 */
export function preparedFor<T>(make: (client: Database.Database) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let s = cache.get(db);
    if (!s) cache.set(db, (s = make(db.$client)));
    return s;
  };
}
