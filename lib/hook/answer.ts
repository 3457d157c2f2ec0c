/**
 * The answer a hook prints on stdout, in the shape each event documents (see event.ts for the
 * sources). Only these fields are ever sent: Codex fails closed on PermissionRequest's reserved
 * `updatedInput`, `updatedPermissions` and `interrupt`, and Claude Code would apply them.
 *
 * - PreToolUse (Claude Code): `{"hookSpecificOutput": {"hookEventName": "PreToolUse",
 *   "permissionDecision": "allow"|"deny"|"ask", "permissionDecisionReason": "…"}}`. The reason
 *   of a deny is shown to the model, of an ask to the person at the prompt.
 * - PermissionRequest (Claude Code and Codex): `{"hookSpecificOutput": {"hookEventName":
 *   "PermissionRequest", "decision": {"behavior": "allow"|"deny", "message"?: "…"}}}`; the
 *   message of a deny is shown to the model. No output means no verdict: the agent's own dialog.
 * - PostToolUse / PostToolUseFailure: nothing to answer.
 */
import type { Verdict } from "./verdict";

/** The JSON text to print, or null to print nothing. */
export function formatAnswer(eventName: string | undefined, verdict: Verdict): string | null {
  if (verdict.kind === "none") return null;
  if (eventName === "PreToolUse") {
    return JSON.stringify({
      hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: verdict.kind, permissionDecisionReason: verdict.reason },
    });
  }
  if (eventName === "PermissionRequest") {
    // PermissionRequest has no "ask": not deciding is how a hook leaves it to the person.
    if (verdict.kind === "ask") return null;
    const decision = verdict.kind === "allow" ? { behavior: "allow" } : { behavior: "deny", message: verdict.reason };
    return JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision } });
  }
  return null;
}

/** What the hook process does: the stdout text (or none) and its exit code. */
export interface HookResult {
  stdout: string | null;
  /** 0, except for a deny that no JSON shape can carry (see below). */
  exitCode: 0 | 2;
  /** The one line for stderr, when there is something a person should know. */
  note?: string;
}

/**
 * A verdict as the hook's output. A deny for an event whose name could not be read (a malformed
 * event under --fail-closed) has no JSON shape to go in; exit code 2 is the block both agents
 * document for a command hook, with the reason on stderr.
 */
export function hookResult(eventName: string | undefined, verdict: Verdict, note?: string): HookResult {
  const stdout = formatAnswer(eventName, verdict);
  if (stdout === null && verdict.kind === "deny" && eventName !== "PostToolUse" && eventName !== "PostToolUseFailure") {
    return { stdout, exitCode: 2, note: note ?? verdict.reason };
  }
  return { stdout, exitCode: 0, note };
}
