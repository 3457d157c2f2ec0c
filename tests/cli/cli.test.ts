import { execFile, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markFinished, markRunning } from "../../lib/requests/lifecycle";
import { startApi, type Api } from "../api/harness";
import { openStoreAt, sql } from "../api/sql";

const BIN = path.resolve(__dirname, "../../bin/gatehouse.js");
let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, from another directory, as a script would. */
function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: "/tmp",
      env: { ...process.env, GATEHOUSE_URL: api.app.url, ...api.env, TMUX: "", TMUX_PANE: "", ...opts.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(opts.input ?? "");
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const asAgent = { GATEHOUSE_TOKEN: "" };
beforeAll(() => {
  asAgent.GATEHOUSE_TOKEN = api.tokens.agent;
});

async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out");
}

const newest = async (command: string) =>
  (
    await sql<{ id: string; status: string; session: string; command: string; cwd: string }>(
      api.store,
      "SELECT id, status, session, command, cwd FROM requests WHERE command = ? ORDER BY id DESC LIMIT 1",
      [command],
    )
  )[0];

describe("gatehouse agent add / user add", () => {
  it("agent add prints a token, once, that authenticates as that agent", async () => {
    const r = await cli(["agent", "add", "cli-agent", "--sessions", "s-one,s-two", "--auto-approve"]);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^gha_/);
    const me = await api.call("GET", "/api/auth/me", { token });
    expect(me.body.agent).toEqual({ id: "cli-agent", sessions: ["s-one", "s-two"], autoApprove: true });
    expect((await cli(["agent", "add", "cli-agent", "--sessions", "x"])).code).toBe(1);
  });

  it("user add reads the password from stdin and prints a user token with --token", async () => {
    const r = await cli(["user", "add", "carol", "--role", "viewer", "--token"], { input: "carol-password\n" });
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect((await api.call("GET", "/api/auth/me", { token })).body.user).toMatchObject({ name: "carol", role: "viewer" });
    const login = await api.call("POST", "/api/auth/login", { body: { name: "carol", password: "carol-password" } });
    expect(login.status).toBe(200);
    const quiet = await cli(["user", "add", "dave", "--role", "supervisor"], { input: "dave-password\n" });
    expect(quiet.stdout).toBe("");
    expect((await cli(["user", "add", "eve", "--role", "king"], { input: "x" })).code).toBe(64);
  });
});

describe("gatehouse submit", () => {
  it("--no-wait prints the request id; several words are quoted so each stays one word", async () => {
    const r = await cli(["submit", "--session", "claude-backend-api", "--no-wait", "--", "echo", "a b", "it's"], { env: asAgent });
    expect(r.code).toBe(0);
    const row = await newest("echo 'a b' 'it'\\''s'");
    expect(row?.id).toBe(r.stdout.trim());
    expect(row?.cwd).toBe("/tmp");
  });

  it("waits for approval and the run, prints the output and exits with the command's exit code", async () => {
    const running = cli(["submit", "--session", "claude-backend-api", "--reason", "tests", "--", "make check"], { env: asAgent });
    const row = await until(() => newest("make check"));
    expect(row.status).toBe("pending");
    await api.call("POST", `/api/requests/${row.id}/approve`, { token: api.tokens.alice, body: {} });
    const worker = await openStoreAt(api.env);
    await markRunning(worker, row.id);
    await markFinished(worker, row.id, { exitCode: 3, output: "3 checks failed\n", outputTruncated: false });
    await worker.close();
    const r = await running;
    expect(r.stdout).toBe("3 checks failed\n");
    expect(r.code).toBe(3);
  });

  it("exits 2 with the reason when a person rejects it", async () => {
    const running = cli(["submit", "--session", "claude-backend-api", "--", "make deploy-prod"], { env: asAgent });
    const row = await until(() => newest("make deploy-prod"));
    await api.call("POST", `/api/requests/${row.id}/reject`, { token: api.tokens.alice, body: { reason: "not on a Friday" } });
    const r = await running;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("rejected by alice: not on a Friday");
  });

  it("exits 2 at once when a deny rule refuses it", async () => {
    const r = await cli(["submit", "--session", "claude-backend-api", "--", "sudo reboot"], { env: asAgent });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("policy:default-deny");
  });

  it("takes the session from the tmux pane it runs in", async () => {
    const socket = `gh-cli-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" }).trim();
    tmux("new-session", "-d", "-s", "claude-shared");
    try {
      const [socketPath, pid, pane] = tmux("display-message", "-p", "-t", "=claude-shared:", "#{socket_path} #{pid} #{pane_id}").split(" ");
      const r = await cli(["submit", "--no-wait", "--", "make from-tmux"], {
        env: { ...asAgent, TMUX: `${socketPath},${pid},0`, TMUX_PANE: pane! },
      });
      expect(r.code, r.stderr).toBe(0);
      expect((await newest("make from-tmux"))?.session).toBe("claude-shared");
    } finally {
      await promisify(execFile)("tmux", ["-L", socket, "kill-server"]).catch(() => undefined);
    }
  });

  it("says what is wrong when it cannot run: no token, not in tmux, server down, bad token", async () => {
    expect((await cli(["submit", "--", "ls"], { env: { GATEHOUSE_TOKEN: "" } })).code).toBe(64);
    expect((await cli(["submit", "--", "ls"], { env: asAgent })).stderr).toContain("not inside tmux");
    const wrong = await cli(["submit", "--session", "claude-backend-api", "--", "ls"], { env: { GATEHOUSE_TOKEN: "gha_wrong" } });
    expect(wrong.code).toBe(69);
    expect(wrong.stderr).toContain("(401)");
  });
});
