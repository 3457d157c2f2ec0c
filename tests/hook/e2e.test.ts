// Issue 11's end-to-end proof: the real Gatehouse server (`next start` on a temp database of the
// store under test, tests/api/harness.ts), and a stand-in agent (tests/hook/e2e-agent.cjs) in a
// real tmux session on a private socket, which asks `bin/gatehouse-hook.cjs` exactly as Claude
// Code or Codex would and runs the command only when the answer allows it. The command appends
// its name to ran.txt, so whether it ran is read from the file, never from the hook's word alone.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Api } from "../api/harness";
import { eventually } from "../support/eventually";
import { privateServer, type PrivateServer } from "../tmux/private-server";
import * as events from "./events";

const HOOK = path.resolve(__dirname, "../../bin/gatehouse-hook.cjs");
const AGENT = path.resolve(__dirname, "e2e-agent.cjs");
/** The tmux session the agent runs in: one of the harness agent's sessions (its token may target it). */
const SESSION = "claude-backend-api";
/** Generous: two loaded cores, a `next start` and a hook process per step. */
const SLOW = 180_000;

let api: Api;
let tmux: PrivateServer;
let dir: string;
let runs = 0;

beforeAll(async () => {
  api = await startApi();
  tmux = await privateServer();
  await tmux.session(SESSION);
  dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-hook-e2e-"));
  // The command every case asks to run: records that it ran, prints 50 lines and a stderr line, exits with $2.
  writeFileSync(
    path.join(dir, "work.sh"),
    ['echo "$1" >> "$(dirname "$0")/ran.txt"', 'for i in $(seq 1 50); do echo "$1 line $i"; done', 'echo "$1 on stderr" >&2', 'exit "${2:-0}"', ""].join("\n"),
  );
}, 900_000);

