import { eq, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { Db } from "../db/client";
import { perDb } from "../db/per-db";
import { agents, type Agent } from "../db/schema";
import { conflict } from "../http/errors";
import { parseWith } from "../http/validate";
import { AGENT_TOKEN_PREFIX, hashToken, newToken } from "./tokens";

/** tmux session names, as DESIGN.md fixes them. */
export const SESSION_NAME = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"));
export const AGENT_ID = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _ . or -"));

/** An authenticated agent: who it is and which tmux sessions it may target. */
export interface AgentIdentity {
  id: string;
  sessions: string[];
  /** May the policy approve this agent's urgent or self-marked requests at once? */
  autoApprove: boolean;
}

const newAgentSchema = z.object({
  id: AGENT_ID,
  sessions: z.array(SESSION_NAME).check(z.minLength(1, "an agent needs at least one session")),
  autoApprove: z._default(z.boolean(), false),
});

/** Registers an agent and returns its token: the only time the token exists in clear. */
export function createAgent(
  db: Db,
  input: { id: string; sessions: string[]; autoApprove?: boolean },
  now = Date.now(),
): { agent: AgentIdentity; token: string } {
  const { id, sessions, autoApprove } = parseWith(newAgentSchema, input);
  const token = newToken(AGENT_TOKEN_PREFIX);
  const inserted = db
    .insert(agents)
    .values({ id, tokenHash: hashToken(token), sessions: JSON.stringify(sessions), autoApprove, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: agents.id })
    .all();
  if (inserted.length === 0) throw conflict(`An agent named "${id}" already exists.`);
  return { agent: { id, sessions, autoApprove }, token };
}

const byTokenHash = perDb((db) =>
  db.select().from(agents).where(eq(agents.tokenHash, sql.placeholder("hash"))).prepare(),
);

function identity(row: Agent): AgentIdentity {
  return { id: row.id, sessions: JSON.parse(row.sessions) as string[], autoApprove: row.autoApprove };
}

/** The agent a bearer token belongs to, or null. */
export function agentByToken(db: Db, token: string): AgentIdentity | null {
  const row = byTokenHash(db).get({ hash: hashToken(token) });
  return row ? identity(row) : null;
}
