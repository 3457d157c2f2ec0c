/**
 * The events an agent's permission hook reads on stdin, as the agents document them.
 *
 * Claude Code (https://code.claude.com/docs/en/hooks, "Hook input"): every event carries
 * `session_id`, `transcript_path`, `cwd`, `permission_mode`, `hook_event_name`; tool events add
 * `tool_name` and `tool_input` (Bash: `{command, description?, timeout?, run_in_background?}`;
 * Edit: `{file_path, old_string, new_string, replace_all?}`; Write: `{file_path, content}`;
 * WebFetch: `{url, prompt}`; MCP tools `mcp__<server>__<tool>` with their own input).
 * - PreToolUse adds `tool_use_id`.
 * - PermissionRequest (fires only when the permission dialog would show) has no `tool_use_id`,
 *   and may carry `permission_suggestions`.
 * - PostToolUse adds `tool_use_id` and `tool_response` (Bash: `{stdout, stderr, interrupted,
 *   isImage}`, no exit code).
 * - PostToolUseFailure (a call that failed) adds `tool_use_id`, `error` and `is_interrupt`.
 *   (Not documented: a Bash error that starts "Exit code N"; outcome.ts reads N when it does.)
 *
 * Codex CLI (https://developers.openai.com/codex/hooks, and openai/codex#17563, which added it):
 * PermissionRequest carries `session_id`, `turn_id`, `transcript_path` (may be null), `cwd`,
 * `hook_event_name`, `model`, `permission_mode`, `tool_name` ("Bash" for shell, exec_command and
 * network approvals) and `tool_input` `{command, description?}` (the description is the model's
 * justification). Codex's PreToolUse can only block (a PR adding allow/ask, openai/codex#20756,
 * was closed), so Gatehouse gates Codex on PermissionRequest only.
 *
 * Unknown fields are kept out of the way rather than refused: both agents add fields over time.
 */
import { isNonEmpty, isObject, isString, misfit, nullable, optional, type Field } from "./shape";

/** The events this hook answers or records; anything else is not its business. */
export const HOOK_EVENTS = ["PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure"] as const;
export type HookEventName = (typeof HOOK_EVENTS)[number];

/** One hook event, checked (the fields Gatehouse reads; the agents' others are kept as they came). */
export interface HookEvent {
  hook_event_name: HookEventName;
  session_id: string;
  cwd?: string;
  transcript_path?: string | null;
  permission_mode?: string;
  /** Codex only: the turn the call belongs to. Its presence is how a Codex event is told apart. */
  turn_id?: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  tool_use_id?: string;
  tool_response?: unknown;
  error?: string;
  is_interrupt?: boolean;
  [field: string]: unknown;
}

const STRING = "a string";
const EVENT_FIELDS: readonly Field[] = [
  ["hook_event_name", (v) => (HOOK_EVENTS as readonly unknown[]).includes(v), `one of ${HOOK_EVENTS.join(", ")}`],
  ["session_id", isNonEmpty, "a non-empty string"],
  ["cwd", optional(isString), STRING],
  ["transcript_path", optional(nullable(isString)), "a string or null"],
  ["permission_mode", optional(isString), STRING],
  ["turn_id", optional(isString), STRING],
  ["tool_name", isNonEmpty, "a non-empty string"],
  ["tool_input", isObject, "an object"],
  ["tool_use_id", optional(isString), STRING],
  ["error", optional(isString), STRING],
  ["is_interrupt", optional((v) => typeof v === "boolean"), "a boolean"],
];

/** Which agent sent the event: Codex sends `turn_id` on every turn-scoped event, Claude Code never. */
export const agentOf = (event: HookEvent): "codex" | "claude" => (event.turn_id === undefined ? "claude" : "codex");

export type ParsedEvent = { ok: true; event: HookEvent } | { ok: false; eventName?: string; problem: string };

/**
 * Parses stdin. On a problem it still reports the event name when one can be read, so that the
 * fallback answers in that event's shape (an unanswerable PreToolUse still gets its "ask").
 */
export function parseEvent(text: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() ? "the event on stdin is not JSON" : "no event on stdin" };
  }
  const name = isObject(json) ? json.hook_event_name : undefined;
  const eventName = typeof name === "string" ? name : undefined;
  const wrong = misfit(json, EVENT_FIELDS);
  if (!wrong) return { ok: true, event: json as HookEvent };
  return { ok: false, eventName, problem: `malformed ${eventName ?? "hook"} event: ${wrong.path || "event"}: expected ${wrong.expected}` };
}
