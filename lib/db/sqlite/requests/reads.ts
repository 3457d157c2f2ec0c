import { asc, eq, sql } from "drizzle-orm";
import type { RequestEvent } from "../../rows";
import type { RequestStatus } from "../../../requests/statuses";
import type { Db } from "../client";
import { perDb } from "../per-db";
import { requestEvents } from "../schema";

const statements = perDb((db) => {
  const c = db.$client;
  return {
    waited: c.prepare<[number, string]>("UPDATE requests SET agent_waited_at = ? WHERE id = ?"),
    due: c
      .prepare<[number, number], string>("SELECT id FROM requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?")
      .pluck(),
    statuses: c.prepare<[string], { id: string; status: RequestStatus }>(
      "SELECT id, status FROM requests WHERE id IN (SELECT value FROM json_each(?))",
    ),
    events: db.select().from(requestEvents).where(eq(requestEvents.requestId, sql.placeholder("requestId"))).orderBy(asc(requestEvents.id)).prepare(),
    dataVersion: c.prepare<[], number>("PRAGMA data_version").pluck(),
  };
});

/** Notes that the request's agent waits on it now (no status change: no one is told). */
export function markAgentWaited(db: Db, id: string, at: number): void {
  statements(db).waited.run(at, id);
}

export function duePending(db: Db, now: number, limit: number): string[] {
  return statements(db).due.all(now, limit);
}

export function statuses(db: Db, ids: readonly string[]): { id: string; status: RequestStatus }[] {
  return ids.length ? statements(db).statuses.all(JSON.stringify(ids)) : [];
}

export function idsWithStatus(db: Db, ids: readonly string[], wanted: readonly RequestStatus[]): string[] {
  return statuses(db, ids).flatMap((r) => (wanted.includes(r.status) ? [r.id] : []));
}

export function listEvents(db: Db, requestId: string): RequestEvent[] {
  return statements(db).events.all({ requestId });
}

/**
 * Calls `onChange` when another connection has committed, by reading PRAGMA data_version (a counter
 * SQLite bumps on another connection's commit) every `pollMs`. This connection's own writes never
 * show there: lib/requests/changes.ts wakes this process's waiters itself.
 */
export function watchRequests(db: Db, onChange: () => void, pollMs: number): () => void {
  const version = statements(db).dataVersion;
  let last = version.get();
  const timer = setInterval(() => {
    const v = version.get();
    if (v !== last) {
      last = v;
      onChange();
    }
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
