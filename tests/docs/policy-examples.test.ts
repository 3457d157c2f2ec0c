import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/db/rows";
import { evaluatePolicy, type PolicyInput } from "@/lib/requests/policy";
import { DEFAULT_RULES } from "@/lib/requests/rules";
import { RULE_KINDS, type RuleKind } from "@/lib/requests/rule-kinds";
import { PRIORITIES, type Priority } from "@/lib/requests/statuses";
import { fencedBlocks, page } from "./docs-files";

// The examples of docs/policy.md, in its ```policy-examples blocks:
//   rule KIND PATTERN [@agent=ID] [@session=NAME]   a rule added to the defaults for this block
//   with agent=ID session=NAME priority=P auto-approve=yes|no request-auto-approve=yes|no
//   VERDICT COMMAND                                 deny | ask | allow, then the command
// Lines starting with # are comments.

interface Example {
  block: number;
  line: string;
  verdict: "deny" | "ask" | "allow";
  input: PolicyInput;
  rules: Rule[];
}

const BASE: PolicyInput = {
  agent: { id: "backend-api", sessions: ["claude-backend-api"], autoApprove: false },
  session: "claude-backend-api",
  command: "",
  priority: "NORMAL",
  autoApprove: false,
};

function rule(id: string, kind: RuleKind, pattern: string, agentId: string | null, session: string | null, at: number): Rule {
  return { id, kind, pattern, agentId, session, note: null, createdBy: "docs", createdAt: at };
}

const defaults = (): Rule[] => DEFAULT_RULES.map((r, i) => rule(r.id, r.kind, r.pattern, null, null, i));

function yes(value: string | undefined, line: string): boolean {
  if (value !== "yes" && value !== "no") throw new Error(`expected yes or no in: ${line}`);
  return value === "yes";
}

function parseExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  fencedBlocks(markdown, "policy-examples").forEach((body, block) => {
    const lines = body.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
    const rules = defaults();
    for (const line of lines.filter((l) => l.startsWith("rule "))) {
      const m = /^rule (\w+)\s+(.+?)((?:\s+@(?:agent|session)=\S+)*)$/.exec(line);
      if (!m || !(RULE_KINDS as readonly string[]).includes(m[1]!)) throw new Error(`bad rule line: ${line}`);
      const scope = Object.fromEntries([...m[3]!.matchAll(/@(agent|session)=(\S+)/g)].map((s) => [s[1]!, s[2]!]));
      rules.push(rule(`docs-${block}-${rules.length}`, m[1] as RuleKind, m[2]!, scope.agent ?? null, scope.session ?? null, 1000 + rules.length));
    }
    let input = { ...BASE };
    for (const line of lines) {
      if (line.startsWith("rule ")) continue;
      if (line.startsWith("with ")) {
        const kv = Object.fromEntries(line.slice(5).trim().split(/\s+/).map((w) => w.split("=") as [string, string]));
        for (const k of Object.keys(kv)) {
          if (!["agent", "session", "priority", "auto-approve", "request-auto-approve"].includes(k)) throw new Error(`unknown key ${k} in: ${line}`);
        }
        const priority = kv.priority ?? "NORMAL";
        if (!(PRIORITIES as readonly string[]).includes(priority)) throw new Error(`bad priority in: ${line}`);
        const session = kv.session ?? BASE.session;
        input = {
          agent: { id: kv.agent ?? BASE.agent.id, sessions: [session], autoApprove: kv["auto-approve"] ? yes(kv["auto-approve"], line) : false },
          session,
          command: "",
          priority: priority as Priority,
          autoApprove: kv["request-auto-approve"] ? yes(kv["request-auto-approve"], line) : false,
        };
        continue;
      }
      const m = /^(deny|ask|allow)\s+(.+)$/.exec(line);
      if (!m) throw new Error(`not an example, a rule or a with line: ${line}`);
      examples.push({ block, line, verdict: m[1] as Example["verdict"], input: { ...input, command: m[2]! }, rules });
    }
  });
  return examples;
}

describe("docs/policy.md", () => {
  const markdown = page("policy.md");
  const examples = parseExamples(markdown);

  it("reads every policy-examples block of the page", () => {
    expect(fencedBlocks(markdown, "policy-examples").length).toBe(markdown.split("```policy-examples").length - 1);
  });

  it("has examples of every verdict", () => {
    expect(new Set(examples.map((e) => e.verdict))).toEqual(new Set(["deny", "ask", "allow"]));
    expect(examples.length).toBeGreaterThan(30);
  });

  it.each(examples.map((e) => [`block ${e.block + 1}: ${e.line}`, e] as const))("%s", (_, e) => {
    const verdict = evaluatePolicy(e.rules, e.input, { autoApprovePriority: "URGENT" });
    expect(verdict.outcome, `${e.input.command} (${"why" in verdict ? verdict.why : ""})`).toBe(e.verdict);
  });

  it("lists every built-in rule's pattern", () => {
    // Table cells escape | as \|; the newline rule is written as \n.
    const text = markdown.replace(/\\\|/g, "|");
    const missing = DEFAULT_RULES.map((r) => r.pattern.replace(/\n/g, "\\n")).filter((p) => !text.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });

  it("names the auto-approval setting's default as the examples assume it", async () => {
    const { loadConfig } = await import("@/lib/config");
    expect(loadConfig({}).GATEHOUSE_AUTO_APPROVE_PRIORITY).toBe("URGENT");
  });
});
