import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesOf } from "../api/sql";
import { eventually } from "../support/eventually";
import type { RunnerHost } from "../support/runner-process";
import { hosts, type Hosts } from "./harness";

// A short lease, so that a runner's death or partition is noticed within seconds.
const env = { GATEHOUSE_TMUX_SOCKET: `gh-test-none-${process.pid}`, GATEHOUSE_RUNNER_LEASE_SEC: "3" };

async function jobWindow(host: RunnerHost, id: string): Promise<boolean> {
  const windows = await host.server.tmux.exec(["list-windows", "-a", "-F", "#{window_name}"]).catch(() => "");
  return windows.split("\n").includes(`job-${id}`);
}

describe("a runner that dies or is cut off mid-command", () => {
  let h: Hosts;
  beforeAll(async () => {
    h = await hosts(env);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it("SIGKILL: the request ends dead (interrupted) once the lease runs out, is never run again, and the restarted runner stops the orphaned command", async () => {
    const marker = path.join(h.a.server.dir, "killed-ran-on");
    const id = await h.approved(`sleep 8; touch ${marker}`);
    await h.reaches(id, "running");
    await eventually(() => jobWindow(h.a, id), "the command's window on host a");
    await h.a.signal("SIGKILL");
    const dead = await h.reaches(id, "dead", 20_000);
    expect(dead.lastError).toMatch(/interrupted|lease/i);
    expect(dead.attempts).toBe(1);
    const [message] = (await messagesOf(h.api.store, "execute_approved_command")).filter((m) => m.payload.includes(id));
    expect(message?.deadReason).toBe("interrupted");

    await h.a.start(h.api.app.url, h.tokens.a);
    await eventually(async () => !(await jobWindow(h.a, id)), "the orphaned command's window to go");
    await sleep(1_000);
    expect((await h.api.call("GET", `/api/requests/${id}`, { token: h.api.tokens.alice })).body.status).toBe("dead");
    expect(existsSync(marker)).toBe(false);
  });

  it("partitioned: the runner stops the command it lost, and never starts one the server ended while it was away", async () => {
    const lost = path.join(h.a.server.dir, "lost-ran-on");
    const neverStarted = path.join(h.a.server.dir, "never-started");
    const running = await h.approved(`sleep 12; touch ${lost}`);
    await h.reaches(running, "running");
    await eventually(() => jobWindow(h.a, running), "the command's window on host a");
    // SIGSTOP stands for a partition: no heartbeat, no report, and the answer to its open claim waits in a socket buffer.
    await h.a.signal("SIGSTOP");
    const handedOut = await h.approved(`touch ${neverStarted}`, { session: "claude-shared" });
    await h.reaches(running, "dead", 20_000);
    await h.reaches(handedOut, "dead", 20_000);
    await h.a.signal("SIGCONT");
    await eventually(async () => !(await jobWindow(h.a, running)), "host a to stop the command it lost");
    await h.a.printed(/abandoned before it started/);
    await sleep(1_000);
    expect(existsSync(lost)).toBe(false);
    expect(existsSync(neverStarted)).toBe(false);
    // It goes on with new work.
    const next = await h.approved("echo back");
    expect((await h.reaches(next, "succeeded")).output).toContain("back");
  });

  it("SIGTERM drains: the running command finishes and is reported before the runner exits, though it outlasts the lease", async () => {
    await h.b.signal("SIGTERM");
    await h.b.start(h.api.app.url, h.tokens.b, { env: { GATEHOUSE_GRACE_MS: "20000" } });
    // Longer than the 3 s lease: the heartbeat must go on while the runner drains.
    const id = await h.approved("sleep 5; echo drained", { session: "claude-frontend" });
    await h.reaches(id, "running");
    await eventually(() => jobWindow(h.b, id), "the command's window on host b");
    await h.b.signal("SIGTERM");
    const done = await h.api.call("GET", `/api/requests/${id}`, { token: h.api.tokens.alice });
    expect(done.body.status).toBe("succeeded");
    expect(done.body.output).toContain("drained");
  });
});
