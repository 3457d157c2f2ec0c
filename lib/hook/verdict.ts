/**
 * What the hook tells the agent, before it is put in the shape of the event that asked.
 * - allow / deny: a decision (the policy's or a person's); the reason goes with it.
 * - ask: let a person decide at the agent's own prompt (PreToolUse's "ask").
 * - none: no answer at all; the agent goes on as if there were no hook (its own prompt, its own rules).
 */
export type Verdict =
  | { kind: "allow"; reason: string }
  | { kind: "deny"; reason: string }
  | { kind: "ask"; reason: string }
  | { kind: "none" };

/**
 * The answer when Gatehouse cannot decide (no decision in time, server unreachable, bad token,
 * malformed event). Never an allow: the agent falls back to its own prompt (PreToolUse: "ask";
 * PermissionRequest: no verdict, which already is that prompt), or, with --fail-closed, is denied.
 */
export function fallback(eventName: string | undefined, why: string, failClosed: boolean): Verdict {
  const reason = `Gatehouse could not decide: ${why}`;
  if (failClosed) return { kind: "deny", reason };
  if (eventName === "PreToolUse") return { kind: "ask", reason };
  return { kind: "none" };
}
