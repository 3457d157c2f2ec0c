import * as z from "zod";
import { requestCounts, tabCounts, type TabCounts } from "../dashboard/counts";
import type { Request } from "../db/rows";
import type { ListPage, ListQuery, RequestListRow, Store } from "../db/store";
import { PRIORITIES, REQUEST_STATUSES, type RequestStatus } from "./statuses";

export type { ListPage, ListQuery } from "../db/store";

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

/** Query parameters of `GET /api/requests` (docs/api.md): newest first, always. */
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
  approved: ["queued", "running", "succeeded", "failed", "allowed"],
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

/** A request as the dashboard lists it; times are ms since the epoch. */
export type RequestRow = RequestListRow;

/** What `/api/dashboard/requests` answers: a page, every tab's count, and the server's clock. */
export type ListResponse = ListPage<RequestRow> & { tabs: TabCounts; now: number };

/** Requests with every column (the API's request object), one page. */
export function listRequests(store: Store, query: ListQuery = {}): Promise<ListPage<Request>> {
  return store.listRequests(query);
}

/** A dashboard list as its pages and `/api/dashboard/requests` serve it. */
export async function dashboardList(store: Store, query: ListQuery): Promise<ListResponse> {
  const [page, counts] = await Promise.all([store.listRequestRows(query), requestCounts(store)]);
  return { ...page, tabs: tabCounts(counts), now: Date.now() };
}
