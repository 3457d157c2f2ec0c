/**
 * `gatehouse hook [--tools Bash,...] [--wait SECONDS] [--session S] [--fail-closed]`: the
 * permission hook of Claude Code (PreToolUse, PermissionRequest, PostToolUse) and Codex
 * (PermissionRequest). One event on stdin; the answer, in that event's documented shape, on
 * stdout (or nothing: no verdict); one line on stderr when something went wrong.
 *
 * It MUST never allow on an error: every path that does not hold an allow from the server ends in
 * the fallback (lib/hook/verdict.ts).
 */
import { hookResult, type HookResult } from "../hook/answer";
import { routes, type GateRequestView } from "../hook/contract";
import { HOOK_EVENTS, parseEvent, type HookEvent } from "../hook/event";
import { askFor, planGate, parseTools } from "../hook/gate";
import { HttpError, jsonClient } from "../hook/http";
import { resolveIdentity } from "../hook/identity";
import { outcomeOf } from "../hook/outcome";
import { resolveSession } from "../hook/session";
import { recallCall, rememberCall, stateDir } from "../hook/state";
import { fallback } from "../hook/verdict";
import { option, parseArgs, UsageError, type Args } from "./args";
import { CALL_TIMEOUT_MS, submitGate } from "./hook-submit";
import { waitForDecision } from "./hook-wait";

/** How long the hook waits for a decision when --wait is not given. (Default: 600 s) */
export const DEFAULT_WAIT_SEC = 600;

export interface HookIo {
  env: NodeJS.ProcessEnv;
  stdin: () => Promise<string>;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Aborts when the agent stops the hook (its own timeout): a waiting request is then cancelled. */
  signal?: AbortSignal;
}

interface HookOptions {
  tools: Set<string>;
  waitSec: number;
  session?: string;
  failClosed: boolean;
}

function hookOptions(args: Args): HookOptions {
  const wait = option(args, "wait");
  const waitSec = wait === undefined ? DEFAULT_WAIT_SEC : Number(wait);
  if (!Number.isFinite(waitSec) || waitSec < 0) throw new UsageError("--wait takes a number of seconds");
  return { tools: parseTools(option(args, "tools")), waitSec, session: option(args, "session"), failClosed: args.options.get("fail-closed") === true };
}

const describe = (e: unknown) =>
  e instanceof HttpError ? `${e.message} (${e.status})` : e instanceof Error ? e.message : String(e);

/** Runs the hook once; returns its exit code (0, or 2 for a deny that has no JSON shape). */
export async function hook(argv: string[], io: HookIo): Promise<number> {
  const failClosed = argv.includes("--fail-closed");
  let eventName: string | undefined;
  let result: HookResult;
  try {
    const parsed = parseEvent(await io.stdin());
    eventName = parsed.ok ? parsed.event.hook_event_name : parsed.eventName;
    const options = hookOptions(parseArgs(argv, ["fail-closed"]));
    if (!parsed.ok && eventName !== undefined && !(HOOK_EVENTS as readonly string[]).includes(eventName)) {
      // An event of another kind (SessionStart, Stop…): not a permission question, so no answer at all.
      result = { stdout: null, exitCode: 0, note: `${eventName} events are not gatehouse hook's to answer` };
    } else if (!parsed.ok) result = hookResult(eventName, fallback(eventName, parsed.problem, failClosed), parsed.problem);
    else if (eventName === "PostToolUse" || eventName === "PostToolUseFailure") result = await recordOutcome(parsed.event, options, io);
    else result = await gate(parsed.event, options, io);
  } catch (e) {
    // Whatever went wrong, the answer is the fallback, never an allow.
    const why = describe(e);
    result = hookResult(eventName, fallback(eventName, why, failClosed), why);
  }
  if (result.stdout !== null) io.out(result.stdout);
  if (result.note) io.err(`gatehouse hook: ${result.note}`);
  return result.exitCode;
}

async function gate(event: HookEvent, options: HookOptions, io: HookIo): Promise<HookResult> {
  const name = event.hook_event_name;
  const undecided = (why: string) => hookResult(name, fallback(name, why, options.failClosed), why);
  const plan = planGate(event, options.tools);
  if (plan.kind === "skip") return { stdout: null, exitCode: 0, note: plan.note };
  if (plan.kind === "invalid") return undecided(plan.problem);
  const identity = resolveIdentity(io.env);
  if ("problem" in identity) return undecided(identity.problem);
  if (identity.warning) io.err(`gatehouse hook: ${identity.warning}`);

  const session = await resolveSession(io.env, options.session, event.session_id);
  const call = jsonClient(identity.url, identity.token);
  const deadline = Date.now() + options.waitSec * 1000;
  let request: GateRequestView;
  try {
    request = await submitGate(call, { session, ...plan.ask }, {
      // A retried POST (or the agent re-running this very hook) finds the first request again.
      // (Without a tool_use_id, any key unique to this call will do; node:crypto costs ~15 ms to load.)
      idempotencyKey: `hook:${event.tool_use_id ?? `${event.session_id}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`}`,
      deadline,
      signal: io.signal,
    });
  } catch (e) {
    return undecided(`cannot ask ${identity.url}: ${describe(e)}`);
  }

  const reading = await waitForDecision(call, request, { deadline, signal: io.signal });
  if (reading.kind === "undecided") return undecided(reading.why);
  if (reading.kind === "deny") return hookResult(name, { kind: "deny", reason: reading.reason });
  try {
    rememberCall(stateDir(io.env), { toolUseId: event.tool_use_id, session: event.session_id, command: plan.ask.command }, request.id);
  } catch (e) {
    // The allow stands: only the outcome's record on the request is lost.
    io.err(`gatehouse hook: cannot keep request ${request.id} for its outcome: ${describe(e)}`);
  }
  return hookResult(name, { kind: "allow", reason: reading.reason });
}

/** PostToolUse: tells the server what the allowed command did. Prints nothing on stdout. */
async function recordOutcome(event: HookEvent, options: HookOptions, io: HookIo): Promise<HookResult> {
  const quiet: HookResult = { stdout: null, exitCode: 0 };
  if (!options.tools.has(event.tool_name)) return quiet;
  const plan = askFor(event.tool_name, event.tool_input, event.cwd);
  if (plan.kind !== "gate") return quiet;
  const id = recallCall(stateDir(io.env), { toolUseId: event.tool_use_id, session: event.session_id, command: plan.ask.command });
  // No request filed: this call was not allowed through Gatehouse (the agent's own rules let it run).
  if (id === undefined) return quiet;
  const identity = resolveIdentity(io.env);
  if ("problem" in identity) return { ...quiet, note: identity.problem };
  try {
    await jsonClient(identity.url, identity.token)("POST", routes.outcome(id), { body: outcomeOf(event), timeoutMs: CALL_TIMEOUT_MS, signal: io.signal });
    return quiet;
  } catch (e) {
    return { ...quiet, note: `cannot record the outcome of request ${id}: ${describe(e)}` };
  }
}
