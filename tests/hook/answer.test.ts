import { describe, expect, it } from "vitest";
import { formatAnswer, hookResult } from "../../lib/hook/answer";
import { parseEvent, type HookEvent } from "../../lib/hook/event";
import { parseTools, planGate } from "../../lib/hook/gate";
import { fallback } from "../../lib/hook/verdict";
import * as events from "./events";

function parsed(e: object): HookEvent {
  const r = parseEvent(JSON.stringify(e));
  if (!r.ok) throw new Error(r.problem);
  return r.event;
}

const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as unknown));

describe("reading the documented events", () => {
  it("reads Claude Code's PreToolUse for Bash as a gate request with the agent's description as reason", () => {
    const plan = planGate(parsed(events.claudePreToolUse), parseTools(undefined));
    expect(plan).toEqual({ kind: "gate", ask: { command: "npm test", reason: "Run the test suite", cwd: "/home/user/my-project" } });
  });

  it("reads Claude Code's and Codex's PermissionRequest alike", () => {
    expect(planGate(parsed(events.claudePermissionRequest), parseTools(undefined))).toEqual({
      kind: "gate",
      ask: { command: "rm -rf node_modules", reason: "Remove node_modules directory", cwd: "/home/user/my-project" },
    });
    expect(planGate(parsed(events.codexPermissionRequest), parseTools(undefined))).toEqual({
      kind: "gate",
      ask: { command: "rm -f /tmp/example", reason: "clean up the scratch file", cwd: "/home/user/my-project" },
    });
  });

  it("leaves other tools alone unless --tools names them, then shows the file and a preview of the change", () => {
    const edit = parsed(events.claudeEdit);
    expect(planGate(edit, parseTools(undefined))).toEqual({ kind: "skip" });
    const plan = planGate(edit, parseTools("Bash,Edit,Write"));
    expect(plan.kind === "gate" && plan.ask.command).toBe("Edit /home/user/my-project/src/app.ts\n- const port = 3000;\n+ const port = 8080;");
  });

  it("caps the preview of a large Write", () => {
    const write = parsed({ ...events.claudeEdit, tool_name: "Write", tool_input: { file_path: "/p/big.txt", content: "x".repeat(50_000) } });
    const plan = planGate(write, parseTools("Write"));
    if (plan.kind !== "gate") throw new Error("not gated");
    expect(plan.ask.command.startsWith("Write /p/big.txt\n+ xxx")).toBe(true);
    expect(plan.ask.command.length).toBeLessThan(2200);
    expect(plan.ask.command).toMatch(/… \(\d+ more characters\)$/);
  });

  it("does not gate Codex's PreToolUse, which cannot wait for an approval", () => {
    const plan = planGate(parsed(events.codexPreToolUse), parseTools(undefined));
    expect(plan.kind).toBe("skip");
    expect(plan.kind === "skip" && plan.note).toContain("PermissionRequest");
  });

  it("refuses malformed input, keeping the event name when it can be read", () => {
    expect(parseEvent("")).toEqual({ ok: false, problem: "no event on stdin" });
    expect(parseEvent("{not json")).toMatchObject({ ok: false, problem: "the event on stdin is not JSON" });
    const noInput = parseEvent(JSON.stringify({ ...events.claudePreToolUse, tool_input: "npm test" }));
    expect(noInput).toMatchObject({ ok: false, eventName: "PreToolUse" });
    expect(!noInput.ok && noInput.problem).toContain("tool_input");
    const noCommand = planGate(parsed({ ...events.claudePreToolUse, tool_input: { description: "x" } }), parseTools(undefined));
    expect(noCommand.kind).toBe("invalid");
  });
});

describe("answering in each event's documented shape", () => {
  it("PreToolUse: hookSpecificOutput with permissionDecision allow, deny or ask and the reason", () => {
    for (const kind of ["allow", "deny", "ask"] as const) {
      expect(json(formatAnswer("PreToolUse", { kind, reason: `because ${kind}` }))).toEqual({
        hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: kind, permissionDecisionReason: `because ${kind}` },
      });
    }
  });

  it("PermissionRequest: decision.behavior allow, or deny with the message, and nothing else", () => {
    expect(json(formatAnswer("PermissionRequest", { kind: "allow", reason: "approved by alice" }))).toEqual({
      hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } },
    });
    expect(json(formatAnswer("PermissionRequest", { kind: "deny", reason: "not on a Friday" }))).toEqual({
      hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "deny", message: "not on a Friday" } },
    });
  });

  it("PostToolUse answers nothing", () => {
    expect(formatAnswer("PostToolUse", { kind: "allow", reason: "x" })).toBeNull();
  });
});

describe("the fallback never allows", () => {
  it("asks at PreToolUse, gives no verdict at PermissionRequest", () => {
    expect(json(hookResult("PreToolUse", fallback("PreToolUse", "no decision in time", false)).stdout)).toEqual({
      hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "ask", permissionDecisionReason: "Gatehouse could not decide: no decision in time" },
    });
    expect(hookResult("PermissionRequest", fallback("PermissionRequest", "server down", false))).toEqual({ stdout: null, exitCode: 0 });
  });

  it("denies everywhere with --fail-closed, by exit code 2 when the event has no readable name", () => {
    expect(json(hookResult("PermissionRequest", fallback("PermissionRequest", "server down", true)).stdout)).toEqual({
      hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "deny", message: "Gatehouse could not decide: server down" } },
    });
    expect(hookResult(undefined, fallback(undefined, "the event on stdin is not JSON", true))).toEqual({
      stdout: null,
      exitCode: 2,
      note: "Gatehouse could not decide: the event on stdin is not JSON",
    });
    expect(hookResult(undefined, fallback(undefined, "not JSON", false))).toEqual({ stdout: null, exitCode: 0 });
  });
});
