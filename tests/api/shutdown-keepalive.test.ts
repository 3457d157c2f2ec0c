import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

/** One GET on `agent`'s kept-alive connection; resolves with the status, or 0 once refused. */
function get(agent: http.Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
  });
}

it("a stopping server closes kept-alive connections after their answer, so a client that goes on calling does not hold it up", async () => {
  const made = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "claude-backend-api", command: "make release" } });
  // As a runner does: one kept-alive connection, busy with a long-poll when the server is told to
  // stop (an idle one is closed then), then a call every half second, well within the server's
  // keep-alive timeout. Before the fix the server waited on that connection as long as it went on.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${api.app.url}/api/requests/${made.body.id}`;
  const held = get(agent, `${url}?wait=60`, api.tokens.agent);
  let exited = false;
  const exit = new Promise<void>((resolve) => api.app.child.once("exit", () => resolve()));
  void exit.then(() => (exited = true));
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the poll is held
  api.app.child.kill("SIGTERM");
  expect(await held).toBe(200);
  const until = Date.now() + 30_000;
  while (!exited && Date.now() < until) {
    await get(agent, url, api.tokens.agent);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  agent.destroy();
  expect(exited).toBe(true);
}, 60_000);
