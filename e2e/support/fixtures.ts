import { openDb } from "../../lib/db/client";
import { requests } from "../../lib/db/schema";
import { newId } from "../../lib/ids";

/**
 * A request that already went dead (as after a worker crash mid-run), written straight into the
 * test's database: there is no way to make one through the API on purpose.
 */
export function insertDeadLetter(dbFile: string, r: { agentId: string; session: string; command: string; lastError: string }): string {
  const db = openDb(dbFile);
  try {
    const now = Date.now();
    const id = newId(now);
    db.insert(requests)
      .values({
        id, agentId: r.agentId, session: r.session, command: r.command, status: "dead", lastError: r.lastError,
        attempts: 1, decidedBy: "alice", decidedAt: now - 5000, createdAt: now - 6000, expiresAt: now + 86_400_000,
        queuedAt: now - 5000, startedAt: now - 4000, finishedAt: now - 1000,
      })
      .run();
    return id;
  } finally {
    db.$client.close();
  }
}
