import "server-only";
import type { Rule } from "../db/rows";
import type { Store } from "../db/store";
import { isWildcard, matchesPattern, segmentsOf } from "../requests/patterns";

/** How far back "would have matched" looks: the most recent requests, newest first. */
export const MATCH_WINDOW = 10_000;

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
export async function ruleMatchCounts(store: Store, rules: Rule[]): Promise<{ counts: Map<string, number>; window: number }> {
  const past: Past[] = await store.recentCommands(MATCH_WINDOW);
  const window = past.reduce((n, p) => n + p.n, 0);
  const counts = new Map<string, number>();
  for (const rule of rules) {
    let n = 0;
    for (const p of past) if (wouldMatch(rule, p)) n += p.n;
    counts.set(rule.id, n);
  }
  return { counts, window };
}