afterAll(async () => {
  await tmux?.stop();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface HookRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface AgentResult {
  error?: string;
  inTmux: boolean;
  hook: HookRun;
  verdict: "allow" | "deny" | "ask" | "none";
  ran: boolean;
  exitCode?: number;
  postEvent?: Record<string, unknown>;
  post?: HookRun;
}

interface AgentOptions {
  /** The hook's arguments, as in the agent's settings. */
  args?: string[];
  agent?: "claude" | "codex";
  /** The agent's hook timeout. */
  timeoutMs?: number;
}

const command = (name: string, exitCode = 0) => `bash ${dir}/work.sh ${name} ${exitCode}`;
const ran = () => (existsSync(path.join(dir, "ran.txt")) ? readFileSync(path.join(dir, "ran.txt"), "utf8").split("\n").filter(Boolean) : []);

/** The documented event, for this command, in the test's directory. */
function event<T extends { tool_input: object }>(base: T, cmd: string, extra: object = {}): T {
  return { ...base, cwd: dir, tool_input: { ...base.tool_input, command: cmd }, ...extra };
}

/**
 * Starts the stand-in agent in a new window of the tmux session; `done` resolves with what it
 * saw once it finished (asked, maybe ran, maybe reported).
 */
async function agent(ev: object, opts: AgentOptions = {}): Promise<{ done: Promise<AgentResult> }> {
  const n = ++runs;
  const result = path.join(dir, `result-${n}.json`);
  const spec = path.join(dir, `spec-${n}.json`);
  writeFileSync(
    spec,
    JSON.stringify({
      hook: [process.execPath, HOOK, ...(opts.args ?? [])],
      // The `env` block of the agent's settings file, as the README documents it.
      env: {
        GATEHOUSE_URL: api.app.url,
        GATEHOUSE_TOKEN: api.tokens.agent,
        GATEHOUSE_HOOK_STATE_DIR: path.join(dir, "hook-state"),
        GATEHOUSE_CONFIG: path.join(dir, "no-such-config.json"),
      },
      event: ev,
      agent: opts.agent ?? "claude",
      timeoutMs: opts.timeoutMs ?? 170_000,
      result,
    }),
  );
  await tmux.tmux.exec(["new-window", "-d", "-t", `${SESSION}:`, "-c", dir, "--", process.execPath, AGENT, spec]);
  const done = eventually(
    () => (existsSync(result) ? (JSON.parse(readFileSync(result, "utf8")) as AgentResult) : undefined),
    `the stand-in agent's result ${n}`,
    SLOW,
  ).then((r) => {
    if (r.error) throw new Error(`the stand-in agent failed: ${r.error}`);
    return r;
  });
  done.catch(() => {}); // awaited by the test; not an unhandled rejection meanwhile
  return { done };
}

/** A request (or an answer) as JSON. */
type ApiObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON

interface InboxItem {
  id: string;
  command: string;
  session: string;
  kind: string;
  status: string;
  agentWaitedAt: number | null;
}

async function inbox(): Promise<{ items: InboxItem[]; now: number }> {
  const r = await api.call("GET", "/api/dashboard/requests?tab=pending&limit=200", { token: api.tokens.alice });
  expect(r.status).toBe(200);
  return r.body as { items: InboxItem[]; now: number };
}

/** The request for this exact command, as the API shows it. */
async function requestFor(cmd: string): Promise<ApiObject | undefined> {
  const r = await api.call("GET", `/api/requests?q=${encodeURIComponent(cmd)}&limit=200`, { token: api.tokens.alice });
  expect(r.status).toBe(200);
  return (r.body.items as ApiObject[]).find((x) => x.command === cmd);
}

async function getRequest(id: string): Promise<ApiObject> {
  const r = await api.call("GET", `/api/requests/${encodeURIComponent(id)}`, { token: api.tokens.agent });
  expect(r.status).toBe(200);
  return r.body as ApiObject;
}

/** Waits until the hook's request for this command is in the inbox with its agent waiting on it. */
async function waitingInInbox(cmd: string): Promise<InboxItem> {
  return eventually(async () => (await inbox()).items.find((i) => i.command === cmd && i.agentWaitedAt !== null), `${cmd} waiting in the inbox`, SLOW);
}

const answer = (r: HookRun) => JSON.parse(r.stdout) as { hookSpecificOutput: ApiObject };

describe("a person decides while the hook waits", () => {
  it(
    "Claude Code, PermissionRequest: the inbox shows the gate request as waiting; approved, the command runs and its outcome is recorded",
    async () => {
      const cmd = command("approved-claude", 3);
      const before = Date.now();
      const { done } = await agent(event(events.claudePermissionRequest, cmd), { args: ["--wait", "150"] });

      const item = await waitingInInbox(cmd);
      const list = await inbox();
      expect(item).toMatchObject({ kind: "gate", status: "pending", session: SESSION });
      expect(item.agentWaitedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(item.agentWaitedAt).toBeLessThanOrEqual(list.now);
      expect(ran()).not.toContain("approved-claude");

      const approved = await api.call("POST", `/api/requests/${item.id}/approve`, { token: api.tokens.alice, body: { comment: "go ahead" } });
      expect(approved.body).toMatchObject({ status: "allowed", kind: "gate" });

      const r = await done;
      expect(r.inTmux).toBe(true);
      expect(r.hook).toMatchObject({ code: 0, stderr: "", timedOut: false });
      expect(answer(r.hook)).toEqual({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } } });
      expect(r.ran).toBe(true);
      expect(r.exitCode).toBe(3);
      expect(ran()).toContain("approved-claude");

      // A non-zero exit comes back as PostToolUseFailure ("Exit code 3 …"): recorded on the request.
      expect(r.postEvent?.hook_event_name).toBe("PostToolUseFailure");
      expect(r.post).toEqual({ code: 0, signal: null, stdout: "", stderr: "", timedOut: false });
      const request = await getRequest(item.id);
      expect(request).toMatchObject({
        id: item.id,
        kind: "gate",
        status: "allowed",
        session: SESSION,
        command: cmd,
        cwd: dir,
        reason: "Remove node_modules directory",
        decision: { by: "alice", comment: "go ahead" },
        exitCode: 3,
      });
      // The last 40 lines: stdout's end, then stderr (where this machine's shell set-up may also
      // have written a line of its own, so the lines are looked for, not counted from the end).
      const lines = (request.output as string).split("\n");
      expect(lines).toHaveLength(40);
      expect(lines).toContain("approved-claude line 50");
      expect(lines).not.toContain("approved-claude line 10");
      expect(lines.indexOf("approved-claude on stderr")).toBeGreaterThan(lines.indexOf("approved-claude line 50"));
      expect(request.finishedAt).not.toBeNull();
    },
    SLOW,
  );

  /** The runs whose PostToolUse the two tests after these read (see "known disagreement" below). */
  const succeeded: Record<"claude" | "codex", { id: string; result: AgentResult } | undefined> = { claude: undefined, codex: undefined };

  it(
    "Claude Code, PreToolUse: approved, the command runs (exit 0), then PostToolUse goes to the hook",
    async () => {
      const cmd = command("approved-pre", 0);
      const { done } = await agent(event(events.claudePreToolUse, cmd, { tool_use_id: "toolu_E2E_PRE" }), { args: ["--wait", "150"] });
      const item = await waitingInInbox(cmd);
      expect(item).toMatchObject({ kind: "gate", session: SESSION });
      await api.call("POST", `/api/requests/${item.id}/approve`, { token: api.tokens.alice, body: {} });

      const r = await done;
      expect(answer(r.hook).hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "allow" });
      expect(answer(r.hook).hookSpecificOutput.permissionDecisionReason).toBe(`Gatehouse request ${item.id} approved by alice`);
      expect(r.ran).toBe(true);
      expect(r.exitCode).toBe(0);
      expect(ran()).toContain("approved-pre");
      expect(r.postEvent).toMatchObject({ hook_event_name: "PostToolUse", tool_use_id: "toolu_E2E_PRE" });
      // PostToolUse never answers on stdout, and never blocks.
      expect(r.post).toMatchObject({ code: 0, stdout: "" });
      expect(await getRequest(item.id)).toMatchObject({ status: "allowed", kind: "gate", session: SESSION, decision: { by: "alice" } });
      succeeded.claude = { id: item.id, result: r };
    },
    SLOW,
  );

  it(
    "Codex, PermissionRequest: approved, the command runs, then PostToolUse goes to the hook",
    async () => {
      const cmd = command("approved-codex", 0);
      const { done } = await agent(event(events.codexPermissionRequest, cmd), { args: ["--wait", "150"], agent: "codex" });
      const item = await waitingInInbox(cmd);
      expect(item).toMatchObject({ kind: "gate", session: SESSION });
      await api.call("POST", `/api/requests/${item.id}/approve`, { token: api.tokens.alice, body: {} });

      const r = await done;
      expect(answer(r.hook)).toEqual({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } } });
      expect(r.ran).toBe(true);
      expect(ran()).toContain("approved-codex");
      expect(r.post).toMatchObject({ code: 0, stdout: "" });
      expect(await getRequest(item.id)).toMatchObject({ status: "allowed", kind: "gate", session: SESSION, reason: "clean up the scratch file" });
      succeeded.codex = { id: item.id, result: r };
    },
    SLOW,
  );

  // A command that succeeded comes back as PostToolUse without an exit code (Claude Code's Bash
  // tool_response has none; Codex's is the output): its outcome is recorded with the output tail and
  // no exit code, and the audit trail says none was reported.
  it("Claude Code's PostToolUse of a successful command records the output tail, with no exit code", async () => {
    const run = succeeded.claude;
    if (!run) throw new Error("the approved PreToolUse run did not happen");
    expect(run.result.post?.stderr).toBe("");
    const request = await getRequest(run.id);
    expect(request).toMatchObject({ status: "allowed", exitCode: null });
    expect(request.output).toContain("approved-pre line 50");
  });

  it("Codex's PostToolUse of a successful command records the output tail", async () => {
    const run = succeeded.codex;
    if (!run) throw new Error("the approved Codex run did not happen");
    expect(run.result.post?.stderr).toBe("");
    expect((await getRequest(run.id)).output).toContain("approved-codex line 50");
  });

  it(
    "a rejection reaches the agent as the deny message, and the command never runs (Codex PermissionRequest, Claude Code PreToolUse)",
    async () => {
      const codexCmd = command("rejected-codex");
      const preCmd = command("rejected-pre");
      const codex = await agent(event(events.codexPermissionRequest, codexCmd), { args: ["--wait", "150"], agent: "codex" });
      const pre = await agent(event(events.claudePreToolUse, preCmd, { tool_use_id: "toolu_E2E_REJECT" }), { args: ["--wait", "150"] });

      const codexItem = await waitingInInbox(codexCmd);
      const preItem = await waitingInInbox(preCmd);
      const rejected = await api.call("POST", `/api/requests/${codexItem.id}/reject`, { token: api.tokens.alice, body: { reason: "not on a Friday" } });
      expect(rejected.body).toMatchObject({ status: "rejected", kind: "gate" });
      await api.call("POST", `/api/requests/${preItem.id}/reject`, { token: api.tokens.alice, body: { reason: "use make test instead" } });

      const c = await codex.done;
      expect(c.verdict).toBe("deny");
      const decision = answer(c.hook).hookSpecificOutput.decision as { behavior: string; message: string };
      expect(decision.behavior).toBe("deny");
      expect(decision.message.startsWith("not on a Friday")).toBe(true);
      expect(decision.message).toContain(codexItem.id);

      const p = await pre.done;
      expect(answer(p.hook).hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "deny" });
      expect((answer(p.hook).hookSpecificOutput.permissionDecisionReason as string).startsWith("use make test instead")).toBe(true);

      expect(c.ran || p.ran).toBe(false);
      expect(ran()).not.toContain("rejected-codex");
      expect(ran()).not.toContain("rejected-pre");
      expect(await getRequest(codexItem.id)).toMatchObject({ status: "rejected", decision: { by: "alice", comment: "not on a Friday" }, exitCode: null });
    },
    SLOW,
  );
});

