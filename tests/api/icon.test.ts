import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

it("answers a browser's /favicon.ico with the app's icon, not a 404", async () => {
  const res = await fetch(`${api.app.url}/favicon.ico`);
  expect(res.status).toBe(200);
  expect(res.url).toMatch(/\/icon\.svg$/);
  expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
});
