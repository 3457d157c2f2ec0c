import { inArray } from "drizzle-orm";
import type { Request } from "../../rows";
import { SCAN_LIMIT, type ListPage, type ListQuery, type RequestListRow } from "../../store";
import type { Db } from "../client";
import { statusCounts } from "../reads";
import { requests } from "../schema";

/** The columns a dashboard list shows: everything but the output and the bookkeeping. */
const rowColumns = {
  id: requests.id,
  agentId: requests.agentId,
  session: requests.session,
  command: requests.command,
  cwd: requests.cwd,
  reason: requests.reason,
  priority: requests.priority,
  status: requests.status,
  decidedBy: requests.decidedBy,
  decidedAt: requests.decidedAt,
  decisionComment: requests.decisionComment,
  exitCode: requests.exitCode,
  attempts: requests.attempts,
  lastError: requests.lastError,
  createdAt: requests.createdAt,
  expiresAt: requests.expiresAt,
  startedAt: requests.startedAt,
  finishedAt: requests.finishedAt,
  kind: requests.kind,
  agentWaitedAt: requests.agentWaitedAt,
};

/** Requests with every column (the API's request object), one page. */
export function listRequests(db: Db, query: ListQuery): ListPage<Request> {
  return withRows(pageOfIds(db, query), (ids) => db.select().from(requests).where(inArray(requests.id, ids)).all());
}

/** Requests as the dashboard lists them (no output), one page. */
export function listRequestRows(db: Db, query: ListQuery): ListPage<RequestListRow> {
  return withRows(pageOfIds(db, query), (ids) => db.select(rowColumns).from(requests).where(inArray(requests.id, ids)).all());
}

type IdPage = Omit<ListPage<never>, "items"> & { ids: string[] };

/** The page's rows, loaded in one read, in the page's order. */
function withRows<Row extends { id: string }>({ ids, ...page }: IdPage, load: (ids: string[]) => Row[]): ListPage<Row> {
  const byId = new Map((ids.length ? load(ids) : []).map((r) => [r.id, r]));
  return { ...page, items: ids.flatMap((id) => byId.get(id) ?? []) };
}

/** A condition with its parameters. */
interface Term {
  sql: string;
  args: unknown[];
}

const inList = (column: string, values: readonly unknown[]): Term => ({ sql: `${column} IN (${values.map(() => "?").join(", ")})`, args: [...values] });

function likeText(q: string): string {
  return `%${q.replace(/[\\%_]/g, "\\$&")}%`;
}

/** The index a page walks, one walk per equality in `drives`, and what it checks on each row. */
interface Plan {
  index: string | undefined;
  drives: Term[];
  filters: Term[];
}

/**
 * Which index drives:
 * - the status index, one walk per status merged in id order, when no agent or session is named
 *   or the statuses hold at most SCAN_LIMIT rows in all (then every match is found, never a
 *   partial page). Not `status IN (…)`: SQLite would sort every matching row;
 * - else the agent's or session's index, the statuses checked on each row;
 * - else the primary key.
 * INDEXED BY pins the choice: with two equalities SQLite may otherwise walk the one that the scan
 * limit does not bound.
 */
function plan(db: Db, query: ListQuery): Plan {
  const statuses = [...new Set(query.status ?? [])];
  // The status index also holds the dead letters a person discarded (key `dead:discarded`).
  const indexed = new Set<string>(statuses.flatMap((s) => (s === "dead" ? [s, "dead:discarded"] : [s])));
  const fewStatusRows =
    statuses.length > 0 && statusCounts(db).reduce((n, c) => n + (indexed.has(c.key) ? c.n : 0), 0) <= SCAN_LIMIT;
  const filters: Term[] = [];
  let walks: Omit<Plan, "filters">;
  if ((query.agent || query.session) && !fewStatusRows) {
    walks = query.agent
      ? { index: "requests_agent", drives: [{ sql: "agent_id = ?", args: [query.agent] }] }
      : { index: "requests_session", drives: [{ sql: "session = ?", args: [query.session] }] };
    if (statuses.length) filters.push(inList("status", statuses));
    if (query.agent && query.session) filters.push({ sql: "session = ?", args: [query.session] });
  } else {
    walks = statuses.length
      ? { index: "requests_status", drives: statuses.map((s) => ({ sql: "status = ?", args: [s] })) }
      : { index: undefined, drives: [{ sql: "1", args: [] }] };
    if (query.agent) filters.push({ sql: "agent_id = ?", args: [query.agent] });
    if (query.session) filters.push({ sql: "session = ?", args: [query.session] });
  }
  if (query.priority?.length) filters.push(inList("priority", query.priority));
  if (query.discarded !== undefined) filters.push({ sql: `discarded_at IS ${query.discarded ? "NOT " : ""}NULL`, args: [] });
  if (query.q) {
    const like = likeText(query.q);
    filters.push({ sql: "(command LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')", args: [like, like] });
  }
  return { ...walks, filters };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Keyset pagination on the id (a ULID: creation order). Each walk reads its index in id order and
 * stops after `limit + 1` matches; with filters to check, also after its share of SCAN_LIMIT
 * index steps, so a page costs the same at row 1,000,000 as at row 10.
 */
function pageOfIds(db: Db, query: ListQuery): IdPage {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const newest = (query.sort ?? "newest") === "newest";
  const { index, drives, filters } = plan(db, query);
  const from = index ? `requests INDEXED BY ${index}` : "requests";
  const after: Term[] = query.cursor ? [{ sql: newest ? "id < ?" : "id > ?", args: [query.cursor] }] : [];
  const ids = (where: Term[], tail: string, args: unknown[]) =>
    db.$client
      .prepare(`SELECT id FROM ${from} WHERE ${where.map((t) => t.sql).join(" AND ")} ORDER BY id ${newest ? "DESC" : "ASC"} ${tail}`)
      .pluck()
      .all(...where.flatMap((t) => t.args), ...args) as string[];

  // Walks share the scan limit, so a page looks at SCAN_LIMIT rows however many statuses it merges.
  const steps = Math.ceil(SCAN_LIMIT / drives.length);
  const walks = drives.map((drive) => {
    // The last id this walk may look at; none when fewer entries are left than its steps.
    const edge = filters.length ? ids([drive, ...after], "LIMIT 1 OFFSET ?", [steps - 1])[0] : undefined;
    const within: Term[] = edge ? [{ sql: newest ? "id >= ?" : "id <= ?", args: [edge] }] : [];
    return { ids: ids([drive, ...after, ...within, ...filters], "LIMIT ?", [limit + 1]), edge };
  });
  // Walks that stopped at their edge have not looked beyond it: nothing beyond the nearest edge
  // may be shown yet, or the next page (after the cursor) would skip what they did not see.
  const edges = walks.flatMap((w) => w.edge ?? []);
  const boundary = edges.length ? edges.reduce((a, b) => ((newest ? a > b : a < b) ? a : b)) : undefined;
  const merged = walks
    .flatMap((w) => w.ids)
    .filter((id) => !boundary || (newest ? id >= boundary : id <= boundary))
    .sort((a, b) => (newest ? compare(b, a) : compare(a, b)))
    .slice(0, limit + 1);
  if (merged.length > limit) {
    const page = merged.slice(0, limit);
    return { ids: page, nextCursor: page.at(-1) ?? null, partial: false };
  }
  return { ids: merged, nextCursor: boundary ?? null, partial: !!boundary };
}
