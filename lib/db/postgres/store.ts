import { config } from "../../config";
import type { Store } from "../store";
import { authStore } from "./auth-store";
import { connectPg, type Pg, type PgOptions } from "./client";
import { migratePg } from "./migrate";
import { queueStore } from "./queue-store";
import { readStore } from "./read-store";
import { requestStore } from "./request-store";
import { runnerStore } from "./runner-store";
import { webhookStore } from "./webhook-store";

export interface OpenPgOptions extends Partial<PgOptions> {
  /** Apply drizzle/postgres first, under the migration lock. (Default: true) */
  migrate?: boolean;
}

/**
 * Opens a PostgreSQL database as a Store: a pool sized by GATEHOUSE_PG_POOL_SIZE with the
 * statement timeout of GATEHOUSE_PG_STATEMENT_TIMEOUT_MS (unless given), its schema brought up to
 * date first. `close()` ends the pool and the listening connection.
 */
export async function openPostgresStore(url: string, opts: OpenPgOptions = {}): Promise<Store & { pg: Pg }> {
  const pg = connectPg(url, {
    poolSize: opts.poolSize ?? config().GATEHOUSE_PG_POOL_SIZE,
    statementTimeoutMs: opts.statementTimeoutMs ?? config().GATEHOUSE_PG_STATEMENT_TIMEOUT_MS,
  });
  try {
    if (opts.migrate !== false) await migratePg(pg);
  } catch (err) {
    await pg.close();
    throw err;
  }
  return {
    kind: "postgres",
    pg,
    ...queueStore(pg),
    ...requestStore(pg),
    ...authStore(pg),
    ...runnerStore(pg),
    ...webhookStore(pg),
    ...readStore(pg),
    close: () => pg.close(),
  };
}
