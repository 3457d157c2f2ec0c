/**
 * What happened when the agent ran a gated command, read from PostToolUse (or
 * PostToolUseFailure) for the server to record on the request.
 *
 * Claude Code's Bash tool_response is `{stdout, stderr, interrupted, isImage}`: no exit code, so
 * none is invented; a failed call comes as PostToolUseFailure, whose `error` is read for a
 * leading "Exit code N" (Claude Code's wording for a non-zero exit, not a documented field). Other agents' shapes (a string, `exit_code`, `output`) are
 * read where they say the same thing.
 */
import type { GateOutcome } from "./contract";
import type { HookEvent } from "./event";

/** Lines and characters of output kept. (Defaults: the last 40 lines, at most 4000 characters.) */
export const OUTPUT_TAIL_LINES = 40;
export const OUTPUT_TAIL_CHARS = 4000;

export function tail(output: string, lines = OUTPUT_TAIL_LINES, chars = OUTPUT_TAIL_CHARS): string {
  const last = output.replace(/\n+$/, "").split("\n").slice(-lines).join("\n");
  return last.length <= chars ? last : last.slice(last.length - chars);
}

const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
/** A stream's text without its final newlines, so that stdout and stderr join without a blank line. */
const str = (v: unknown) => (typeof v === "string" ? v.replace(/\n+$/, "") : "");

export function outcomeOf(event: HookEvent): GateOutcome {
  const r = event.tool_response;
  const res = typeof r === "object" && r !== null ? (r as Record<string, unknown>) : {};
  let output = typeof r === "string" ? r : [str(res.stdout) || str(res.output), str(res.stderr)].filter(Boolean).join("\n");
  let exitCode = num(res.exit_code) ?? num(res.exitCode);
  let interrupted = typeof res.interrupted === "boolean" ? res.interrupted : undefined;
  if (event.hook_event_name === "PostToolUseFailure") {
    const error = event.error ?? "";
    output = output || error;
    exitCode ??= num(Number(/^Exit code (\d+)/.exec(error)?.[1] ?? Number.NaN));
    interrupted = event.is_interrupt ?? interrupted;
  }
  return {
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(interrupted === undefined ? {} : { interrupted }),
    outputTail: tail(output),
  };
}
