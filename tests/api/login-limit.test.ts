import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

const login = (password: string, cookie?: string) =>
  api.call("POST", "/api/auth/login", { body: { name: "alice", password }, headers: cookie ? { cookie } : {} });

it("guessing a person's password is slowed with 429 and Retry-After, but their own browser still signs in", async () => {
  const good = await login(api.passwords.alice);
  expect(good.status).toBe(200);
  const device = good.headers.getSetCookie().find((c) => c.startsWith("gatehouse_device="))!.split(";")[0]!;

  for (let i = 0; i < 10; i++) expect((await login("not the password")).status).toBe(401);
  const refused = await login(api.passwords.alice);
  expect(refused).toMatchObject({ status: 429, body: { error: { code: "rate_limited" } } });
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

  // The browser that signed in before carries its device cookie: the guesses did not lock it out.
  expect((await login(api.passwords.alice, device)).status).toBe(200);
});
