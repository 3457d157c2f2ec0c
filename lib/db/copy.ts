// `gatehouse db copy`: moves a SQLite database's data into an empty PostgreSQL database, so a team
// can move from the embedded store to a shared one without losing history.
import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Pg, PgTx } from "./postgres/client";
import type { Db } from "./sqlite/client";
import * as schema from "./sqlite/schema";

/**
 * Tables in the order their references need. The rollups (request_counts, request_minutes,
 * request_latency) are copied as they are: they hold history that the requests' final rows cannot
 * rebuild (a request that failed, was requeued and then succeeded counts both).
 */
const TABLES = [
  "users", "agents", "runners", "runner_groups", "rules", "webhooks", "meta", "requests", "request_events", "web_sessions", "messages", "workers",
  "request_counts", "request_minutes", "request_latency",
] as const;

/** Every table of the schema must be copied: a table added later and forgotten above fails the copy. */
function checkCoverage(): void {
  const known = new Set<string>(TABLES);
  const missing = Object.values(schema as Record<string, unknown>)
    .flatMap((v) => (is(v, SQLiteTable) ? [getTableName(v)] : []))
    .filter((name) => !known.has(name));
  if (missing.length) throw new Error(`gatehouse db copy does not know the tables ${missing.join(", ")}.`);
}

/** Tables whose ids come from an identity; its sequence must go on after the copied ids. */
const IDENTITIES = ["messages", "request_events"] as const;

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table (28 columns). */
const CHUNK = 1_000;

export type Copied = Record<(typeof TABLES)[number], number>;

async function ensureEmpty(c: PgTx): Promise<void> {
  const counts = await c.query<{ name: string; n: number }>(
    TABLES.map((t) => `SELECT '${t}' AS name, count(*)::int8 AS n FROM ${t}`).join(" UNION ALL "),
  );
  const used = counts.filter((r) => r.n > 0).map((r) => `${r.name} (${r.n})`);
  if (used.length) throw new Error(`The target database already holds Gatehouse data: ${used.join(", ")}. Copy into an empty database.`);
}

async function insertRows(c: PgTx, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0]!);
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((col) => `$${values.push(row[col])}`).join(", ")})`);
  await c.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, values);
}

/**
 * Copies every row of `source` into `target` in one PostgreSQL transaction: all of it, or nothing
 * when anything fails. The target must be migrated and empty. The source is read in one snapshot
 * (stop web and worker first, or what they write meanwhile is not copied). The rollups' triggers are
 * off while requests are copied, since the rollup rows themselves are copied.
 */
export async function copySqliteToPostgres(source: Db, target: Pg, progress: (table: string, n: number) => void = () => {}): Promise<Copied> {
  checkCoverage();
  const sqlite = source.$client;
  sqlite.exec("BEGIN"); // one read snapshot across the awaits below
  try {
    return await target.tx(async (c) => {
      await ensureEmpty(c);
      await c.query("ALTER TABLE requests DISABLE TRIGGER USER");
      const copied = Object.fromEntries(TABLES.map((t) => [t, 0])) as Copied;
      for (const table of TABLES) {
        const read = sqlite.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK}`);
        for (let after = 0; ; ) {
          const rows = read.all(after) as ({ _rowid: number } & Record<string, unknown>)[];
          if (!rows.length) break;
          after = rows.at(-1)!._rowid;
          await insertRows(c, table, rows.map(({ _rowid, ...row }) => row));
          copied[table] += rows.length;
        }
        progress(table, copied[table]);
      }
      await c.query("ALTER TABLE requests ENABLE TRIGGER USER");
      for (const table of IDENTITIES) {
        await c.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM ${table}`);
      }
      return copied;
    });
  } finally {
    sqlite.exec("COMMIT");
  }
}
