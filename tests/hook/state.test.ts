import { mkdtempSync, readdirSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recallCall, rememberCall, stateDir } from "../../lib/hook/state";

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), "gatehouse-hook-state-")), "hook");
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

describe("which request an allowed call became, until its PostToolUse", () => {
  it("is found by tool_use_id, once, and the entry is gone after", () => {
    rememberCall(dir, { toolUseId: "toolu_1", session: "abc", command: "npm test" }, "R1");
    expect(recallCall(dir, { toolUseId: "toolu_1", session: "abc", command: "npm test" })).toBe("R1");
    expect(recallCall(dir, { toolUseId: "toolu_1", session: "abc", command: "npm test" })).toBeUndefined();
    expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual([]);
  });

  it("is found by session and command when the asking event had no tool_use_id (PermissionRequest)", () => {
    rememberCall(dir, { session: "abc", command: "make deploy" }, "R2");
    expect(recallCall(dir, { toolUseId: "toolu_9", session: "other", command: "make deploy" })).toBeUndefined();
    expect(recallCall(dir, { toolUseId: "toolu_9", session: "abc", command: "make deploy" })).toBe("R2");
  });

  it("keeps entries a day at most, looking for old ones once an hour", () => {
    rememberCall(dir, { session: "abc", command: "old" }, "R3");
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    for (const f of readdirSync(dir).filter((f) => f !== ".pruned")) utimesSync(path.join(dir, f), twoDaysAgo, twoDaysAgo);
    rememberCall(dir, { session: "abc", command: "new" }, "R4");
    expect(readdirSync(dir)).toHaveLength(3); // pruned less than an hour ago: not looked at yet
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(path.join(dir, ".pruned"), twoHoursAgo, twoHoursAgo);
    rememberCall(dir, { session: "abc", command: "newer" }, "R5");
    expect(recallCall(dir, { session: "abc", command: "old" })).toBeUndefined();
    expect(recallCall(dir, { session: "abc", command: "new" })).toBe("R4");
  });
});

describe("where the state is kept", () => {
  it("in the setting's directory, else the user's runtime directory (in memory), else the state directory", () => {
    const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: "test", HOME: "/home/agent", ...vars });
    expect(stateDir(env({ GATEHOUSE_HOOK_STATE_DIR: "/srv/gh", XDG_RUNTIME_DIR: "/run/user/1000" }))).toBe("/srv/gh");
    expect(stateDir(env({ XDG_RUNTIME_DIR: "/run/user/1000", XDG_STATE_HOME: "/home/agent/.st" }))).toBe("/run/user/1000/gatehouse/hook");
    expect(stateDir(env({ XDG_STATE_HOME: "/home/agent/.st" }))).toBe("/home/agent/.st/gatehouse/hook");
    expect(stateDir(env({}))).toBe("/home/agent/.local/state/gatehouse/hook");
  });
});
