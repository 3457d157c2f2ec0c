import type { Db } from "./client";

/**
 * Builds something once per database handle — typically Drizzle prepared statements
 * (`db.select()…prepare()`): building a query through Drizzle on every call costs several times
 * more than running it, and the request and auth hot paths run on every API call.
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let made = cache.get(db);
    if (!made) cache.set(db, (made = make(db)));
    return made;
  };
}
