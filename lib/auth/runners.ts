import * as z from "zod/mini";
import type { Store } from "../db/store";
import { conflict, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { nudge } from "../queue/wake";
import { sessionGroups } from "../requests/lifecycle";
import { AGENT_ID, SESSION_NAME, sessionsOf } from "./agents";
import { hashToken, newToken, RUNNER_TOKEN_PREFIX } from "./tokens";

/** An authenticated runner: its name and the tmux sessions whose commands it runs. */
export interface RunnerIdentity {
  id: string;
  sessions: string[];
}

const newRunnerSchema = z.object({
  id: AGENT_ID,
  sessions: z.array(SESSION_NAME).check(z.minLength(1, "a runner needs at least one session")),
});

/**
 * Registers a runner for `sessions` and returns its token: the only time the token exists in
 * clear. From then on those sessions' commands and notices are the runner's alone (the local
 * worker skips them); a session another runner has is refused (409).
 */
export async function createRunner(store: Store, input: { id: string; sessions: string[] }, now = Date.now()): Promise<{ runner: RunnerIdentity; token: string }> {
  const { id, sessions } = parseWith(newRunnerSchema, input);
  const unique = [...new Set(sessions)];
  const token = newToken(RUNNER_TOKEN_PREFIX);
  const row = { id, tokenHash: hashToken(token), sessions: JSON.stringify(unique), createdAt: now, lastSeenAt: null, revokedAt: null };
  const inserted = await store.insertRunner(row, unique.flatMap(sessionGroups));
  if (!inserted.ok) {
    if ("exists" in inserted) throw conflict(`A runner named "${id}" already exists (revoked runners keep their name).`);
    const taken = unique.filter((s) => inserted.taken.includes(s));
    throw conflict(`Another runner already runs the commands of ${taken.join(", ")}; revoke it first.`);
  }
  return { runner: { id, sessions: unique }, token };
}

/** The live (not revoked) runner a bearer token belongs to, or null. */
export async function runnerByToken(store: Store, token: string): Promise<RunnerIdentity | null> {
  const row = await store.runnerByTokenHash(hashToken(token));
  return row && row.revokedAt === null ? { id: row.id, sessions: sessionsOf(row) } : null;
}

/**
 * Revokes a runner: its token stops working at once and its sessions go back to the local worker.
 * What it holds now ends as its lease runs out (a command: `dead`, interrupted).
 */
export async function revokeRunner(store: Store, id: string, now = Date.now()): Promise<void> {
  if (!(await store.revokeRunner(id, now))) throw notFound(`No live runner named ${id}.`);
  // The freed sessions' waiting commands are this host's workers' now.
  nudge();
}