describe("the policy answers at once; nothing reaches the inbox", () => {
  it(
    "an allow rule an admin added lets the command run at once",
    async () => {
      const cmd = command("policy-allowed");
      const rule = await api.call("POST", "/api/rules", {
        token: api.tokens.admin,
        body: { kind: "allow", pattern: cmd, agentId: "backend-api", note: "the e2e test's safe command" },
      });
      expect(rule.status).toBe(201);

      const { done } = await agent(event(events.claudePreToolUse, cmd, { tool_use_id: "toolu_E2E_POLICY" }), { args: ["--wait", "150"] });
      const r = await done;
      expect(r.hook).toMatchObject({ code: 0, stderr: "" });
      expect(answer(r.hook)).toEqual({
        hookSpecificOutput: {
          hookEventName: "PreToolUse",
          permissionDecision: "allow",
          permissionDecisionReason: expect.stringContaining(`approved by policy:${rule.body.id as string}`) as unknown,
        },
      });
      expect(r.ran).toBe(true);
      expect(ran()).toContain("policy-allowed");

      const request = await requestFor(cmd);
      expect(request).toMatchObject({ kind: "gate", status: "allowed", session: SESSION, decision: { by: `policy:${rule.body.id as string}` }, agentWaitedAt: null });
      expect((await inbox()).items.map((i) => i.command)).not.toContain(cmd);
    },
    SLOW,
  );

  it(
    "sudo is denied at once with the rule as the message, and never runs",
    async () => {
      const cmd = `sudo ${command("policy-denied")}`;
      const { done } = await agent(event(events.claudePermissionRequest, cmd), { args: ["--wait", "150"] });
      const r = await done;
      expect(r.verdict).toBe("deny");
      const decision = answer(r.hook).hookSpecificOutput.decision as { behavior: string; message: string };
      expect(decision).toEqual({ behavior: "deny", message: expect.stringContaining("denied by rule default-deny-sudo-args") as unknown });
      expect(r.ran).toBe(false);
      expect(ran()).not.toContain("policy-denied");

      const request = await requestFor(cmd);
      expect(request).toMatchObject({ kind: "gate", status: "rejected", session: SESSION, decision: { by: "policy:default-deny-sudo-args" }, agentWaitedAt: null });
      expect((await inbox()).items.map((i) => i.command)).not.toContain(cmd);
    },
    SLOW,
  );
});

