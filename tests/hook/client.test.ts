// The real `gatehouse hook` command, in a child process as an agent starts it, against
// tests/hook/contract-server.ts: a loopback server that implements just the gate-request routes
// the hook's contract names (the real ones are being built elsewhere).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startContractServer, type ContractServer } from "./contract-server";
import * as events from "./events";

const GATEHOUSE = [path.resolve(__dirname, "../../bin/gatehouse.js"), "hook"];
const HOOK_EXECUTABLE = [path.resolve(__dirname, "../../bin/gatehouse-hook.cjs")];
let server: ContractServer;
let home: string;
beforeAll(async () => {
  server = await startContractServer();
  home = mkdtempSync(path.join(os.tmpdir(), "gatehouse-hook-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string>;
  /** Sent instead of the event's JSON. */
  raw?: string;
  /** Called once the process runs (to signal it). */
  started?: (pid: number) => void;
  /** The command line before the arguments. (Default: `bin/gatehouse.js hook`) */
  bin?: string[];
}

/** Runs the hook as an agent does: the event on stdin, no tmux, a home of its own. */
function hook(args: string[], event: object | null, opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...(opts.bin ?? GATEHOUSE), ...args], {
      cwd: os.tmpdir(),
      env: {
        ...process.env,
        TMUX: "",
        TMUX_PANE: "",
        GATEHOUSE_CONFIG: "",
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, "config"),
        GATEHOUSE_HOOK_STATE_DIR: path.join(home, "state"),
        GATEHOUSE_URL: server.url,
        GATEHOUSE_TOKEN: server.token,
        ...opts.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(opts.raw ?? JSON.stringify(event));
    if (child.pid !== undefined) opts.started?.(child.pid);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const answer = (r: Run) => JSON.parse(r.stdout) as { hookSpecificOutput: Record<string, unknown> };
const withCommand = <T extends { tool_input: object }>(e: T, command: string, extra: object = {}): T => ({
  ...e,
  tool_input: { ...e.tool_input, command },
  ...extra,
});

describe("a command the policy decides", () => {
  it("allows at once, recording the request as a gate request with session, command, cwd and reason", async () => {
    const r = await hook(["--session", "claude-backend-api"], events.claudePreToolUse);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(answer(r)).toEqual({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "allow",
        permissionDecisionReason: "Gatehouse request R1 approved by policy:allow-safe",
      },
    });
    expect(server.find("npm test")).toMatchObject({
      session: "claude-backend-api",
      cwd: "/home/user/my-project",
      reason: "Run the test suite",
      kind: "gate",
      idempotencyKey: "hook:toolu_01ABC123",
    });
  });

  it("denies at once with the rule's reason as the message", async () => {
    const r = await hook([], withCommand(events.claudePermissionRequest, "sudo reboot"));
    expect(answer(r)).toEqual({
      hookSpecificOutput: {
        hookEventName: "PermissionRequest",
        decision: { behavior: "deny", message: expect.stringContaining("sudo is never run by agents") as unknown },
      },
    });
    // Without $TMUX or --session, the request names the agent's own session id.
    expect(server.find("sudo reboot")?.session).toBe("abc123");
  });
});

describe("a command that waits for a person", () => {
  it("allows Codex once a person approves, then records what happened on the request", async () => {
    const command = "rm -f /tmp/example";
    const running = hook([], events.codexPermissionRequest);
    const row = await server.pending(command);
    server.decide(row.id, "allowed", "alice", "fine");
    const r = await running;
    expect(answer(r)).toEqual({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } } });

    // Codex's PostToolUse names no tool_use_id the PermissionRequest had: found by session and command.
    const post = { ...events.codexPermissionRequest, hook_event_name: "PostToolUse", tool_use_id: "call-9", tool_response: "removed\n" };
    const p = await hook([], post);
    expect(p).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(row.outcome).toEqual({ outputTail: "removed" });
  });

  it("denies with the person's reason as the message the model reads", async () => {
    const command = "make deploy-prod";
    const running = hook([], withCommand(events.claudePermissionRequest, command));
    server.decide((await server.pending(command)).id, "rejected", "alice", "not on a Friday");
    const decision = answer(await running).hookSpecificOutput.decision as { behavior: string; message: string };
    expect(decision.behavior).toBe("deny");
    expect(decision.message.startsWith("not on a Friday")).toBe(true);
  });

  it("records a PostToolUse outcome on the request of the PreToolUse with the same tool_use_id", async () => {
    const command = "make check";
    const running = hook([], withCommand(events.claudePreToolUse, command, { tool_use_id: "toolu_CHECK" }));
    const row = await server.pending(command);
    server.decide(row.id, "allowed", "alice");
    expect(answer(await running).hookSpecificOutput.permissionDecision).toBe("allow");
    const output = Array.from({ length: 60 }, (_, i) => `check ${i}`).join("\n");
    const post = withCommand(events.claudePostToolUse, command, {
      tool_use_id: "toolu_CHECK",
      tool_response: { stdout: output, stderr: "", interrupted: true, isImage: false },
    });
    expect((await hook([], post)).stdout).toBe("");
    expect(row.outcome).toEqual({ interrupted: true, outputTail: output.split("\n").slice(-40).join("\n") });
  });

  it("on no decision in time: cancels the request; PreToolUse asks, PermissionRequest gives no verdict", async () => {
    const pre = await hook(["--wait", "1"], withCommand(events.claudePreToolUse, "make slow-1", { tool_use_id: "toolu_SLOW1" }));
    expect(answer(pre).hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "ask" });
    expect(server.find("make slow-1")?.status).toBe("cancelled");

    const perm = await hook(["--wait", "1"], withCommand(events.claudePermissionRequest, "make slow-2"));
    expect(perm.code).toBe(0);
    expect(perm.stdout).toBe("");
    expect(perm.stderr).toMatch(/^gatehouse hook: no decision in time; request R\d+ cancelled\n$/);
    expect(server.find("make slow-2")?.status).toBe("cancelled");
  });

  it("with --fail-closed, no decision in time is a deny", async () => {
    const r = await hook(["--wait", "0", "--fail-closed"], withCommand(events.codexPermissionRequest, "make slow-3"));
    expect(answer(r).hookSpecificOutput.decision).toEqual({
      behavior: "deny",
      message: expect.stringMatching(/^Gatehouse could not decide: no decision in time/) as unknown,
    });
  });

  it("takes a decision that beat its cancel", async () => {
    server.onCancel = (row) => {
      if (row.status === "pending") server.decide(row.id, "allowed", "bob");
    };
    try {
      const r = await hook(["--wait", "0"], withCommand(events.claudePermissionRequest, "make race"));
      expect(answer(r).hookSpecificOutput.decision).toEqual({ behavior: "allow" });
    } finally {
      server.onCancel = undefined;
    }
  });

  it("cancels its request when the agent stops it", async () => {
    let pid = 0;
    const running = hook([], withCommand(events.claudePermissionRequest, "make stopped"), { started: (p) => (pid = p) });
    const row = await server.pending("make stopped");
    process.kill(pid, "SIGTERM");
    const r = await running;
    expect(r.stdout).toBe("");
    expect(row.status).toBe("cancelled");
  });
});

