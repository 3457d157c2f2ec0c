import type { PgTx } from "../client";
import type { Request } from "../../rows";
import type { ListPage, ListQuery, RequestListRow } from "../../store";
import { REQUEST_COLUMNS, REQUEST_LIST_COLUMNS, unstorable } from "../rows";

// Keyset pages on the id (a ULID: creation order), as lib/requests/list.ts defines them. Unlike
// SQLite, PostgreSQL plans `status = ANY(…) AND … AND id < $cursor ORDER BY id DESC LIMIT n` well
// from the requests_status / _agent / _session indexes (a bitmap or merge of them), so one
// statement serves every filter. No scan is bounded here, so a page is never `partial`.

/** Requests with every column (the API's request object), one page. */
export const listRequests = (c: PgTx, query: ListQuery): Promise<ListPage<Request>> => page<Request>(c, query, REQUEST_COLUMNS);

/** Requests as the dashboard lists them (no output), one page. */
export const listRequestRows = (c: PgTx, query: ListQuery): Promise<ListPage<RequestListRow>> =>
  page<RequestListRow>(c, query, REQUEST_LIST_COLUMNS);

/** `%q%` for LIKE, with the pattern characters of q itself taken literally. */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

/** The WHERE terms of a query (cursor included), their parameters appended to `values`. */
function conditions(query: ListQuery, newest: boolean, values: unknown[]): string[] {
  const param = (v: unknown) => `$${values.push(v)}`;
  const terms: string[] = [];
  // Deduplicated as SQLite's walks are; an empty list means no filter, not "none match".
  if (query.status?.length) terms.push(`status = ANY(${param([...new Set(query.status)])}::text[])`);
  if (query.agent) terms.push(`agent_id = ${param(query.agent)}`);
  if (query.session) terms.push(`session = ${param(query.session)}`);
  if (query.priority?.length) terms.push(`priority = ANY(${param([...query.priority])}::text[])`);
  if (query.discarded !== undefined) terms.push(`discarded_at IS ${query.discarded ? "NOT " : ""}NULL`);
  if (query.q) {
    const like = param(likeText(query.q));
    terms.push(`(command ILIKE ${like} ESCAPE '\\' OR reason ILIKE ${like} ESCAPE '\\')`);
  }
  if (query.cursor) {
    // A cursor with a NUL in it sorts just after its text up to the NUL, and no id lies between.
    const [cursor, inclusive] = unstorable(query.cursor) ? [query.cursor.slice(0, query.cursor.indexOf("\0")), newest] : [query.cursor, false];
    terms.push(`id ${newest ? "<" : ">"}${inclusive ? "=" : ""} ${param(cursor)}`);
  }
  return terms;
}

async function page<Row extends { id: string }>(c: PgTx, query: ListQuery, columns: string): Promise<ListPage<Row>> {
  // No stored text holds a NUL (see unstorable): such a filter matches nothing.
  if ([query.agent, query.session, query.q].some((v) => v !== undefined && unstorable(v))) {
    return { items: [], nextCursor: null, partial: false };
  }
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const newest = (query.sort ?? "newest") === "newest";
  const values: unknown[] = [];
  const terms = conditions(query, newest, values);
  const where = terms.length ? `WHERE ${terms.join(" AND ")}` : "";
  // One row past the page tells whether another page follows.
  const rows = await c.query<Row>(
    `SELECT ${columns} FROM requests ${where} ORDER BY id ${newest ? "DESC" : "ASC"} LIMIT $${values.push(limit + 1)}`,
    values,
  );
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null, partial: false };
}
