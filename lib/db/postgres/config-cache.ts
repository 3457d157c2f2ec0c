import type { Pg } from "./client";

/** The count of changes to the rules and webhooks (drizzle/postgres/0007_config_version.sql), 0 before the first. */
export const CONFIG_VERSION = `coalesce((SELECT value::int8 FROM meta WHERE key = 'config_version'), 0)`;

/**
 * A small table that every submitted request reads (the policy rules, the outgoing webhooks), kept
 * in memory with the count of changes it was read at. A caller that read the count with the agent's
 * token passes it as `seen`: a copy read at that count or later holds every change committed before
 * the token was read, so it is answered from memory. Without `seen` (the dashboard, the CLI) the
 * table is read. Rows are shared between callers: they are frozen.
 */
export function configList<Row extends { id: string }>(pg: Pg, table: "rules" | "webhooks", columns: string): (seen?: number) => Promise<Row[]> {
  // The count and the rows in one statement, so one snapshot; the outer join keeps the count when the table is empty.
  const text = `SELECT v.n AS "configVersion", t.* FROM (SELECT ${CONFIG_VERSION} AS n) v
    LEFT JOIN (SELECT ${columns} FROM ${table}) t ON true ORDER BY t."createdAt", t.id COLLATE "C"`;
  let kept: { version: number; rows: Row[] } | undefined;
  return async (seen) => {
    if (seen !== undefined && kept && kept.version >= seen) return kept.rows.slice();
    const read = await pg.query<Row & { configVersion?: number }>(text);
    const version = read[0]!.configVersion!;
    const rows = read.filter((r) => r.id !== null);
    for (const row of rows) {
      delete row.configVersion;
      Object.freeze(row);
    }
    if (!kept || version >= kept.version) kept = { version, rows };
    return rows.slice();
  };
}