describe("how agents start it", () => {
  it("answers the same from the settings files' executable, from the bundle and from the TypeScript", async () => {
    const runs = [
      await hook(["--session", "s1"], withCommand(events.claudePreToolUse, "ls src", { tool_use_id: "toolu_EXE" }), { bin: HOOK_EXECUTABLE }),
      await hook(["--session", "s1"], withCommand(events.claudePreToolUse, "ls lib", { tool_use_id: "toolu_JS" })),
      await hook(["--session", "s1"], withCommand(events.claudePreToolUse, "ls bin", { tool_use_id: "toolu_TS" }), {
        env: { GATEHOUSE_CLI_FROM_SOURCE: "1" },
      }),
    ];
    for (const r of runs) {
      expect(r.stderr).toBe("");
      expect(answer(r).hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "allow" });
    }
    expect(["ls src", "ls lib", "ls bin"].map((c) => server.find(c)?.session)).toEqual(["s1", "s1", "s1"]);
  });

  it("names the tmux session it runs in, over --session and the agent's session id", async () => {
    const socket = `gh-hook-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" }).trim();
    tmux("new-session", "-d", "-s", "claude-backend-api");
    try {
      const [socketPath, pid, pane] = tmux("display-message", "-p", "-t", "=claude-backend-api:", "#{socket_path} #{pid} #{pane_id}").split(" ");
      const r = await hook(["--session", "ignored"], withCommand(events.claudePreToolUse, "ls tmux", { tool_use_id: "toolu_TMUX" }), {
        env: { TMUX: `${socketPath},${pid},0`, TMUX_PANE: pane ?? "" },
      });
      expect(answer(r).hookSpecificOutput.permissionDecision).toBe("allow");
      expect(server.find("ls tmux")?.session).toBe("claude-backend-api");
    } finally {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    }
  });
});

describe("the submit", () => {
  it("waits out the agent's rate limit as the server says, then asks", async () => {
    server.rateLimitNext = 1;
    const r = await hook([], withCommand(events.claudePreToolUse, "ls limited", { tool_use_id: "toolu_429" }));
    expect(server.rateLimitNext).toBe(0);
    expect(answer(r).hookSpecificOutput.permissionDecision).toBe("allow");
  });

  it("cancels the request it made when the agent stops it before the server answered", async () => {
    server.submitDelayMs = 10_000;
    try {
      let pid = 0;
      const running = hook([], withCommand(events.claudePreToolUse, "make orphan", { tool_use_id: "toolu_ORPHAN" }), { started: (p) => (pid = p) });
      const row = await server.pending("make orphan");
      process.kill(pid, "SIGTERM");
      await running;
      expect(row.status).toBe("cancelled");
    } finally {
      server.submitDelayMs = 0;
    }
  });
});

describe("errors fall back, never allow", () => {
  it("server unreachable: the fallback and one line on stderr", async () => {
    const down = { GATEHOUSE_URL: "http://127.0.0.1:9" };
    const pre = await hook([], events.claudePreToolUse, { env: down });
    expect(answer(pre).hookSpecificOutput.permissionDecision).toBe("ask");
    expect(pre.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    const perm = await hook([], events.claudePermissionRequest, { env: down });
    expect(perm).toMatchObject({ code: 0, stdout: "" });
    expect(perm.stderr).toContain("cannot ask http://127.0.0.1:9");
    const closed = await hook(["--fail-closed"], events.claudePermissionRequest, { env: down });
    expect((answer(closed).hookSpecificOutput.decision as { behavior: string }).behavior).toBe("deny");
  });

  it("a bad token: the fallback, with the server's reason", async () => {
    const r = await hook([], events.claudePreToolUse, { env: { GATEHOUSE_TOKEN: "gha_wrong" } });
    expect(answer(r).hookSpecificOutput).toMatchObject({ permissionDecision: "ask", permissionDecisionReason: expect.stringContaining("401") as unknown });
  });

  it("malformed input: the fallback of the event it names, or nothing; exit 2 under --fail-closed", async () => {
    const named = await hook([], { ...events.claudePreToolUse, tool_input: "npm test" });
    expect(answer(named).hookSpecificOutput.permissionDecision).toBe("ask");
    expect(await hook([], null, { raw: "garbage" })).toEqual({ code: 0, stdout: "", stderr: "gatehouse hook: the event on stdin is not JSON\n" });
    const closed = await hook(["--fail-closed"], null, { raw: "garbage" });
    expect(closed).toMatchObject({ code: 2, stdout: "" });
    // Another kind of event is not a permission question: no answer, even under --fail-closed.
    const stop = await hook(["--fail-closed"], { session_id: "abc123", hook_event_name: "Stop", stop_hook_active: false });
    expect(stop).toEqual({ code: 0, stdout: "", stderr: "gatehouse hook: Stop events are not gatehouse hook's to answer\n" });
  });
});

describe("which calls are gated", () => {
  it("answers nothing for other tools unless --tools names them", async () => {
    const before = server.rows.length;
    expect(await hook([], events.claudeEdit)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(server.rows.length).toBe(before);
    const running = hook(["--tools", "Bash,Edit,Write"], events.claudeEdit);
    const command = "Edit /home/user/my-project/src/app.ts\n- const port = 3000;\n+ const port = 8080;";
    server.decide((await server.pending(command)).id, "allowed", "alice");
    expect(answer(await running).hookSpecificOutput.permissionDecision).toBe("allow");
  });

  it("reads the token and server from the config file when the environment has none", async () => {
    const dir = path.join(home, "config", "gatehouse");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "agent.json"), JSON.stringify({ url: server.url, token: server.token }));
    chmodSync(path.join(dir, "agent.json"), 0o600);
    try {
      const r = await hook([], withCommand(events.claudePreToolUse, "ls -la", { tool_use_id: "toolu_CFG" }), {
        env: { GATEHOUSE_URL: "", GATEHOUSE_TOKEN: "" },
      });
      expect(answer(r).hookSpecificOutput.permissionDecision).toBe("allow");
      expect(r.stderr).toBe("");
    } finally {
      rmSync(path.join(dir, "agent.json"));
    }
  });
});
