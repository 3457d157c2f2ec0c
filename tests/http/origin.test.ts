import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/http/errors";
import { checkSameOrigin, isSecure } from "../../lib/http/origin";

// As a route handler sees a request: Next sets the URL's scheme from X-Forwarded-Proto.
const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/requests/x/approve", { method: "POST", headers });

function originCheck(req: Request, trustProxy: boolean): number | "ok" {
  try {
    checkSameOrigin(req, { trustProxy });
    return "ok";
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

describe("behind a proxy", () => {
  const behindTls = { host: "127.0.0.1:3000", "x-forwarded-proto": "https", "x-forwarded-host": "gate.example.com" };

  it("X-Forwarded-Proto: https makes the session cookie Secure only when the proxy is trusted", () => {
    expect(isSecure(post(behindTls), { trustProxy: true })).toBe(true);
    expect(isSecure(post(behindTls), { trustProxy: false })).toBe(false);
    expect(isSecure(post({ ...behindTls, "x-forwarded-proto": "http" }), { trustProxy: true })).toBe(false);
    // A chain of proxies lists the client-facing one first.
    expect(isSecure(post({ "x-forwarded-proto": "https, http" }), { trustProxy: true })).toBe(true);
    expect(isSecure(new Request("https://127.0.0.1:3000/", { headers: { "x-forwarded-proto": "https" } }), { trustProxy: false })).toBe(false);
  });

  it("the Origin check uses the forwarded scheme and host when trusted, the Host header when not", () => {
    const fromDashboard = { ...behindTls, origin: "https://gate.example.com" };
    expect(originCheck(post(fromDashboard), true)).toBe("ok");
    expect(originCheck(post(fromDashboard), false)).toBe(403);
    // The same page over plain HTTP, or another site, is not the dashboard behind TLS.
    expect(originCheck(post({ ...fromDashboard, origin: "http://gate.example.com" }), true)).toBe(403);
    expect(originCheck(post({ ...fromDashboard, origin: "https://evil.example" }), true)).toBe(403);
  });

  it("an untrusted client cannot name its own site in X-Forwarded-Host to pass the Origin check", () => {
    const forged = { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", origin: "http://evil.example" };
    expect(originCheck(post(forged), false)).toBe(403);
    expect(originCheck(post({ ...forged, origin: "http://127.0.0.1:3000" }), false)).toBe("ok");
  });
});
