import path from "node:path";
import { config } from "../config";
import { copySqliteToPostgres } from "../db/copy";
import { option, UsageError, type Args } from "./args";

const USAGE = "usage: gatehouse db copy --to postgres://… [--from FILE]  (FILE default: GATEHOUSE_DB)";

/**
 * `gatehouse db copy --to URL [--from FILE]`: copies a SQLite database (by default the one
 * GATEHOUSE_DB names, relative to the package root as for `npm start`) into an empty PostgreSQL
 * database, migrating it first. Stop web and worker before, then start them with
 * GATEHOUSE_DATABASE_URL=URL.
 */
export async function dbCopy(args: Args, root: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const to = option(args, "to");
  if (!to || !/^postgres(ql)?:\/\//.test(to)) throw new UsageError(USAGE);
  const from = path.resolve(root, option(args, "from") ?? config().GATEHOUSE_DB);
  process.chdir(root); // both stores find their migrations from the package root
  const { openSqliteStore } = await import("../db/sqlite/store");
  const { openPostgresStore } = await import("../db/postgres/store");
  const source = openSqliteStore(from, { migrate: false });
  try {
    const target = await openPostgresStore(to, { statementTimeoutMs: 0 });
    try {
      const copied = await copySqliteToPostgres(source.db, target.pg, (table, n) => err(`copied ${table}: ${n} row${n === 1 ? "" : "s"}`));
      out(`copied ${Object.values(copied).reduce((a, b) => a + b, 0)} rows from ${from}`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
