import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, submission, type Api, type Reply } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error.code).toBe(code);
  expect(typeof reply.body.error.message).toBe("string");
  expect(reply.body.error.message.length).toBeGreaterThan(10);
}

/** Runs `fn` and checks that it wrote nothing anywhere. */
async function writesNothing(fn: () => Promise<void>) {
  const before = await api.counts();
  await fn();
  expect(await api.counts()).toEqual(before);
}

describe("every error status of the API, over real HTTP, writing nothing", () => {
  it("400 when the body is not JSON", () =>
    writesNothing(async () => {
      const r = await api.call("POST", "/api/requests", { token: api.tokens.agent, raw: '{"session": "claude-backend-api",', headers: { "content-type": "application/json" } });
      expectError(r, 400, "bad_request");
    }));

  it("400 when a header is malformed: Authorization, Idempotency-Key", () =>
    writesNothing(async () => {
      expectError(await api.call("GET", "/api/requests", { headers: { authorization: "Token abc" } }), 400, "bad_request");
      expectError(await api.call("GET", "/api/requests", { headers: { authorization: "Bearer" } }), 400, "bad_request");
      const longKey = "k".repeat(201);
      expectError(await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission(), headers: { "idempotency-key": longKey } }), 400, "bad_request");
    }));

  it("401 with no credentials or a bad token", () =>
    writesNothing(async () => {
      expectError(await api.call("POST", "/api/requests", { body: submission() }), 401, "unauthorized");
      expectError(await api.call("POST", "/api/requests", { token: "gha_not-a-real-token", body: submission() }), 401, "unauthorized");
      expectError(await api.call("GET", "/api/requests", { token: "ghu_nope" }), 401, "unauthorized");
      expectError(await api.call("GET", "/api/requests", { headers: { cookie: "gatehouse_session=forged.signature" } }), 401, "unauthorized");
    }));

  it("403 when an agent targets a session it is not bound to", () =>
    writesNothing(async () => {
      expectError(await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ session: "claude-frontend" }) }), 403, "forbidden");
    }));

  it("403 when a viewer or an agent tries to decide (an agent can never approve, not even its own request)", async () => {
    const created = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "make deploy" }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await writesNothing(async () => {
      expectError(await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.viewer, body: {} }), 403, "forbidden");
      expectError(await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.agent, body: {} }), 403, "forbidden");
      expectError(await api.call("POST", `/api/requests/${id}/reject`, { token: api.tokens.agent, body: { reason: "x" } }), 403, "forbidden");
      expectError(await api.call("POST", "/api/requests/bulk", { token: api.tokens.agent, body: { action: "approve", ids: [id] } }), 403, "forbidden");
      expectError(await api.call("POST", "/api/rules", { token: api.tokens.alice, body: { kind: "allow", pattern: "*" } }), 403, "forbidden");
      expectError(await api.call("POST", "/api/rules", { token: api.tokens.agent, body: { kind: "allow", pattern: "*" } }), 403, "forbidden");
    });
    expect((await api.call("GET", `/api/requests/${id}`, { token: api.tokens.agent })).body.status).toBe("pending");
  });

  it("404 for a request that does not exist, or is another agent's", async () => {
    const mine = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "ls" }) });
    await writesNothing(async () => {
      expectError(await api.call("GET", "/api/requests/01NOPE", { token: api.tokens.alice }), 404, "not_found");
      expectError(await api.call("POST", "/api/requests/01NOPE/approve", { token: api.tokens.alice, body: {} }), 404, "not_found");
      expectError(await api.call("GET", `/api/requests/${mine.body.id}`, { token: api.tokens.other }), 404, "not_found");
      expectError(await api.call("POST", `/api/requests/${mine.body.id}/cancel`, { token: api.tokens.other }), 404, "not_found");
      expectError(await api.call("GET", `/api/requests/${mine.body.id}/events`, { token: api.tokens.other }), 404, "not_found");
      expectError(await api.call("DELETE", "/api/rules?id=nope", { token: api.tokens.admin }), 404, "not_found");
    });
  });

  it("409 naming the current status and who decided, when the request is no longer pending", async () => {
    const created = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "make one" }) });
    const id = created.body.id as string;
    expect((await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: {} })).status).toBe(200);
    await writesNothing(async () => {
      const again = await api.call("POST", `/api/requests/${id}/reject`, { token: api.tokens.admin, body: { reason: "too late" } });
      expectError(again, 409, "conflict");
      expect(again.body.error.message).toContain("is queued (decided by alice");
      expectError(await api.call("POST", `/api/requests/${id}/cancel`, { token: api.tokens.agent }), 409, "conflict");
      expectError(await api.call("POST", `/api/requests/${id}/discard`, { token: api.tokens.alice }), 409, "conflict");
    });
  });

  it("413 for a body over 64 KiB or a command over 16 KiB", () =>
    writesNothing(async () => {
      expectError(await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ reason: "x".repeat(70_000) }) }), 413, "too_large");
      expectError(await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "echo " + "y".repeat(16 * 1024) }) }), 413, "too_large");
      expectError(await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "echo " + "é".repeat(8200) }) }), 413, "too_large");
    }));

  it("422 listing each field for well-formed JSON that fails validation", () =>
    writesNothing(async () => {
      const r = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "bad session!", priority: "SOON" } });
      expectError(r, 422, "invalid_request");
      const paths = (r.body.error.issues as { path: string }[]).map((i) => i.path).sort();
      expect(paths).toEqual(["command", "priority", "session"]);
      expectError(await api.call("POST", "/api/requests/x/reject", { token: api.tokens.alice, body: {} }), 422, "invalid_request");
      expectError(await api.call("GET", "/api/requests?limit=0", { token: api.tokens.alice }), 422, "invalid_request");
      expectError(await api.call("GET", "/api/requests?status=maybe", { token: api.tokens.alice }), 422, "invalid_request");
      expectError(await api.call("GET", "/api/requests/x?wait=61", { token: api.tokens.alice }), 422, "invalid_request");
      const tooMany = Array.from({ length: 501 }, (_, i) => `id${i}`);
      expectError(await api.call("POST", "/api/requests/bulk", { token: api.tokens.alice, body: { action: "discard", ids: tooMany } }), 422, "invalid_request");
    }));

  it("403 for a cookie session's change without the dashboard's Origin; the same call with it works", async () => {
    const login = await api.call("POST", "/api/auth/login", { body: { name: "alice", password: api.passwords.alice } });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(";")[0]!;
    const created = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "make two" }) });
    const path = `/api/requests/${created.body.id}/approve`;
    await writesNothing(async () => {
      expectError(await api.call("POST", path, { headers: { cookie }, body: {} }), 403, "forbidden");
      expectError(await api.call("POST", path, { headers: { cookie, origin: "https://evil.example" }, body: {} }), 403, "forbidden");
    });
    const ok = await api.call("POST", path, { headers: { cookie, origin: api.app.url }, body: {} });
    expect(ok.status).toBe(200);
    expect(ok.body.decision.by).toBe("alice");
  });
});

describe("rate limit", () => {
  it("429 with Retry-After once an agent is over its submissions per minute", async () => {
    const limited = await startApi({ GATEHOUSE_AGENT_RATE_PER_MIN: "3" });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await limited.call("POST", "/api/requests", { token: limited.tokens.agent, body: submission() })).status).toBe(201);
      }
      const before = await limited.counts();
      const over = await limited.call("POST", "/api/requests", { token: limited.tokens.agent, body: submission() });
      expectError(over, 429, "rate_limited");
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await limited.counts()).toEqual(before);
      // Another agent has its own allowance.
      expect((await limited.call("POST", "/api/requests", { token: limited.tokens.other, body: submission({ session: "claude-frontend" }) })).status).toBe(201);
    } finally {
      await limited.close();
    }
  }, 600_000);
});
