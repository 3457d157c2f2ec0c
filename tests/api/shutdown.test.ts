import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

it("a stopping server answers a held long-poll at once with the request as it is, instead of holding its shutdown", async () => {
  const made = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "claude-backend-api", command: "make release" } });
  expect(made.body.status).toBe("pending");
  const started = Date.now();
  const held = api.call("GET", `/api/requests/${made.body.id}?wait=60`, { token: api.tokens.agent });
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the poll is held
  const exited = new Promise((resolve) => api.app.child.once("exit", resolve));
  api.app.child.kill("SIGTERM");
  const answer = await held;
  expect(answer).toMatchObject({ status: 200, body: { id: made.body.id, status: "pending" } });
  await exited;
  // Well under the minute the poll asked for: the shutdown did not wait on it.
  expect(Date.now() - started).toBeLessThan(45_000);
});
