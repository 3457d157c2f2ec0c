import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Api } from "./harness";

// Configured as if bound beyond loopback (HOST is what Gatehouse believes it listens on; the test
// server itself still listens on 127.0.0.1 only).
const TOKEN = "metrics-token-0123456789";
let api: Api;
beforeAll(async () => {
  api = await startApi({ HOST: "0.0.0.0", GATEHOUSE_METRICS_TOKEN: TOKEN });
}, 600_000);
afterAll(() => api?.close());

describe("HOST=0.0.0.0 with GATEHOUSE_METRICS_TOKEN", () => {
  for (const path of ["/api/health", "/api/metrics"]) {
    it(`${path} answers 403 in the API's error shape without the token, and its data with it`, async () => {
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer not-the-token-at-all" }, { authorization: `Bearer ${api.tokens.admin}` }];
      for (const headers of attempts) {
        const denied = await api.call("GET", path, { headers });
        expect(denied.status).toBe(403);
        expect(denied.body.error.code).toBe("forbidden");
        expect(denied.body.error.message).toContain("GATEHOUSE_METRICS_TOKEN");
      }
      const allowed = await api.call("GET", path, { headers: { authorization: `Bearer ${TOKEN}` } });
      // 503 from /api/health: no worker runs beside this server, which it reports.
      expect([200, 503]).toContain(allowed.status);
      if (path === "/api/health") expect(allowed.body).toHaveProperty("db");
      else expect(allowed.body).toMatch(/^# (HELP|TYPE) gatehouse_/m);
    });
  }
});
