/**
 * Whether an event is Gatehouse's to decide, and what it asks the server. Only PreToolUse and
 * PermissionRequest are gated, and only for the tools named by --tools (Bash by default).
 */
import { agentOf, type HookEvent } from "./event";
import { cap, describeToolCall } from "./preview";

/** The tools gated when --tools is not given. */
export const DEFAULT_TOOLS: readonly string[] = ["Bash"];

/** Characters of the agent's own description kept as the request's reason. */
const REASON_CHARS = 2000;

export interface GateAsk {
  command: string;
  reason?: string;
  cwd?: string;
}

export type GatePlan =
  | { kind: "gate"; ask: GateAsk }
  /** Not ours: print nothing, the agent goes on as if there were no hook. */
  | { kind: "skip"; note?: string }
  /** Ours, but the event cannot be read as a request: the fallback answers. */
  | { kind: "invalid"; problem: string };

const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : undefined);

export function planGate(event: HookEvent, tools: ReadonlySet<string>): GatePlan {
  if (event.hook_event_name !== "PreToolUse" && event.hook_event_name !== "PermissionRequest") return { kind: "skip" };
  if (!tools.has(event.tool_name)) return { kind: "skip" };
  if (event.hook_event_name === "PreToolUse" && agentOf(event) === "codex") {
    // Codex's PreToolUse can only block: an allow or ask there is ignored and the call runs.
    return { kind: "skip", note: "Codex's PreToolUse cannot wait for an approval; configure gatehouse hook on PermissionRequest" };
  }
  return askFor(event.tool_name, event.tool_input, event.cwd);
}

/** The request a call of this tool makes (PostToolUse finds the call's request by its command). */
export function askFor(tool: string, input: Record<string, unknown>, cwd: string | undefined): GatePlan {
  const description = text(input.description);
  const reason = description === undefined ? undefined : cap(description, REASON_CHARS);
  if (tool === "Bash") {
    const command = text(input.command);
    if (command === undefined) return { kind: "invalid", problem: "malformed Bash event: tool_input.command is missing" };
    return { kind: "gate", ask: { command, reason, cwd } };
  }
  const call = describeToolCall(tool, input);
  return { kind: "gate", ask: { command: call.command, reason: reason ?? (call.reason && cap(call.reason, REASON_CHARS)), cwd } };
}

/** Parses `--tools Bash,Edit,Write`. */
export const parseTools = (list: string | undefined): Set<string> =>
  new Set(list === undefined ? DEFAULT_TOOLS : list.split(",").map((t) => t.trim()).filter(Boolean));