describe("no decision in time", () => {
  it(
    "--wait 2: PreToolUse asks, PermissionRequest gives no verdict; each request is cancelled in Gatehouse and nothing runs",
    async () => {
      const preCmd = command("timeout-pre");
      const permCmd = command("timeout-perm");
      const pre = await agent(event(events.claudePreToolUse, preCmd, { tool_use_id: "toolu_E2E_SLOW" }), { args: ["--wait", "2"] });
      const perm = await agent(event(events.claudePermissionRequest, permCmd), { args: ["--wait", "2"] });

      const p = await pre.done;
      expect(p.hook.code).toBe(0);
      const out = answer(p.hook).hookSpecificOutput;
      expect(out).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "ask" });
      expect(out.permissionDecisionReason).toMatch(/^Gatehouse could not decide: no decision in time; request \S+ cancelled$/);

      const q = await perm.done;
      expect(q.hook).toMatchObject({ code: 0, stdout: "" });
      expect(q.hook.stderr).toMatch(/^gatehouse hook: no decision in time; request \S+ cancelled\n$/);
      expect(q.verdict).toBe("none");

      expect(p.ran || q.ran).toBe(false);
      expect(ran()).not.toContain("timeout-pre");
      expect(ran()).not.toContain("timeout-perm");
      for (const cmd of [preCmd, permCmd]) {
        expect(await requestFor(cmd)).toMatchObject({ kind: "gate", status: "cancelled", session: SESSION });
      }
      const inboxNow = (await inbox()).items.map((i) => i.command);
      expect(inboxNow).not.toContain(preCmd);
      expect(inboxNow).not.toContain(permCmd);
    },
    SLOW,
  );

  it(
    "the agent's own hook timeout stops the hook first: the request is cancelled all the same, nothing runs",
    async () => {
      const cmd = command("agent-timeout");
      // The default --wait (600 s) outlives the agent's 3 s hook timeout: the agent stops the hook.
      const { done } = await agent(event(events.claudePermissionRequest, cmd), { timeoutMs: 3000 });
      const r = await done;
      expect(r.hook).toMatchObject({ timedOut: true, stdout: "" });
      expect(r.verdict).toBe("none");
      expect(r.ran).toBe(false);
      expect(ran()).not.toContain("agent-timeout");
      await eventually(async () => (await requestFor(cmd))?.status === "cancelled", `${cmd} cancelled`, SLOW);
      expect((await inbox()).items.map((i) => i.command)).not.toContain(cmd);
    },
    SLOW,
  );
});

