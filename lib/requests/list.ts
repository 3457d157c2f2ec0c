import { inArray } from "drizzle-orm";
import * as z from "zod";
import type { Db } from "../db/client";
import { requestCounts, tabCounts, type TabCounts } from "../db/queries/counts";
import { requests, type Request } from "../db/schema";
import { PRIORITIES, REQUEST_STATUSES, type Priority, type RequestStatus } from "./statuses";

/** One list of requests: what `GET /api/requests` and every dashboard list ask for. */
export interface ListQuery {
  /** Only these statuses. (Default: every status) */
  status?: readonly RequestStatus[];
  agent?: string;
  session?: string;
  /** Only these priorities. (Default: every priority) */
  priority?: readonly Priority[];
  /** Text anywhere in the command or the reason (case-insensitive; `%` and `_` are literal). */
  q?: string;
  /** `false`: hide dead letters a person discarded (triage); `true`: only those. (Default: both) */
  discarded?: boolean;
  /** (Default: newest) */
  sort?: "newest" | "oldest";
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** (Default: 50, at most 200) */
  limit?: number;
}

export interface ListPage<Row> {
  items: Row[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  /**
   * True when the page stopped because it had looked at SCAN_LIMIT rows (filters no index serves):
   * there may be more matches further on, behind `nextCursor`.
   */
  partial: boolean;
}

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

/** Query parameters of `GET /api/requests` (API.md): newest first, always. */
export const listQuerySchema = z.strictObject({
  /** One status or several, comma-separated (`queued,running`). */
  status: csv(REQUEST_STATUSES).optional(),
  agent: z.string().max(64).optional(),
  session: z.string().max(64).optional(),
  /** Priorities, comma-separated. */
  priority: csv(PRIORITIES).optional(),
  q: z.string().max(200).optional(),
  discarded: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
});

/** The dashboard's list tabs and the statuses each shows. */
export const LIST_TABS = {
  pending: ["pending"],
  approved: ["queued", "running", "succeeded", "failed"],
  rejected: ["rejected", "expired", "cancelled"],
  dead: ["dead"],
} as const satisfies Record<string, readonly RequestStatus[]>;
export type ListTab = keyof typeof LIST_TABS;

const blank = (v: unknown) => (v === "" ? undefined : v);

/** A dashboard list's query string (the page's URL and `/api/dashboard/requests` share it); blanks mean unset. */
export const listParams = z.strictObject({
  tab: z.enum(Object.keys(LIST_TABS) as [ListTab]).default("pending"),
  agent: z.preprocess(blank, z.string().max(64).optional()),
  session: z.preprocess(blank, z.string().max(64).optional()),
  priority: z.preprocess(blank, z.enum(PRIORITIES).optional()),
  q: z.preprocess(blank, z.string().max(200).optional()),
  sort: z.preprocess(blank, z.enum(["newest", "oldest"]).optional()),
  cursor: z.preprocess(blank, z.string().max(64).optional()),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type ListParams = z.output<typeof listParams>;

/** The query behind a dashboard tab: its statuses, and the dead-letter tab leaves out discarded ones. */
export function tabQuery({ tab, priority, ...rest }: ListParams): ListQuery {
  return { ...rest, status: LIST_TABS[tab], priority: priority && [priority], discarded: tab === "dead" ? false : undefined };
}

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
};
/** A request as the dashboard lists it; times are ms since the epoch. */
export type RequestRow = Pick<Request, keyof typeof rowColumns>;

/** What `/api/dashboard/requests` answers: a page, every tab's count, and the server's clock. */
export type ListResponse = ListPage<RequestRow> & { tabs: TabCounts; now: number };

/**
 * Rows one walk may look at along its index when a filter has no index of its own (text,
 * priority, discarded, or a second one of status / agent / session): a page then costs the same at
 * row 1,000,000 as at row 10, and `nextCursor` goes on from where the walk stopped.
 */
export const SCAN_LIMIT = 10_000;

/** Requests with every column (the API's request object), one page. */
export function listRequests(db: Db, query: ListQuery = {}): ListPage<Request> {
  return withRows(pageOfIds(db, query), (ids) => db.select().from(requests).where(inArray(requests.id, ids)).all());
}

/** Requests as the dashboard lists them (no output), one page. */
export function listRequestRows(db: Db, query: ListQuery = {}): ListPage<RequestRow> {
  return withRows(pageOfIds(db, query), (ids) => db.select(rowColumns).from(requests).where(inArray(requests.id, ids)).all());
}

/** A dashboard list as its pages and `/api/dashboard/requests` serve it. */
export function dashboardList(db: Db, query: ListQuery): ListResponse {
  return { ...listRequestRows(db, query), tabs: tabCounts(requestCounts(db)), now: Date.now() };
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
  const counts = statuses.length ? requestCounts(db) : undefined;
  // The status index also holds the dead letters a person discarded, which `counts.dead` leaves out.
  const fewStatusRows = !!counts && statuses.reduce((n, s) => n + counts[s] + (s === "dead" ? counts.discarded : 0), 0) <= SCAN_LIMIT;
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
