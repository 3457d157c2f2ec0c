import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { requests, type Request as RequestRow } from "../db/schema";
import { PRIORITIES, REQUEST_STATUSES, type RequestStatus } from "./statuses";

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

/** Query parameters of `GET /api/requests` (the dashboard's lists pass the same). */
export const listQuerySchema = z.strictObject({
  /** One status or several, comma-separated (`queued,running`). */
  status: csv(REQUEST_STATUSES).optional(),
  agent: z.string().max(64).optional(),
  session: z.string().max(64).optional(),
  /** Priorities, comma-separated. */
  priority: csv(PRIORITIES).optional(),
  /** Text anywhere in the command or the reason. */
  q: z.string().max(200).optional(),
  /** `false`: hide discarded dead letters (triage); `true`: only those. */
  discarded: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page. */
  cursor: z.string().max(64).optional(),
});
export type ListQuery = z.input<typeof listQuerySchema>;
export type ListFilter = z.output<typeof listQuerySchema>;

export interface Page {
  items: RequestRow[];
  nextCursor: string | null;
}

function likeText(q: string): string {
  return `%${q.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * Rows one walk may look at when a filter has no index of its own (text, priority, discarded, or
 * two indexed columns at once): a page then costs at most this many index steps, and the caller
 * gets `nextCursor` to go on from where the walk stopped, even with few or no items.
 */
export const SCAN_BUDGET = 20_000;

/**
 * Requests newest first, keyset-paginated on the id (a ULID, so newest first = id descending).
 * Each query walks one index in id order and stops after `limit + 1` rows, so a page costs the
 * same at row 1,000,000 as at row 10. Several statuses are read as one such walk per status,
 * merged here: an `IN (...)` would make SQLite sort every matching row. Filters no index serves
 * are bounded by SCAN_BUDGET.
 */
export function listRequests(db: Db, filter: Partial<ListFilter> = {}): Page {
  const limit = filter.limit ?? 50;
  const indexed = [filter.agent, filter.session, filter.status?.length ? "status" : undefined].filter(Boolean).length;
  const bounded = !!filter.q || !!filter.priority?.length || filter.discarded !== undefined || indexed > 1;
  const before = filter.cursor ? lt(requests.id, filter.cursor) : undefined;
  const byAgent = filter.agent ? eq(requests.agentId, filter.agent) : undefined;
  const bySession = filter.session ? eq(requests.session, filter.session) : undefined;
  const unindexed: (SQL | undefined)[] = [
    filter.priority?.length ? inArray(requests.priority, filter.priority) : undefined,
    filter.discarded === undefined ? undefined : filter.discarded ? isNotNull(requests.discardedAt) : isNull(requests.discardedAt),
    filter.q
      ? or(sql`${requests.command} LIKE ${likeText(filter.q)} ESCAPE '\\'`, sql`${requests.reason} LIKE ${likeText(filter.q)} ESCAPE '\\'`)
      : undefined,
  ];
  /** One walk: its rows, and the lowest id it looked at when it stopped on the budget. */
  const walk = (status?: RequestStatus) => {
    const byStatus = status ? eq(requests.status, status) : undefined;
    const where = [byStatus, before, byAgent, bySession];
    // The budget counts steps along one index (status, else agent, else session, else the id),
    // so that finding the floor is itself bounded.
    const floor = bounded
      ? db
          .select({ id: requests.id })
          .from(requests)
          .where(and(byStatus ?? byAgent ?? bySession, before))
          .orderBy(desc(requests.id))
          .limit(1)
          .offset(SCAN_BUDGET - 1)
          .get()?.id
      : undefined;
    const rows = db
      .select()
      .from(requests)
      .where(and(...where, floor ? gte(requests.id, floor) : undefined, ...unindexed))
      .orderBy(desc(requests.id))
      .limit(limit + 1)
      .all();
    return { rows, floor };
  };
  const statuses = filter.status?.length ? [...new Set(filter.status)] : [undefined];
  const walks = statuses.map(walk);
  // Walks that stopped early have not looked below their floor: nothing below the highest such
  // floor may be shown yet, or the next page (id < cursor) would skip what they did not see.
  const boundary = walks.reduce<string | undefined>((b, w) => (w.floor && (!b || w.floor > b) ? w.floor : b), undefined);
  const rows = walks
    .flatMap((w) => w.rows)
    .filter((r) => !boundary || r.id >= boundary)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit + 1);
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? (items.at(-1)?.id ?? null) : (boundary ?? null);
  return { items, nextCursor };
}
