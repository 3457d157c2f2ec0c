import "server-only";
import type { Db } from "../client";
import type { Rule } from "../schema";
import { perDb } from "../per-db";
import { isWildcard, matchesPattern, segmentsOf } from "../../requests/patterns";

/** How far back "would have matched" looks: the most recent requests, newest first. */
export const MATCH_WINDOW = 10_000;

const statements = perDb(({ $client: c }) => ({
  recent: c.prepare(
    `SELECT command, agent_id AS agentId, session, count(*) AS n
     FROM (SELECT command, agent_id, session FROM requests ORDER BY id DESC LIMIT ${MATCH_WINDOW})
     GROUP BY command, agent_id, session`,
  ),
}));

interface Past {
  command: string;
  agentId: string;
  session: string;
  n: number;
}

/**
 * Whether `rule` applies to a past request the way the policy reads rules: deny and ask rules
 * meet any simple command in a chain; allow rules need the whole command, and a wildcard allow
 * never covers a chained command.
 */
function wouldMatch(rule: Rule, past: Past): boolean {
  if (rule.agentId !== null && rule.agentId !== past.agentId) return false;
  if (rule.session !== null && rule.session !== past.session) return false;
  if (matchesPattern(rule.pattern, past.command) && (rule.kind !== "allow" || !isWildcard(rule.pattern) || segmentsOf(past.command).length <= 1)) {
    return true;
  }
  if (rule.kind === "allow") return false;
  return segmentsOf(past.command).some((part) => matchesPattern(rule.pattern, part));
}

/**
 * For each rule, how many of the last MATCH_WINDOW requests it would have matched (whatever
 * rule decided them in fact). Distinct commands are matched once each.
 */
export function ruleMatchCounts(db: Db, rules: Rule[]): { counts: Map<string, number>; window: number } {
  const past = statements(db).recent.all() as Past[];
  const window = past.reduce((n, p) => n + p.n, 0);
  const counts = new Map<string, number>();
  for (const rule of rules) {
    let n = 0;
    for (const p of past) if (wouldMatch(rule, p)) n += p.n;
    counts.set(rule.id, n);
  }
  return { counts, window };
}
