import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, submission, type Api } from "./harness";

// Two real servers: one told a TLS proxy stands in front of it, one not.
let trusting: Api;
let plain: Api;
beforeAll(async () => {
  trusting = await startApi({ GATEHOUSE_TRUST_PROXY: "1" });
  plain = await startApi();
}, 600_000);
afterAll(async () => {
  await trusting?.close();
  await plain?.close();
});

const proxied = { "x-forwarded-proto": "https", "x-forwarded-host": "gate.example.com", origin: "https://gate.example.com" };

async function login(api: Api, headers: Record<string, string>) {
  const r = await api.call("POST", "/api/auth/login", { body: { name: "alice", password: api.passwords.alice }, headers });
  return { status: r.status, cookie: r.headers.get("set-cookie") ?? "" };
}

describe("GATEHOUSE_TRUST_PROXY", () => {
  it("set: a sign-in through the TLS proxy gets a Secure cookie, and changes from the proxied site pass the Origin check", async () => {
    const signedIn = await login(trusting, proxied);
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookie).toMatch(/;\s*Secure/i);
    const session = signedIn.cookie.split(";")[0] ?? "";
    const created = await trusting.call("POST", "/api/requests", { token: trusting.tokens.agent, body: submission({ command: "make deploy" }) });
    const approved = await trusting.call("POST", `/api/requests/${created.body.id}/approve`, { body: {}, headers: { ...proxied, cookie: session } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe("queued");
  });

  it("unset: the same headers are not believed — no Secure cookie, and the forwarded site is not this one", async () => {
    const signedIn = await login(plain, { "x-forwarded-proto": "https" });
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookie).not.toMatch(/Secure/i);
    expect((await login(plain, proxied)).status).toBe(403);
  });
});
