import { loadConfig } from "../../lib/config";
import { openStore } from "../../lib/db/open";
import type { Store } from "../../lib/db/store";
import { newId } from "../../lib/ids";

/** A connection of this process's own to the database `env` names (GATEHOUSE_DB or GATEHOUSE_DATABASE_URL). */
export function openStoreAt(env: Record<string, string>): Promise<Store> {
  return openStore(loadConfig(env));
}

/**
 * A request that already went dead (as after a worker crash mid-run), written straight into the
 * test's database: there is no way to make one through the API on purpose.
 */
export async function insertDeadLetter(env: Record<string, string>, r: { agentId: string; session: string; command: string; lastError: string }): Promise<string> {
  const store = await openStoreAt(env);
  try {
    const now = Date.now();
    const id = newId(now);
    await store.insertRequest({
      row: {
        id, agentId: r.agentId, session: r.session, command: r.command, cwd: null, reason: null, priority: "NORMAL", status: "dead",
        timeoutSec: null, autoApprove: false, idempotencyKey: null, decidedBy: "alice", decidedAt: now - 5000, decisionComment: null,
        exitCode: null, output: null, outputTruncated: false, attempts: 1, lastError: r.lastError, createdAt: now - 6000,
        expiresAt: now + 86_400_000, queuedAt: now - 5000, startedAt: now - 4000, finishedAt: now - 1000, discardedAt: null,
        kind: "run", agentWaitedAt: null,
      },
      events: [],
      enqueue: [],
    });
    return id;
  } finally {
    await store.close();
  }
}
