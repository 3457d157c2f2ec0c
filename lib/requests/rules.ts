import * as z from "zod/mini";
import { SESSION_NAME, AGENT_ID } from "../auth/agents";
import type { Rule } from "../db/rows";
import type { Store } from "../db/store";
import { notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { newId } from "../ids";
import { RULE_KINDS, type RuleKind } from "./rule-kinds";

/** A rule as the API shows it; `ApiRule` is this schema's type, and the OpenAPI document shows it. */
export const apiRuleSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(RULE_KINDS),
  pattern: z.string(),
  agentId: z.nullable(z.string()),
  session: z.nullable(z.string()),
  createdBy: z.string(),
  note: z.nullable(z.string()),
  createdAt: z.iso.datetime(),
});
export type ApiRule = z.infer<typeof apiRuleSchema>;

export function presentRule(rule: Rule): ApiRule {
  return { ...rule, createdAt: new Date(rule.createdAt).toISOString() };
}

const noNul = (s: string) => !s.includes("\u0000");

export const newRuleSchema = z.strictObject({
  kind: z.enum(RULE_KINDS),
  pattern: z.string().check(z.trim(), z.minLength(1), z.maxLength(16 * 1024), z.refine(noNul, "must not contain NUL bytes")),
  agentId: z.nullish(AGENT_ID),
  session: z.nullish(SESSION_NAME),
  note: z.nullish(z.string().check(z.maxLength(1000), z.refine(noNul, "must not contain NUL bytes"))),
});
const ruleId = z.string().check(z.minLength(1), z.maxLength(64));
/** `DELETE /api/rules?id=…` … */
export const ruleIdQuerySchema = z.strictObject({ id: z.optional(ruleId) });
/** … or `DELETE /api/rules` with the id in the body. */
export const ruleIdBodySchema = z.strictObject({ id: ruleId });

export type NewRule = z.input<typeof newRuleSchema>;

/** Adds a policy rule. */
export async function addRule(store: Store, input: NewRule, createdBy: string, now = Date.now()): Promise<Rule> {
  const r = parseWith(newRuleSchema, input);
  return store.addRule({
    id: newId(now),
    kind: r.kind,
    pattern: r.pattern,
    agentId: r.agentId ?? null,
    session: r.session ?? null,
    note: r.note ?? null,
    createdBy,
    createdAt: now,
  });
}

export async function deleteRule(store: Store, id: string): Promise<Rule> {
  const row = await store.deleteRule(id);
  if (!row) throw notFound(`No rule with id ${id}.`);
  return row;
}

/** Every rule, in the order the policy checks them within a kind (oldest first); `seen` as for Store.listRules. */
export async function listRules(store: Store, seen?: number): Promise<Rule[]> {
  await ensureDefaultRules(store);
  return store.listRules(seen);
}

const SHELLS = ["sh", "bash", "zsh", "dash", "/bin/sh", "/bin/bash", "/usr/bin/env sh", "/usr/bin/env bash"];

/** The built-in rules: fixed ids, so seeding them twice (or from two processes) adds nothing. */
export const DEFAULT_RULES: { id: string; kind: RuleKind; pattern: string; note: string }[] = [
  { id: "default-deny-sudo", kind: "deny", pattern: "sudo", note: "no root through Gatehouse" },
  { id: "default-deny-sudo-args", kind: "deny", pattern: "sudo *", note: "no root through Gatehouse" },
  ...["rm -rf /", "rm -rf / *", "rm -fr /", "rm -fr / *", "rm -rf /\\*", "rm -fr /\\*"].map((pattern, i) => ({
    id: `default-deny-rm-root-${i + 1}`,
    kind: "deny" as const,
    pattern,
    note: "wipes the machine",
  })),
  ...SHELLS.flatMap((shell) => [`* | ${shell}`, `* | ${shell} *`]).map((pattern, i) => ({
    id: `default-deny-pipe-to-shell-${i + 1}`,
    kind: "deny" as const,
    pattern,
    note: "runs text fetched or built at run time as a script",
  })),
  { id: "default-deny-tmux", kind: "deny", pattern: "tmux", note: "agents must not drive tmux themselves" },
  { id: "default-deny-tmux-args", kind: "deny", pattern: "tmux *", note: "agents must not drive tmux themselves" },
  { id: "default-ask-rm-rf", kind: "ask", pattern: "rm -rf *", note: "recursive delete" },
  { id: "default-ask-rm-fr", kind: "ask", pattern: "rm -fr *", note: "recursive delete" },
  { id: "default-ask-force-push", kind: "ask", pattern: "git push *--force*", note: "rewrites shared history" },
  { id: "default-ask-force-push-f", kind: "ask", pattern: "git push *-f", note: "rewrites shared history" },
  { id: "default-ask-force-push-f-args", kind: "ask", pattern: "git push *-f *", note: "rewrites shared history" },
  { id: "default-ask-chain-semicolon", kind: "ask", pattern: "*;*", note: "chained command" },
  { id: "default-ask-chain-and", kind: "ask", pattern: "*&&*", note: "chained command" },
  { id: "default-ask-chain-or", kind: "ask", pattern: "*||*", note: "chained command" },
  { id: "default-ask-pipe", kind: "ask", pattern: "*|*", note: "pipeline" },
  { id: "default-ask-substitution", kind: "ask", pattern: "*$(*", note: "command substitution" },
  { id: "default-ask-backticks", kind: "ask", pattern: "*`*", note: "command substitution" },
  { id: "default-ask-newline", kind: "ask", pattern: "*\n*", note: "several command lines" },
  ...["sh -c*", "bash -c*", "zsh -c*", "dash -c*", "eval *"].map((pattern, i) => ({
    id: `default-ask-shell-string-${i + 1}`,
    kind: "ask" as const,
    pattern,
    note: "runs a string as a script, out of the rules' sight",
  })),
];

const seeded = new WeakSet<Store>();

/**
 * Seeds the built-in rules once per database. A meta marker makes it once for the life of the
 * database, so a default an admin deleted stays deleted; the marker and the rules commit together.
 */
export async function ensureDefaultRules(store: Store, now = Date.now()): Promise<void> {
  if (seeded.has(store)) return;
  await store.seedRules(
    DEFAULT_RULES.map((r) => ({ ...r, agentId: null, session: null, createdBy: "system", createdAt: now })),
    "default_rules_seeded",
    now,
  );
  seeded.add(store);
}
