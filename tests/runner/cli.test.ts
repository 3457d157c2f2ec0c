import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runnerByToken } from "../../lib/auth/runners";
import { useTempDb } from "../support/use-temp-db";

const BIN = path.resolve(import.meta.dirname, "../../bin/gatehouse.js");
const t = useTempDb();

describe("gatehouse runner add", () => {
  it("registers a runner and prints its token once; the database holds only its hash", async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, "runner", "add", "build-host-1", "--sessions", "s-a,s-b"], {
      cwd: "/tmp",
      env: { ...process.env, GATEHOUSE_DB: path.join(t.dir, "gatehouse.db"), ...t.env },
    });
    const token = stdout.trim();
    expect(token).toMatch(/^ghr_/);
    expect(stderr).toContain("s-a, s-b");
    expect(await runnerByToken(t.store, token)).toEqual({ id: "build-host-1", sessions: ["s-a", "s-b"] });
    const [row] = await t.store.listRunners();
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("refuses a session another runner has (exit 1, nothing written)", async () => {
    const env = { ...process.env, GATEHOUSE_DB: path.join(t.dir, "gatehouse.db"), ...t.env };
    await promisify(execFile)(process.execPath, [BIN, "runner", "add", "one", "--sessions", "s-a"], { cwd: "/tmp", env });
    const second = await promisify(execFile)(process.execPath, [BIN, "runner", "add", "two", "--sessions", "s-a"], { cwd: "/tmp", env }).catch((e: { code: number; stderr: string }) => e);
    expect("code" in second ? second.code : 0).toBe(1);
    expect((await t.store.listRunners()).map((r) => r.id)).toEqual(["one"]);
  });

  it("without --server or a token, says how to run it (exit 64)", async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, "runner"], { cwd: "/tmp", env: { ...process.env, GATEHOUSE_RUNNER_TOKEN: "", GATEHOUSE_URL: "" } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect("code" in r ? r.code : 0).toBe(64);
    expect(r.stderr).toContain("usage: gatehouse runner --server URL");
  });
});
