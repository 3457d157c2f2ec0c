// A stand-in for Claude Code or Codex, run by tests/hook/e2e.test.ts inside a tmux pane: it asks
// its permission hook as the agent does (the event's JSON on the hook's stdin, the settings'
// `env`, a timeout), reads the answer on stdout, runs the command ONLY when the answer allows it,
// then tells the hook what happened (PostToolUse, or Claude Code's PostToolUseFailure) and writes
// everything it saw to a result file. `node e2e-agent.cjs <spec.json>`; the spec:
//   { hook: [argv…], env: {…}, event: {…}, agent: "claude"|"codex", timeoutMs, result: "<file>" }
const { spawn, spawnSync } = require("node:child_process");
const { readFileSync, renameSync, writeFileSync } = require("node:fs");

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const env = { ...process.env, ...spec.env };

/** Runs the hook once with this event; resolves with what it printed and how it ended. */
function callHook(event) {
  return new Promise((resolve) => {
    const child = spawn(spec.hook[0], spec.hook.slice(1), { cwd: event.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    // The agent's hook timeout: past it, the agent stops the hook and goes on without its answer.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, spec.timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(event));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** What the agent makes of the answer: allow only when the documented allow field says so. */
function verdictOf(eventName, run) {
  if (run.timedOut) return "none";
  if (run.code === 2) return "deny"; // both agents: exit code 2 blocks the call
  if (run.code !== 0 || !run.stdout.trim()) return "none";
  let answer;
  try {
    answer = JSON.parse(run.stdout);
  } catch {
    return "none";
  }
  const out = answer && answer.hookSpecificOutput;
  if (!out || out.hookEventName !== eventName) return "none";
  if (eventName === "PreToolUse") return ["allow", "deny", "ask"].includes(out.permissionDecision) ? out.permissionDecision : "none";
  const behavior = out.decision && out.decision.behavior;
  return behavior === "allow" || behavior === "deny" ? behavior : "none";
}

/** The PostToolUse (or PostToolUseFailure) event the agent sends once the command ran. */
function postEvent(event, ran) {
  const { hook_event_name: _name, permission_suggestions: _suggestions, ...common } = event;
  const toolUseId = event.tool_use_id || `${spec.agent === "codex" ? "call" : "toolu"}_post_${Date.now()}`;
  if (spec.agent === "codex") {
    return { ...common, hook_event_name: "PostToolUse", tool_use_id: toolUseId, tool_response: ran.stdout + ran.stderr };
  }
  if (ran.status === 0) {
    return {
      ...common,
      hook_event_name: "PostToolUse",
      tool_use_id: toolUseId,
      tool_response: { stdout: ran.stdout, stderr: ran.stderr, interrupted: false, isImage: false },
    };
  }
  return {
    ...common,
    hook_event_name: "PostToolUseFailure",
    tool_use_id: toolUseId,
    error: `Exit code ${ran.status}\n${ran.stdout}${ran.stderr}`,
    is_interrupt: false,
  };
}

async function main() {
  const result = { pane: process.env.TMUX_PANE ?? null, inTmux: Boolean(process.env.TMUX) };
  const asked = await callHook(spec.event);
  result.hook = asked;
  result.verdict = verdictOf(spec.event.hook_event_name, asked);
  result.ran = false;
  if (result.verdict === "allow") {
    const ran = spawnSync("bash", ["-c", spec.event.tool_input.command], { cwd: spec.event.cwd, env: process.env, encoding: "utf8" });
    result.ran = true;
    result.exitCode = ran.status;
    const post = postEvent(spec.event, ran);
    result.postEvent = post;
    result.post = await callHook(post);
  }
  const temp = `${spec.result}.tmp`;
  writeFileSync(temp, JSON.stringify(result));
  renameSync(temp, spec.result);
}

main().catch((e) => {
  writeFileSync(spec.result, JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
});
