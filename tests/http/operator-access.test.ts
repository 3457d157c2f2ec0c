import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/http/errors";
import { checkOperatorAccess, isLoopbackHost } from "../../lib/http/operator-access";

const TOKEN = "metrics-token-0123456789";
const get = (headers: Record<string, string> = {}) => new Request("http://gate.example:3000/api/metrics", { headers });

function access(req: Request, HOST: string, GATEHOUSE_METRICS_TOKEN?: string): number | "ok" {
  try {
    checkOperatorAccess(req, { HOST, GATEHOUSE_METRICS_TOKEN });
    return "ok";
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

describe("operator endpoints (/api/health, /api/metrics)", () => {
  it("know a loopback bind address when they see one", () => {
    for (const h of ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "128.0.0.1", "192.168.1.127", "fe80::1", "1::1", "gate.example", "localhost.example"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it("are open on loopback, with or without a token set", () => {
    expect(access(get(), "127.0.0.1")).toBe("ok");
    expect(access(get(), "::1", TOKEN)).toBe("ok");
  });

  it("beyond loopback need the bearer token; without one set they are closed", () => {
    expect(access(get({ authorization: `Bearer ${TOKEN}` }), "0.0.0.0", TOKEN)).toBe("ok");
    expect(access(get(), "0.0.0.0", TOKEN)).toBe(403);
    expect(access(get({ authorization: "Bearer wrong-token-0123456789" }), "0.0.0.0", TOKEN)).toBe(403);
    expect(access(get({ authorization: `Bearer ${TOKEN}x` }), "10.0.0.5", TOKEN)).toBe(403);
    expect(access(get({ authorization: `Bearer ${TOKEN}` }), "0.0.0.0")).toBe(403);
  });
});
