import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Tmux, exactSession } from "@/lib/tmux/client";
import { TmuxError } from "@/lib/tmux/errors";
import { eventually } from "../support/eventually";
import { privateServer, type PrivateServer } from "./private-server";

let server: PrivateServer;
beforeEach(async () => {
  server = await privateServer();
});
afterEach(async () => {
  await server.stop();
});

describe("tmux client", () => {
  it("rejects session names outside ^[A-Za-z0-9_-]{1,64}$ before calling tmux", async () => {
    for (const bad of ["", "a:b", "a.b", "=a", "a b", "x".repeat(65), "a;", "é"]) {
      expect(() => exactSession(bad)).toThrow(/Invalid tmux session name/);
      await expect(server.tmux.createSession(bad)).rejects.toMatchObject({ code: "invalid_name" });
    }
    expect(exactSession("claude-backend_api-2")).toBe("=claude-backend_api-2");
  });

  it("says there is no server, and finds no sessions, when none runs on the socket", async () => {
    expect(await server.tmux.hasSession("main")).toBe(false);
    expect(await server.tmux.listSessions()).toEqual([]);
    const err = await server.tmux.killSession("main").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TmuxError);
    expect(err).toMatchObject({ code: "no_server" });
    expect((err as Error).message).toMatch(/No tmux server is running on tmux socket "gh-test-/);
  });

  it("says the session does not exist when the server runs without it", async () => {
    await server.session("main");
    const err = await server.tmux.killSession("other").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "no_session", message: 'tmux session "other" does not exist on ' + server.tmux.label });
  });

  it("says tmux is not installed when there is no tmux on PATH", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(server.tmux.hasSession("main")).rejects.toMatchObject({
        code: "not_installed",
        message: "tmux is not installed (no `tmux` on PATH)",
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it("lets several creators race for one session and all succeed, one of them creating it", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => server.tmux.createSession("race", { cwd: server.dir })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await server.tmux.listSessions()).map((s) => s.name)).toEqual(["race"]);
  });

  it("never confuses a session with another whose name it prefixes", async () => {
    await server.session("claude-backend-api");
    expect(await server.tmux.hasSession("claude-back")).toBe(false);
    expect(await server.tmux.hasSession("claude-backend-api")).toBe(true);
    await expect(server.tmux.killSession("claude-back")).rejects.toMatchObject({ code: "no_session" });
    expect(await server.tmux.hasSession("claude-backend-api")).toBe(true);
  });

  it("lists sessions with their attached state", async () => {
    await server.session("watched");
    await server.session("alone");
    // A control-mode client is a real attached client that needs no terminal.
    const client = spawn("tmux", ["-L", server.tmux.socket ?? "", "-C", "attach-session", "-t", "=watched"], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    try {
      const sessions = await eventually(async () => {
        const list = await server.tmux.listSessions();
        return list.find((s) => s.name === "watched")?.attached ? list : undefined;
      }, "the control client to attach");
      const byName = Object.fromEntries(sessions.map((s) => [s.name, s]));
      expect(byName.watched).toMatchObject({ attached: true, clients: 1, windows: 1 });
      expect(byName.alone).toMatchObject({ attached: false, clients: 0, windows: 1 });
      expect(byName.alone?.createdAt.getTime()).toBeGreaterThan(Date.now() - 3600_000);
    } finally {
      client.kill();
    }
  });

  it("gives up on a call that takes longer than its time limit", async () => {
    await server.session("main");
    const slow = new Tmux({ socket: server.tmux.socket, callTimeoutMs: 200 });
    await expect(slow.exec(["wait-for", "never-signalled"])).rejects.toMatchObject({ code: "timeout" });
  });
});

describe("tmux over a control-mode client", () => {
  const controlled = () => new Tmux({ socket: server.tmux.socket, configFile: "/dev/null", control: true });
  const odd = ["it's", '"quoted" $HOME ~ #{session_name}', "semi; colon;", "{braces}", "back\\slash", "ünï"];

  it("answers as a tmux process does, arguments exactly as given, and attaches to no agent's session", async () => {
    await server.session("main");
    const tmux = controlled();
    try {
      // Each text as a command's argument, as the runner passes a job's directory to the wrapper.
      for (const [i, text] of odd.entries()) {
        const file = path.join(server.dir, `arg-${i}`);
        await tmux.exec(["new-window", "-d", "-t", "=main:", "--", "/bin/sh", "-c", 'printf %s "$1" > "$2"', "sh", text, file]);
        await eventually(() => existsSync(file) && readFileSync(file, "utf8") === text, `argument ${JSON.stringify(text)} to arrive whole`);
      }
      // Two commands in one call, the second printing; a failing first stops the rest, as in a process.
      expect(await tmux.exec(["has-session", "-t", "=main", ";", "display-message", "-p", "-t", "=main:", "two"])).toBe("two\n");
      await expect(tmux.exec(["has-session", "-t", "=absent", ";", "display-message", "-p", "never"])).rejects.toMatchObject({ code: "no_session" });
      // A line break cannot travel on the control client's command line: that call starts a process.
      expect(await tmux.exec(["display-message", "-p", "-t", "=main:", "one\ntwo"])).toBe("one\ntwo\n");
      const sessions = await server.tmux.listSessions();
      expect(sessions.map((s) => [s.name, s.clients])).toEqual([
        ["gatehouse-control", 1],
        ["main", 0],
      ]);
    } finally {
      await tmux.close();
    }
  });

  it("says there is no server without starting one, and works again once a server runs", async () => {
    const tmux = controlled();
    try {
      await expect(tmux.exec(["list-sessions"])).rejects.toMatchObject({ code: "no_server" });
      await server.session("main");
      await tmux.exec(["has-session", "-t", "=main"]);
      await server.tmux.killServer();
      await expect(tmux.exec(["has-session", "-t", "=main"])).rejects.toMatchObject({ code: "no_server" });
      await server.session("main");
      // Calls start a process each for a moment, then reach tmux over a new control client.
      await eventually(async () => {
        await tmux.exec(["has-session", "-t", "=main"]);
        return (await server.tmux.listSessions()).some((s) => s.name === "gatehouse-control");
      }, "a new control client");
    } finally {
      await tmux.close();
    }
  });
});
