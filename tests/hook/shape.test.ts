// The shapes the hook checks by hand (lib/hook/shape.ts): what it accepts from the server and
// from its config file, and what it refuses. (Agents' events: answer.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { asGateRequestView } from "../../lib/hook/contract";
import { resolveIdentity } from "../../lib/hook/identity";

describe("the server's request object, as the hook reads it", () => {
  it("takes a request with or without a decision, whatever else it carries", () => {
    const pending = { id: "R1", status: "pending", decision: null, command: "npm test" };
    expect(asGateRequestView(pending)).toBe(pending);
    expect(asGateRequestView({ id: "R1", status: "rejected", decision: { by: "alice", comment: "no", at: "…" } })).toBeDefined();
    expect(asGateRequestView({ id: "R1", status: "allowed" })).toBeDefined();
  });

  it("refuses anything else", () => {
    for (const body of [null, [], "R1", { status: "pending" }, { id: "", status: "pending" }, { id: "R1" }, { id: "R1", status: "x", decision: { by: 5 } }, { id: "R1", status: "x", decision: "alice" }]) {
      expect(asGateRequestView(body), JSON.stringify(body)).toBeUndefined();
    }
  });
});

describe("the hook's config file", () => {
  it("gives the url and token, and refuses a file of another shape", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-hook-config-"));
    const file = path.join(dir, "agent.json");
    const env = { ...process.env, GATEHOUSE_CONFIG: file, GATEHOUSE_TOKEN: "", GATEHOUSE_URL: "" };
    try {
      writeFileSync(file, JSON.stringify({ url: "http://127.0.0.1:4000/", token: "t0k" }), { mode: 0o600 });
      expect(resolveIdentity(env)).toEqual({ url: "http://127.0.0.1:4000", token: "t0k", warning: undefined });
      writeFileSync(file, JSON.stringify({ token: 5 }));
      expect(resolveIdentity(env)).toEqual({ problem: `${file} should hold {"url": "…", "token": "…"}` });
      writeFileSync(file, JSON.stringify(["t0k"]));
      expect(resolveIdentity(env)).toEqual({ problem: `${file} should hold {"url": "…", "token": "…"}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
