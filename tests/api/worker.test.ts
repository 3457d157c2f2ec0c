import { afterAll, beforeAll, expect, it } from "vitest";
import { killWorkers, startWorker } from "../support/worker-process";
import { startApi, submission, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi({ GATEHOUSE_PENDING_TTL_SEC: "1" });
}, 600_000);
afterAll(async () => {
  await killWorkers();
  await api?.close();
});

it("the worker expires a pending request after the TTL, and the agent's ?wait hears of it from across processes", async () => {
  const worker = startWorker({ db: api.env, env: { GATEHOUSE_PENDING_TTL_SEC: "1" } });
  await worker.ready();
  const r = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "make slow-decision" }) });
  expect(r.body.status).toBe("pending");
  let seen = r.body;
  for (let i = 0; i < 5 && seen.status === "pending"; i++) {
    seen = (await api.call("GET", `/api/requests/${r.body.id}?wait=30`, { token: api.tokens.agent })).body;
  }
  expect(seen).toMatchObject({ status: "expired", decision: { by: "system" } });
  const events = await api.call("GET", `/api/requests/${r.body.id}/events`, { token: api.tokens.viewer });
  expect(events.body.items.at(-1)).toMatchObject({ actor: "system", from: "pending", to: "expired", reason: "no decision within 1 s" });
  expect(await worker.stop()).toBe(0);
}, 120_000);
