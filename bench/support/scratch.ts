// Fresh databases for the benchmarks: a SQLite file, or a database on a PostgreSQL cluster that
// the benchmark starts with PostgreSQL's default durability (fsync and synchronous commit on), as
// a real server and the peer queues measured beside it have.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Store } from "../../lib/db/store";
import { tempDb } from "../../tests/support/temp-db";

export interface Scratch {
  store: Store;
  /** What points a worker or web server at this database. */
  env: Record<string, string>;
  dir: string;
  /** No message due or leased (messages delayed past now may wait). */
  drained(): Promise<boolean>;
  /** Writes many rows (in one transaction on SQLite, in batches on PostgreSQL), fast. */
  insertRows(table: string, columns: readonly string[], rows: () => Iterable<unknown[]>): Promise<void>;
  /** After a bulk load: SQLite folds its WAL into the file, PostgreSQL analyzes (as autovacuum would). */
  settle(): Promise<void>;
  cleanup(): Promise<void>;
}

export type MakeScratch = (prefix: string) => Promise<Scratch>;

// Each read uses a partial index: the bench must not load the machine it measures.
// Due: never delayed (or a claim has ended its delay), or delayed until now at the latest.
const DRAINED = () =>
  `SELECT NOT EXISTS (SELECT 1 FROM messages WHERE state = 'ready' AND run_at <= created_at)
     AND NOT EXISTS (SELECT 1 FROM messages WHERE state = 'ready' AND run_at > created_at AND run_at <= ${Date.now()})
     AND NOT EXISTS (SELECT 1 FROM messages WHERE state = 'leased') AS drained`;

export const sqliteScratch: MakeScratch = async (prefix) => {
  const t = tempDb(prefix);
  const one = <R>(sql: string) => t.db.$client.prepare(sql).get() as R;
  return {
    store: t.store,
    env: t.env,
    dir: t.dir,
    drained: async () => one<{ drained: number }>(DRAINED()).drained === 1,
    insertRows: async (table, columns, rows) => {
      const insert = t.db.$client.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      t.db.$client.transaction(() => {
        for (const row of rows()) insert.run(...row);
      })();
    },
    settle: async () => void t.db.$client.pragma("wal_checkpoint(TRUNCATE)"),
    cleanup: t.cleanup,
  };
};

/** A PostgreSQL server for the bench: the one GATEHOUSE_BENCH_PG_URL names, or a throwaway durable cluster. */
async function benchServer(): Promise<{ url: string; stop: () => void }> {
  const { startPgCluster, createTemplate } = await import("../../tests/support/pg");
  const given = process.env.GATEHOUSE_BENCH_PG_URL;
  if (!given) return startPgCluster({ durable: true });
  // The peer queues' server, to measure Gatehouse beside them on the very same one.
  await createTemplate(given);
  return { url: given, stop: () => {} };
}

/**
 * Starts a durable PostgreSQL cluster (or uses GATEHOUSE_BENCH_PG_URL, a role that may create
 * databases); `make` gives a fresh database on it.
 */
export async function postgresScratches(): Promise<{ make: MakeScratch; url: string; stop: () => void }> {
  const { freshPgDatabase, dropPgDatabase, PG_URL_ENV } = await import("../../tests/support/pg");
  const { openPostgresStore } = await import("../../lib/db/postgres/store");
  const cluster = await benchServer();
  process.env[PG_URL_ENV] = cluster.url;
  // No cluster outlives the bench, however it ends.
  process.once("exit", () => cluster.stop());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cluster.stop();
      process.exit(130);
    });
  }
  const make: MakeScratch = async (prefix) => {
    const url = await freshPgDatabase();
    const store = await openPostgresStore(url, { migrate: false });
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    const one = async <R>(sql: string) => (await store.pg.query<R>(sql))[0]!;
    return {
      store,
      env: { GATEHOUSE_DATABASE_URL: url },
      dir,
      drained: async () => (await one<{ drained: boolean }>(DRAINED())).drained,
      insertRows: async (table, columns, rows) => {
        let batch: unknown[][] = [];
        const flush = async () => {
          const values: unknown[] = [];
          const tuples = batch.map((row) => `(${row.map((v) => `$${values.push(v)}`).join(", ")})`);
          await store.pg.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, values);
          batch = [];
        };
        for (const row of rows()) {
          batch.push(row);
          if (batch.length === 2_000) await flush();
        }
        if (batch.length) await flush();
      },
      settle: async () => void (await store.pg.query("VACUUM ANALYZE")),
      cleanup: async () => {
        await store.close();
        await dropPgDatabase(url);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  return { make, url: cluster.url, stop: () => cluster.stop() };
}
