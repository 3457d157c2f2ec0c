import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { withConnection, type Pg } from "./client";

/** Where the committed PostgreSQL migrations live (drizzle-kit writes them; every process applies them). */
export const PG_MIGRATIONS = path.join(process.cwd(), "drizzle", "postgres");

/**
 * Brings the database's schema up to date. Web and workers, on one host or several, may all start
 * at once: each takes the same session advisory lock first, so one migrates while the others
 * wait, then find nothing left to do. Runs on one connection of the pool, held throughout (the
 * lock belongs to the session), without the statement timeout (a migration of a large table may
 * take longer than any query should).
 */
export async function migratePg(pg: Pg, migrationsFolder = PG_MIGRATIONS): Promise<void> {
  await withConnection(pg.pool, async (client, discard) => {
    try {
      await client.query("SET statement_timeout = 0");
      await client.query("SELECT pg_advisory_lock(hashtext('gatehouse.migrate'))");
      try {
        await migrate(drizzle({ client }), { migrationsFolder });
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext('gatehouse.migrate'))");
      }
      await client.query("RESET statement_timeout");
    } catch (err) {
      // A connection whose lock or settings are in doubt goes, not back to the pool.
      discard();
      throw err;
    }
  });
}
