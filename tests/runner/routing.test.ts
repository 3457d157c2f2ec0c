import { existsSync, mkdirSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { hosts, inboxTexts, type Hosts } from "./harness";

// The web server's and the local worker's tmux: a private socket with no server behind it, so that
// nothing here touches the user's own tmux.
const env = { GATEHOUSE_TMUX_SOCKET: `gh-test-none-${process.pid}` };

describe("runners on two hosts", () => {
  let h: Hosts;
  beforeAll(async () => {
    h = await hosts(env);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it("runs each agent's commands on its own host, in that host's tmux, and delivers the notices there", async () => {
    const onA = await h.approved("echo ran-in $TMUX");
    const onB = await h.approved("echo ran-in $TMUX", { session: "claude-frontend" });
    const [a, b] = await Promise.all([h.reaches(onA, "succeeded"), h.reaches(onB, "succeeded")]);
    expect(a.output).toContain(`/${h.a.server.tmux.socket},`);
    expect(b.output).toContain(`/${h.b.server.tmux.socket},`);
    expect(a.exitCode).toBe(0);
    expect(existsSync(path.join(h.a.dataDir, "jobs", onA))).toBe(true);
    expect(existsSync(path.join(h.b.dataDir, "jobs", onA))).toBe(false);
    expect(existsSync(path.join(h.api.dir, "jobs", onA, "exit"))).toBe(false);
    await eventually(() => inboxTexts(h.a, "claude-backend-api").some((t) => t.startsWith(`Request ${onA} succeeded`)), "the finished notice on host a");
    expect(inboxTexts(h.a, "claude-backend-api").some((t) => t.startsWith(`Request ${onA} approved by alice`))).toBe(true);
    expect(inboxTexts(h.b, "claude-backend-api")).toEqual([]);
    await eventually(() => inboxTexts(h.b, "claude-frontend").some((t) => t.startsWith(`Request ${onB} succeeded`)), "the finished notice on host b");
  });

  it("delivers a session's notices in the order they were made, when several come at once", async () => {
    const session = "claude-shared";
    const ids: string[] = [];
    // Stopped while the requests are rejected, the runner then gets their notices in one answer.
    await h.a.signal("SIGSTOP");
    try {
      for (let i = 0; i < 6; i++) ids.push(await h.rejected(`echo never-${i}`, session, `no ${i}`));
    } finally {
      await h.a.signal("SIGCONT");
    }
    const rejections = () => inboxTexts(h.a, session).filter((t) => ids.some((id) => t.startsWith(`Request ${id} rejected`)));
    await eventually(() => rejections().length === ids.length, "the six rejection notices");
    expect(rejections().map((t) => ids.findIndex((id) => t.startsWith(`Request ${id} `)))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("delivers a notice while its every command slot is taken, not when the command there ends", async () => {
    await h.a.signal("SIGTERM");
    await h.a.start(h.api.app.url, h.tokens.a, { args: ["--concurrency", "1"] });
    try {
      const long = await h.approved("sleep 6");
      await h.reaches(long, "running");
      const id = await h.rejected("echo not-now", "claude-shared", "not now");
      await eventually(() => inboxTexts(h.a, "claude-shared").some((t) => t.startsWith(`Request ${id} rejected`)), "the rejection notice", 6_000);
      expect((await h.api.call("GET", `/api/requests/${long}`, { token: h.api.tokens.alice })).body.status).toBe("running");
      await h.reaches(long, "succeeded");
    } finally {
      await h.a.signal("SIGTERM");
      await h.a.start(h.api.app.url, h.tokens.a);
    }
  });

  it("records a non-zero exit as failed, with its output", async () => {
    const id = await h.approved("echo oops >&2; exit 3");
    const r = await h.reaches(id, "failed");
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain("oops");
  });

  it("runs one command at a time per session", async () => {
    const first = await h.approved("sleep 0.6");
    const second = await h.approved("sleep 0.1");
    const [r1, r2] = await Promise.all([h.reaches(first, "succeeded"), h.reaches(second, "succeeded")]);
    expect(Date.parse(r2.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(r1.finishedAt as string));
  });

  it("shows a running command's output on the request page while it runs", async () => {
    const id = await h.approved("echo first-line; sleep 3; echo second-line");
    const live = await eventually(async () => {
      const r = await h.api.call("GET", `/api/dashboard/requests/${id}`, { token: h.api.tokens.viewer });
      return r.body.request?.status === "running" && (r.body.live?.output as string | undefined)?.includes("first-line") ? r.body.live : undefined;
    }, "the first line on the request page while it runs");
    expect(live.output).not.toContain("second-line");
    const done = await h.reaches(id, "succeeded");
    expect(done.output).toContain("second-line");
  });

  it("lists the runners on the health page's data, connected", async () => {
    const r = await h.api.call("GET", "/api/health");
    const runners = r.body.runners as { id: string; state: string; sessions: string[] }[];
    expect(runners.map((x) => [x.id, x.state, x.sessions])).toEqual([
      ["host-a", "connected", ["claude-backend-api", "claude-shared"]],
      ["host-b", "connected", ["claude-frontend"]],
    ]);
  });

  it("removes its old job directories when it starts, and keeps recent ones", async () => {
    const recent = await h.approved("echo recent");
    await h.reaches(recent, "succeeded");
    const old = path.join(h.a.dataDir, "jobs", "01OLDJOBOFADAYAGO");
    mkdirSync(old, { recursive: true });
    const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
    utimesSync(old, dayAgo, dayAgo);
    await h.a.signal("SIGTERM");
    await h.a.start(h.api.app.url, h.tokens.a);
    await h.a.printed(/removed 1 old job directory/);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(path.join(h.a.dataDir, "jobs", recent))).toBe(true);
  });
});
