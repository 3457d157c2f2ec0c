import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp, "Content-Security-Policy header").toBeTruthy();
  return new Map(
    (csp ?? "").split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

function expectFrameAndSniffingGuards(headers: Headers) {
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(directives(headers.get("content-security-policy")).get("frame-ancestors")).toEqual(["'none'"]);
}

describe("security headers", () => {
  it("a page may not be framed, and runs only scripts carrying this response's nonce", async () => {
    const first = await fetch(`${api.app.url}/login`);
    const html = await first.text();
    expect(first.status).toBe(200);
    expectFrameAndSniffingGuards(first.headers);
    const csp = directives(first.headers.get("content-security-policy"));
    const script = csp.get("script-src") ?? [];
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(script.find((s) => s.startsWith("'nonce-")) ?? "")?.[1];
    expect(nonce, script.join(" ")).toBeTruthy();
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("style-src")).not.toContain("'unsafe-inline'");

    // Every script Next wrote into the page carries the nonce (else the browser would block it).
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const second = await fetch(`${api.app.url}/login`);
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("a signed-in dashboard page and a redirect carry them too", async () => {
    const login = await api.call("POST", "/api/auth/login", {
      body: { name: "alice", password: api.passwords.alice },
      headers: { origin: api.app.url },
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const inbox = await fetch(`${api.app.url}/inbox`, { headers: { cookie } });
    expect(inbox.status).toBe(200);
    expectFrameAndSniffingGuards(inbox.headers);

    const redirect = await fetch(`${api.app.url}/`, { redirect: "manual" });
    expect(redirect.status).toBeGreaterThanOrEqual(300);
    expectFrameAndSniffingGuards(redirect.headers);
  });

  it("an API response, success or error, may load nothing and not be framed", async () => {
    const unauthorized = await api.call("GET", "/api/requests");
    expect(unauthorized.status).toBe(401);
    // 503 here: no worker runs beside this server.
    for (const r of [await api.call("GET", "/api/health"), unauthorized]) {
      expectFrameAndSniffingGuards(r.headers);
      expect(directives(r.headers.get("content-security-policy")).get("default-src")).toEqual(["'none'"]);
    }
  });
});
