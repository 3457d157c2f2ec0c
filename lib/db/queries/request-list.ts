import "server-only";
import type { Db } from "../client";
import { z } from "zod";
import { PRIORITIES, type Priority, type RequestStatus } from "../../requests/statuses";
import { requestCounts, type TabCounts } from "./counts";

/** The dashboard's list tabs and the statuses each shows. */
export const LIST_TABS = {
  pending: ["pending"],
  approved: ["queued", "running", "succeeded", "failed"],
  rejected: ["rejected", "expired", "cancelled"],
  dead: ["dead"],
} as const satisfies Record<string, readonly RequestStatus[]>;
export type ListTab = keyof typeof LIST_TABS;

const blank = (v: unknown) => (v === "" ? undefined : v);

/** A list's query string (the page's URL and `/api/dashboard/requests` share it); blanks mean unset. */
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

export interface ListQuery {
  tab: ListTab;
  agent?: string;
  session?: string;
  priority?: Priority;
  /** Text searched in the command and the reason (case-insensitive substring). */
  q?: string;
  /** (Default: newest) */
  sort?: "newest" | "oldest";
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** (Default: 50, at most 200) */
  limit?: number;
}

/** A request as the dashboard lists and shows it; times are ms since the epoch. */
export interface RequestRow {
  id: string;
  agentId: string;
  session: string;
  command: string;
  cwd: string | null;
  reason: string | null;
  priority: Priority;
  status: RequestStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionComment: string | null;
  exitCode: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  expiresAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface ListPage {
  items: RequestRow[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  /**
   * True when the page stopped because it had looked at as many rows as one page may (filters
   * that no index serves): there may be more matches further on, behind `nextCursor`.
   */
  partial: boolean;
}

export const ROW_COLUMNS = `id, agent_id AS agentId, session, command, cwd, reason, priority, status,
  decided_by AS decidedBy, decided_at AS decidedAt, decision_comment AS decisionComment,
  exit_code AS exitCode, attempts, last_error AS lastError, created_at AS createdAt,
  expires_at AS expiresAt, started_at AS startedAt, finished_at AS finishedAt`;

/** What `/api/dashboard/requests` answers: a page, every tab's count, and the server's clock. */
export type ListResponse = ListPage & { tabs: TabCounts; now: number };

/**
 * Rows one page may look at through its driving index. Filters no index serves (text, priority,
 * and the tab's statuses when an agent or session drives) are checked on at most this many rows,
 * so a page costs the same whether the table holds a thousand requests or a million.
 */
export const SCAN_LIMIT = 10_000;

/**
 * One page of a tab, keyset-paginated on the id (a ULID, so creation order). The driving index is
 * the tab's statuses when the tab is small enough to read whole, else the agent or session named.
 */
export function listRequests(db: Db, query: ListQuery): ListPage {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const desc = (query.sort ?? "newest") === "newest";
  const statuses: readonly string[] = LIST_TABS[query.tab];

  const drive: string[] = [];
  const driveArgs: unknown[] = [];
  let index: string;
  const filters: string[] = [];
  const filterArgs: unknown[] = [];
  const counts = requestCounts(db);
  const tabSize = statuses.reduce((n, s) => n + counts[s as RequestStatus], 0);
  const byStatus = tabSize <= SCAN_LIMIT;
  if (query.agent && !byStatus) {
    index = "requests_agent";
    drive.push("agent_id = ?");
    driveArgs.push(query.agent);
  } else if (query.session && !byStatus) {
    index = "requests_session";
    drive.push("session = ?");
    driveArgs.push(query.session);
  } else {
    index = "requests_status";
    drive.push(`status IN (${statuses.map(() => "?").join(", ")})`);
    driveArgs.push(...statuses);
  }
  if (query.cursor) {
    drive.push(desc ? "id < ?" : "id > ?");
    driveArgs.push(query.cursor);
  }
  if (index !== "requests_status") {
    filters.push(`status IN (${statuses.map(() => "?").join(", ")})`);
    filterArgs.push(...statuses);
  }
  if (query.agent && index !== "requests_agent") {
    filters.push("agent_id = ?");
    filterArgs.push(query.agent);
  }
  if (query.session && index !== "requests_session") {
    filters.push("session = ?");
    filterArgs.push(query.session);
  }
  if (query.tab === "dead") filters.push("discarded_at IS NULL");
  if (query.priority) {
    filters.push("priority = ?");
    filterArgs.push(query.priority);
  }
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
    filters.push("(command LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')");
    filterArgs.push(like, like);
  }

  const order = desc ? "DESC" : "ASC";
  const where = drive.join(" AND ");
  let items: RequestRow[];
  if (filters.length === 0) {
    items = db.$client
      .prepare(`SELECT ${ROW_COLUMNS} FROM requests INDEXED BY ${index} WHERE ${where} ORDER BY id ${order} LIMIT ?`)
      .all(...driveArgs, limit + 1) as RequestRow[];
  } else {
    items = db.$client
      .prepare(
        `SELECT ${ROW_COLUMNS} FROM requests WHERE id IN (
           SELECT id FROM requests INDEXED BY ${index} WHERE ${where} ORDER BY id ${order} LIMIT ${SCAN_LIMIT}
         ) AND ${filters.join(" AND ")} ORDER BY id ${order} LIMIT ?`,
      )
      .all(...driveArgs, ...filterArgs, limit + 1) as RequestRow[];
  }

  if (items.length > limit) {
    items = items.slice(0, limit);
    return { items, nextCursor: items[items.length - 1]!.id, partial: false };
  }
  if (filters.length === 0) return { items, nextCursor: null, partial: false };
  // Fewer matches than a page: either the end, or the scan budget ran out first.
  const lastScanned = db.$client
    .prepare(`SELECT id FROM requests INDEXED BY ${index} WHERE ${where} ORDER BY id ${order} LIMIT 1 OFFSET ${SCAN_LIMIT - 1}`)
    .pluck()
    .get(...driveArgs) as string | undefined;
  return lastScanned ? { items, nextCursor: lastScanned, partial: true } : { items, nextCursor: null, partial: false };
}
