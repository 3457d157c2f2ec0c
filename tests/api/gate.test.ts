import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

const gate = (command: string) => ({ session: "claude-backend-api", command, kind: "gate", reason: "Claude wants to run it" });

describe("gate requests over HTTP (gatehouse hook)", () => {
  it("submit, wait (marked as the agent waiting), approve → allowed, then the outcome", async () => {
    const made = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: gate("make lint") });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: "pending", kind: "gate", agentWaitedAt: null });
    const id = made.body.id as string;

    const waited = await api.call("GET", `/api/requests/${id}?wait=1`, { token: api.tokens.agent });
    expect(waited.body.status).toBe("pending");
    const inbox = await api.call("GET", "/api/dashboard/requests?tab=pending", { token: api.tokens.alice });
    expect(inbox.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({ kind: "gate", agentWaitedAt: expect.any(Number) });

    const approved = await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: { comment: "fine" } });
    expect(approved.body).toMatchObject({ status: "allowed", decision: { by: "alice", comment: "fine" } });

    const outcome = await api.call("POST", `/api/requests/${id}/outcome`, { token: api.tokens.agent, body: { exitCode: 0, outputTail: "ok\n" } });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ status: "allowed", exitCode: 0, output: "ok\n" });
    const twice = await api.call("POST", `/api/requests/${id}/outcome`, { token: api.tokens.agent, body: { exitCode: 1, outputTail: "" } });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
  });

  it("only the request's own agent reports its outcome, with a valid body", async () => {
    const made = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: gate("make test") });
    const id = made.body.id as string;
    await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: {} });
    expect((await api.call("POST", `/api/requests/${id}/outcome`, { token: api.tokens.other, body: { exitCode: 0 } })).status).toBe(404);
    expect((await api.call("POST", `/api/requests/${id}/outcome`, { token: api.tokens.alice, body: { exitCode: 0 } })).status).toBe(403);
    const bad = await api.call("POST", `/api/requests/${id}/outcome`, { token: api.tokens.agent, body: { exitCode: "zero", outputTail: "" } });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: "invalid_request", issues: [{ path: "exitCode" }] } } });
    expect((await api.call("GET", `/api/requests/${id}`, { token: api.tokens.agent })).body.exitCode).toBeNull();
  });

  it("a kind other than run or gate is refused", async () => {
    const bad = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { ...gate("ls"), kind: "sudo" } });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: "invalid_request", issues: [{ path: "kind" }] } } });
  });
});
