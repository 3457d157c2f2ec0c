import * as z from "zod/mini";
import type { Agent } from "../db/rows";
import type { Store } from "../db/store";
import { conflict } from "../http/errors";
import { parseWith } from "../http/validate";
import { AGENT_TOKEN_PREFIX, hashToken, newToken } from "./tokens";

/** tmux session names, as the design fixes them (docs/architecture.md). */
export const SESSION_NAME = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"));
export const AGENT_ID = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _ . or -"));

/** An authenticated agent: who it is and which tmux sessions it may target. */
export interface AgentIdentity {
  id: string;
  sessions: string[];
  /** May the policy approve this agent's urgent or self-marked requests at once? */
  autoApprove: boolean;
}

/**
 * The store's count of rule and webhook changes, read with the agent's token (Store.listRules):
 * kept beside the identity, which is shown to the agent as it is (GET /api/auth/me).
 */
const configVersions = new WeakMap<AgentIdentity, number>();

/** The count of rule and webhook changes read with this agent's token, if its store keeps one. */
export const configVersionSeenBy = (agent: AgentIdentity): number | undefined => configVersions.get(agent);

const newAgentSchema = z.object({
  id: AGENT_ID,
  sessions: z.array(SESSION_NAME).check(z.minLength(1, "an agent needs at least one session")),
  autoApprove: z._default(z.boolean(), false),
});

/** Registers an agent and returns its token: the only time the token exists in clear. */
export async function createAgent(
  store: Store,
  input: { id: string; sessions: string[]; autoApprove?: boolean },
  now = Date.now(),
): Promise<{ agent: AgentIdentity; token: string }> {
  const { id, sessions, autoApprove } = parseWith(newAgentSchema, input);
  const token = newToken(AGENT_TOKEN_PREFIX);
  const created = await store.insertAgent({ id, tokenHash: hashToken(token), sessions: JSON.stringify(sessions), autoApprove, createdAt: now });
  if (!created) throw conflict(`An agent named "${id}" already exists.`);
  return { agent: { id, sessions, autoApprove }, token };
}

/** The sessions an agent or runner record names (a JSON array; anything else reads as none). */
export function sessionsOf(row: Pick<Agent, "sessions">): string[] {
  try {
    const v: unknown = JSON.parse(row.sessions);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** The agent a bearer token belongs to, or null. */
export async function agentByToken(store: Store, token: string): Promise<AgentIdentity | null> {
  const row = await store.agentByTokenHash(hashToken(token));
  if (!row) return null;
  const agent = { id: row.id, sessions: sessionsOf(row), autoApprove: row.autoApprove };
  if (row.configVersion !== undefined) configVersions.set(agent, row.configVersion);
  return agent;
}
