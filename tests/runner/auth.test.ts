// The auth matrix of runner tokens: a runner can only claim, heartbeat, stream output and report
// its own sessions' work; every other route refuses it, and the runner routes refuse every other
// kind of caller.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunner, revokeRunner } from "../../lib/auth/runners";
import { startApi, type Api } from "../api/harness";

/** Every route but the runners' own, each with a method it answers. */
const OTHER_ROUTES: [method: string, path: string][] = [
  ["GET", "/api/requests"],
  ["POST", "/api/requests"],
  ["GET", "/api/requests/ID"],
  ["POST", "/api/requests/ID/cancel"],
  ["POST", "/api/requests/ID/approve"],
  ["POST", "/api/requests/ID/reject"],
  ["POST", "/api/requests/ID/requeue"],
  ["POST", "/api/requests/ID/discard"],
  ["GET", "/api/requests/ID/events"],
  ["POST", "/api/requests/bulk"],
  ["GET", "/api/stats"],
  ["GET", "/api/rules"],
  ["POST", "/api/rules"],
  ["DELETE", "/api/rules/ID"],
  ["GET", "/api/dashboard/requests"],
  ["GET", "/api/dashboard/requests/ID"],
  ["GET", "/api/dashboard/changes"],
  ["GET", "/api/auth/me"],
  ["GET", "/api/runners"],
  ["POST", "/api/runners/host-b/revoke"],
];

const RUNNER_ROUTES: [method: string, path: string, body: unknown][] = [
  ["POST", "/api/runner/claim", { limit: 1, wait: 0 }],
  ["POST", "/api/runner/heartbeat", {}],
  ["POST", "/api/runner/output", { id: 1, leaseToken: "x", offset: 0, data: "" }],
  ["POST", "/api/runner/report", { id: 1, leaseToken: "x", outcome: { kind: "delivered" } }],
];

describe("runner tokens", () => {
  let api: Api;
  let a: string;
  let b: string;
  let revoked: string;
  let requestId: string;
  beforeAll(async () => {
    api = await startApi({ GATEHOUSE_TMUX_SOCKET: `gh-test-none-${process.pid}` });
    a = (await createRunner(api.store, { id: "host-a", sessions: ["claude-backend-api"] })).token;
    b = (await createRunner(api.store, { id: "host-b", sessions: ["claude-frontend"] })).token;
    revoked = (await createRunner(api.store, { id: "host-c", sessions: ["claude-oncall"] })).token;
    await revokeRunner(api.store, "host-c");
    const submitted = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "claude-backend-api", command: "npm test" } });
    requestId = submitted.body.id as string;
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  it("are refused by every other route (403), and change nothing", async () => {
    const before = await api.counts();
    for (const [method, path] of OTHER_ROUTES) {
      const r = await api.call(method, path.replace("ID", requestId), { token: a, body: method === "GET" ? undefined : {} });
      expect([method, path, r.status]).toEqual([method, path, 403]);
    }
    expect(await api.counts()).toEqual(before);
  });

  it("see only the health and metrics probes, as anyone on loopback does", async () => {
    expect((await api.call("GET", "/api/health", { token: a })).status).not.toBe(403);
    expect((await api.call("GET", "/api/metrics", { token: a })).status).toBe(200);
  });

  it("open the runner routes, which refuse no token (401), a revoked or unknown runner token (401), and agent and user tokens (403)", async () => {
    for (const [method, path, body] of RUNNER_ROUTES) {
      expect([path, (await api.call(method, path, { body })).status]).toEqual([path, 401]);
      expect([path, (await api.call(method, path, { token: revoked, body })).status]).toEqual([path, 401]);
      expect([path, (await api.call(method, path, { token: "ghr_unknown", body })).status]).toEqual([path, 401]);
      expect([path, (await api.call(method, path, { token: api.tokens.agent, body })).status]).toEqual([path, 403]);
      expect([path, (await api.call(method, path, { token: api.tokens.admin, body })).status]).toEqual([path, 403]);
    }
    expect((await api.call("POST", "/api/runner/heartbeat", { token: a, body: {} })).status).toBe(200);
  });

  it("claim only their own sessions' commands, and cannot stream or report another runner's", async () => {
    const approve = await api.call("POST", `/api/requests/${requestId}/approve`, { token: api.tokens.alice, body: {} });
    expect(approve.status).toBe(200);
    const other = await api.call("POST", "/api/runner/claim", { token: b, body: { limit: 10, wait: 0 } });
    expect(other.body.jobs).toEqual([]);
    const mine = await api.call("POST", "/api/runner/claim", { token: a, body: { limit: 10, wait: 0 } });
    const jobs = mine.body.jobs as { kind: string; id: number; leaseToken: string; requestId: string }[];
    const command = jobs.find((j) => j.kind === "command");
    expect(command?.requestId).toBe(requestId);
    expect(jobs.find((j) => j.kind === "notice")?.requestId).toBe(requestId);

    const lease = { id: command!.id, leaseToken: command!.leaseToken };
    const output = await api.call("POST", "/api/runner/output", { token: b, body: { ...lease, offset: 0, data: "aGk=" } });
    expect(output.status).toBe(409);
    const stolen = await api.call("POST", "/api/runner/report", {
      token: b,
      body: { ...lease, outcome: { kind: "finished", exitCode: 0, output: "forged", outputTruncated: false, error: null, finishedAt: Date.now() } },
    });
    expect(stolen.body).toMatchObject({ recorded: false, jobs: [] });
    expect((await api.call("POST", "/api/runner/heartbeat", { token: b, body: {} })).body.held).toEqual([]);
    expect((await api.call("POST", "/api/runner/heartbeat", { token: a, body: {} })).body.held).toContainEqual(lease);
    expect((await api.call("GET", `/api/requests/${requestId}`, { token: api.tokens.alice })).body.status).toBe("running");

    // A guessed lease token is no lease.
    const guessed = await api.call("POST", "/api/runner/report", { token: a, body: { id: lease.id, leaseToken: "guess", outcome: { kind: "interrupted", error: "x" } } });
    expect(guessed.body).toMatchObject({ recorded: false, jobs: [] });
    const done = await api.call("POST", "/api/runner/report", {
      token: a,
      body: { ...lease, outcome: { kind: "finished", exitCode: 0, output: "ok\n", outputTruncated: false, error: null, finishedAt: Date.now() } },
    });
    expect(done.body).toMatchObject({ recorded: true, jobs: [] });
    const row = await api.call("GET", `/api/requests/${requestId}`, { token: api.tokens.alice });
    expect([row.body.status, row.body.output]).toEqual(["succeeded", "ok\n"]);
  });
});
