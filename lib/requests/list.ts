import { and, desc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { requests, type Request as RequestRow } from "../db/schema";
import { PRIORITIES, REQUEST_STATUSES } from "./statuses";

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
 * Requests newest first, keyset-paginated on the id (a ULID, so newest first = id descending).
 * Each query walks one index in id order and stops after `limit + 1` rows, so a page costs the
 * same at row 1,000,000 as at row 10. Several statuses are read as one such walk per status,
 * merged here: an `IN (...)` would make SQLite sort every matching row.
 */
export function listRequests(db: Db, filter: Partial<ListFilter> = {}): Page {
  const limit = filter.limit ?? 50;
  const common: (SQL | undefined)[] = [
    filter.cursor ? lt(requests.id, filter.cursor) : undefined,
    filter.agent ? eq(requests.agentId, filter.agent) : undefined,
    filter.session ? eq(requests.session, filter.session) : undefined,
    filter.priority?.length ? inArray(requests.priority, filter.priority) : undefined,
    filter.discarded === undefined ? undefined : filter.discarded ? isNotNull(requests.discardedAt) : isNull(requests.discardedAt),
    filter.q
      ? or(sql`${requests.command} LIKE ${likeText(filter.q)} ESCAPE '\\'`, sql`${requests.reason} LIKE ${likeText(filter.q)} ESCAPE '\\'`)
      : undefined,
  ];
  const walk = (status?: (typeof REQUEST_STATUSES)[number]) =>
    db
      .select()
      .from(requests)
      .where(and(status ? eq(requests.status, status) : undefined, ...common))
      .orderBy(desc(requests.id))
      .limit(limit + 1)
      .all();
  const statuses = filter.status?.length ? [...new Set(filter.status)] : undefined;
  const rows = statuses
    ? statuses
        .flatMap((s) => walk(s))
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit + 1)
    : walk();
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
