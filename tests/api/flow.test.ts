import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markRunning } from "../../lib/requests/lifecycle";
import { startApi, submission, type Api } from "./harness";
import { openStoreAt, sql } from "./sql";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission(body), headers });

describe("agents", () => {
  it("submit: 201 with the API's request object", async () => {
    const r = await post({ command: "npm test", priority: "HIGH", reason: "run unit tests", cwd: "/repo", timeoutSec: 600 });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(
      expect.arrayContaining(["id", "agentId", "session", "command", "cwd", "reason", "priority", "status", "decision", "exitCode", "output", "outputTruncated", "attempts", "lastError", "createdAt", "startedAt", "finishedAt"]),
    );
    expect(r.body).toMatchObject({
      agentId: "backend-api",
      session: "claude-backend-api",
      command: "npm test",
      cwd: "/repo",
      reason: "run unit tests",
      priority: "HIGH",
      status: "pending",
      decision: null,
      exitCode: null,
      output: null,
      outputTruncated: false,
      attempts: 0,
      lastError: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(new Date(r.body.createdAt).toISOString()).toBe(r.body.createdAt);
  });

  it("submit: rejected at once by a deny rule, queued at once when the policy approves", async () => {
    const denied = await post({ command: "sudo reboot" });
    expect(denied.status).toBe(201);
    expect(denied.body.status).toBe("rejected");
    expect(denied.body.decision.by).toBe("policy:default-deny-sudo-args");
    const urgent = await api.call("POST", "/api/requests", { token: api.tokens.trusted, body: { session: "claude-oncall", command: "systemctl status db", priority: "URGENT" } });
    expect(urgent.body).toMatchObject({ status: "queued", decision: { by: "policy:auto-approve" } });
  });

  it("a repeated Idempotency-Key returns the first request with 200", async () => {
    const first = await post({ command: "make idempotent" }, { "idempotency-key": "build-42" });
    const again = await post({ command: "make idempotent" }, { "idempotency-key": "build-42" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it("?wait is answered as soon as a supervisor decides", async () => {
    const r = await post({ command: "make wait-1" });
    const waiting = api.call("GET", `/api/requests/${r.body.id}?wait=60`, { token: api.tokens.agent });
    await new Promise((res) => setTimeout(res, 300));
    const started = Date.now();
    await api.call("POST", `/api/requests/${r.body.id}/reject`, { token: api.tokens.alice, body: { reason: "use make test" } });
    const answer = await waiting;
    expect(answer.body).toMatchObject({ status: "rejected", decision: { by: "alice", comment: "use make test" } });
    expect(Date.now() - started).toBeLessThan(45_000); // far below the 60 s it would hold otherwise
  });

  it("?wait notices a change made by another process (the worker)", async () => {
    const r = await post({ command: "make wait-2" });
    await api.call("POST", `/api/requests/${r.body.id}/approve`, { token: api.tokens.alice, body: {} });
    const waiting = api.call("GET", `/api/requests/${r.body.id}?wait=30`, { token: api.tokens.agent });
    await new Promise((res) => setTimeout(res, 300));
    const worker = await openStoreAt(api.env);
    await markRunning(worker, r.body.id as string);
    await worker.close();
    const answer = await waiting;
    expect(answer.body).toMatchObject({ status: "running", attempts: 1 });
  });

  it("?wait returns the unchanged request when the time runs out", async () => {
    const r = await post({ command: "make wait-3" });
    const answer = await api.call("GET", `/api/requests/${r.body.id}?wait=1`, { token: api.tokens.agent });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe("pending");
  });

  it("cancel while pending", async () => {
    const r = await post({ command: "make cancel-me" });
    const c = await api.call("POST", `/api/requests/${r.body.id}/cancel`, { token: api.tokens.agent });
    expect(c.body.status).toBe("cancelled");
  });

  it("an agent's list holds only its own requests", async () => {
    await api.call("POST", "/api/requests", { token: api.tokens.other, body: { session: "claude-frontend", command: "npm run lint" } });
    const mine = await api.call("GET", "/api/requests?limit=200", { token: api.tokens.agent });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((i: { agentId: string }) => i.agentId === "backend-api")).toBe(true);
  });
});

describe("supervisors", () => {
  it("approve with remember adds an exact allow rule: the next identical command is approved at once", async () => {
    const r = await post({ command: "npm run build && npm run test:e2e" });
    const ok = await api.call("POST", `/api/requests/${r.body.id}/approve`, { token: api.tokens.alice, body: { comment: "ok", remember: true } });
    expect(ok.body).toMatchObject({ status: "queued", decision: { by: "alice", comment: "ok" } });
    const again = await post({ command: "npm run build && npm run test:e2e" });
    expect(again.body.status).toBe("queued");
    expect(again.body.decision.by).toMatch(/^policy:/);
  });

  it("lists newest first with keyset pagination and filters", async () => {
    for (let i = 0; i < 5; i++) await post({ command: `echo page-${i}`, session: "claude-shared" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/requests?session=claude-shared&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await api.call("GET", q, { token: api.tokens.viewer });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { command: string }) => i.command));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["echo page-4", "echo page-3", "echo page-2", "echo page-1", "echo page-0"]);
    const rejected = await api.call("GET", "/api/requests?status=rejected,cancelled&agent=backend-api", { token: api.tokens.viewer });
    expect(rejected.body.items.length).toBeGreaterThan(0);
    expect(rejected.body.items.every((i: { status: string }) => ["rejected", "cancelled"].includes(i.status))).toBe(true);
    const search = await api.call("GET", "/api/requests?q=page-3", { token: api.tokens.viewer });
    expect(search.body.items.map((i: { command: string }) => i.command)).toEqual(["echo page-3"]);
  });

  it("the audit trail, oldest first", async () => {
    const r = await post({ command: "make audited" });
    await api.call("POST", `/api/requests/${r.body.id}/approve`, { token: api.tokens.alice, body: { comment: "fine" } });
    const ev = await api.call("GET", `/api/requests/${r.body.id}/events`, { token: api.tokens.viewer });
    expect(ev.body.items.map((e: { actor: string; from: string | null; to: string }) => [e.actor, e.from, e.to])).toEqual([
      ["agent:backend-api", null, "pending"],
      ["alice", "pending", "queued"],
    ]);
  });

  it("bulk: per-id results, one failure does not undo the others", async () => {
    const a = await post({ command: "make bulk-a" });
    const b = await post({ command: "make bulk-b" });
    await api.call("POST", `/api/requests/${b.body.id}/reject`, { token: api.tokens.alice, body: { reason: "no" } });
    const res = await api.call("POST", "/api/requests/bulk", { token: api.tokens.alice, body: { action: "approve", ids: [a.body.id, b.body.id, "missing"] } });
    expect(res.status).toBe(200);
    expect(res.body.results.map((x: { ok: boolean; status?: number }) => [x.ok, x.status])).toEqual([
      [true, undefined],
      [false, 409],
      [false, 404],
    ]);
  });

  it("requeue and discard dead letters", async () => {
    const dead = await post({ command: "make dead" });
    await api.call("POST", `/api/requests/${dead.body.id}/approve`, { token: api.tokens.alice, body: {} });
    await sql(api.store, "UPDATE requests SET status = 'dead' WHERE id = ?", [dead.body.id]);
    const again = await api.call("POST", `/api/requests/${dead.body.id}/requeue`, { token: api.tokens.alice });
    expect(again.body.status).toBe("queued");
    await sql(api.store, "UPDATE requests SET status = 'dead' WHERE id = ?", [dead.body.id]);
    const gone = await api.call("POST", `/api/requests/${dead.body.id}/discard`, { token: api.tokens.alice });
    expect(gone.body.status).toBe("dead");
    expect(gone.body.discardedAt).not.toBeNull();
    const triage = await api.call("GET", "/api/requests?status=dead&discarded=false", { token: api.tokens.viewer });
    expect(triage.body.items.map((i: { id: string }) => i.id)).not.toContain(dead.body.id);
  });
});

describe("people: login, logout, tokens, rules", () => {
  it("logs in with a cookie, sees itself, logs out", async () => {
    const bad = await api.call("POST", "/api/auth/login", { body: { name: "alice", password: "wrong-password" } });
    expect(bad.status).toBe(401);
    const login = await api.call("POST", "/api/auth/login", { body: { name: "alice", password: api.passwords.alice } });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await api.call("GET", "/api/auth/me", { headers: { cookie } })).body.user).toMatchObject({ name: "alice", role: "supervisor" });
    const out = await api.call("POST", "/api/auth/logout", { headers: { cookie, origin: api.app.url } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await api.call("GET", "/api/auth/me", { headers: { cookie } })).status).toBe(401);
  });

  it("rules: anyone signed in lists, only an admin adds and removes", async () => {
    const list = await api.call("GET", "/api/rules", { token: api.tokens.viewer });
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain("default-deny-sudo");
    const added = await api.call("POST", "/api/rules", { token: api.tokens.admin, body: { kind: "allow", pattern: "npm run lint*", agentId: "backend-api" } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: "allow", pattern: "npm run lint*", agentId: "backend-api", session: null, createdBy: "admin" });
    expect((await post({ command: "npm run lint -- --fix" })).body.status).toBe("queued");
    const removed = await api.call("DELETE", `/api/rules?id=${added.body.id}`, { token: api.tokens.admin });
    expect(removed.status).toBe(200);
    expect((await post({ command: "npm run lint -- --fix" })).body.status).toBe("pending");
    const viaPath = await api.call("POST", "/api/rules", { token: api.tokens.admin, body: { kind: "deny", pattern: "shutdown*" } });
    expect((await api.call("DELETE", `/api/rules/${viaPath.body.id}`, { token: api.tokens.admin })).status).toBe(200);
  });
});

describe("long-poll on a request that has already ended", () => {
  it("?wait answers at once: a finished request will not change on its own", async () => {
    const r = await post({ command: "sudo ls" });
    expect(r.body.status).toBe("rejected");
    const started = Date.now();
    const answer = await api.call("GET", `/api/requests/${r.body.id}?wait=60`, { token: api.tokens.agent });
    expect(answer.body.status).toBe("rejected");
    expect(Date.now() - started).toBeLessThan(45_000); // far below the 60 s it would hold otherwise
  });
});