// Last: stops the server for good.
describe("a stopped server", () => {
  it(
    "the fallback, never an allow: while the hook waits, and for a hook started after",
    async () => {
      // Two hooks wait on the inbox when the server dies (SIGKILL: a crash; a graceful stop would
      // hold its shutdown until their long polls end, and then take their cancels).
      const waitingCmd = command("stopped-waiting");
      const closedCmd = command("stopped-waiting-closed");
      const waiting = await agent(event(events.claudePermissionRequest, waitingCmd), { args: ["--wait", "10"] });
      const closed = await agent(event(events.codexPermissionRequest, closedCmd), { args: ["--wait", "10", "--fail-closed"], agent: "codex" });
      const waitingItem = await waitingInInbox(waitingCmd);
      await waitingInInbox(closedCmd);
      const exited = new Promise((resolve) => api.app.child.once("exit", resolve));
      api.app.child.kill("SIGKILL");
      await exited;

      const w = await waiting.done;
      expect(w.hook).toMatchObject({ code: 0, stdout: "" });
      expect(w.hook.stderr).toMatch(new RegExp(`^gatehouse hook: no decision in time; cancelling request ${waitingItem.id} failed: .+\\n$`));
      const c = await closed.done;
      expect(answer(c.hook).hookSpecificOutput.decision).toEqual({
        behavior: "deny",
        message: expect.stringMatching(/^Gatehouse could not decide: no decision in time/) as unknown,
      });
      // Nobody could cancel it: it stays pending until it expires (GATEHOUSE_PENDING_TTL_SEC).
      expect((await api.store.getRequest(waitingItem.id))?.status).toBe("pending");

      // Hooks started after the server stopped: nothing to reach.
      const preCmd = command("stopped-pre");
      const permCmd = command("stopped-perm");
      const closedPermCmd = command("stopped-perm-closed");
      const pre = await agent(event(events.claudePreToolUse, preCmd, { tool_use_id: "toolu_E2E_DOWN" }), { args: ["--wait", "5"] });
      const perm = await agent(event(events.claudePermissionRequest, permCmd), { args: ["--wait", "5"] });
      const closedPerm = await agent(event(events.claudePermissionRequest, closedPermCmd), { args: ["--wait", "5", "--fail-closed"] });

      const p = await pre.done;
      expect(answer(p.hook).hookSpecificOutput).toMatchObject({
        hookEventName: "PreToolUse",
        permissionDecision: "ask",
        permissionDecisionReason: expect.stringMatching(/^Gatehouse could not decide: cannot ask http:\/\/127\.0\.0\.1:\d+/) as unknown,
      });
      const q = await perm.done;
      expect(q.hook).toMatchObject({ code: 0, stdout: "" });
      expect(q.hook.stderr).toMatch(/^gatehouse hook: cannot ask http:\/\/127\.0\.0\.1:\d+: .+\n$/);
      const d = await closedPerm.done;
      expect(answer(d.hook).hookSpecificOutput).toEqual({
        hookEventName: "PermissionRequest",
        decision: { behavior: "deny", message: expect.stringMatching(/^Gatehouse could not decide: cannot ask/) as unknown },
      });

      const all = [w, c, p, q, d];
      expect(all.map((r) => r.verdict)).toEqual(["none", "deny", "ask", "none", "deny"]);
      expect(all.some((r) => r.ran)).toBe(false);
      for (const name of ["stopped-waiting", "stopped-waiting-closed", "stopped-pre", "stopped-perm", "stopped-perm-closed"]) {
        expect(ran()).not.toContain(name);
      }
    },
    SLOW,
  );
});
