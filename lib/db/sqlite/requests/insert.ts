import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Request } from "../../rows";
import type { NewRequestWrite } from "../../store";
import { writeTx, type Db } from "../client";
import { perDb } from "../per-db";
import { insertMessages } from "../queue/enqueue";
import { requestEvents, requests } from "../schema";

const p = sql.placeholder;

// Prepared once per database: this is the hot path of the API (see bench/api.ts).
const statements = perDb((db) => ({
  byKey: db
    .select()
    .from(requests)
    .where(and(eq(requests.agentId, p("agentId")), eq(requests.idempotencyKey, p("key"))))
    .prepare(),
  // Every column from a placeholder of its own name: the caller gives a whole row.
  insert: db
    .insert(requests)
    .values(Object.fromEntries(Object.keys(getTableColumns(requests)).map((k) => [k, p(k)])) as unknown as typeof requests.$inferInsert)
    .returning()
    .prepare(),
  event: db
    .insert(requestEvents)
    .values({ requestId: p("requestId"), at: p("at"), actor: p("actor"), fromStatus: p("fromStatus"), toStatus: p("toStatus"), reason: p("reason") })
    .prepare(),
}));

/** A new request with its first events and messages, in one transaction; an idempotency key already used returns that request. */
export function insertRequest(db: Db, w: NewRequestWrite): { request: Request; created: boolean } {
  const s = statements(db);
  return writeTx(db, () => {
    if (w.row.idempotencyKey !== null) {
      const earlier = s.byKey.get({ agentId: w.row.agentId, key: w.row.idempotencyKey });
      if (earlier) return { request: earlier, created: false };
    }
    const request = s.insert.get(w.row);
    for (const event of w.events) s.event.run(event);
    insertMessages(db, w.enqueue);
    return { request, created: true };
  });
}
