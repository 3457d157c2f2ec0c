// What a hook process loads, the part of its start that code controls (timings are measured by
// `npm run bench -- hook`, never here). It starts before every command an agent runs.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startContractServer, type ContractServer } from "./contract-server";
import { claudePreToolUse } from "./events";

const HOOK = path.resolve(__dirname, "../../bin/gatehouse-hook.cjs");
const GATEHOUSE = path.resolve(__dirname, "../../bin/gatehouse.js");
const REPORT = path.resolve(__dirname, "report-modules.cjs");
let server: ContractServer;
let state: string;
beforeAll(async () => {
  server = await startContractServer();
  state = mkdtempSync(path.join(os.tmpdir(), "gatehouse-hook-start-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(state, { recursive: true, force: true });
});

/** Runs the hook (or another command) once with the event on stdin; resolves with its stdout and what it loaded. */
function run(command = [HOOK, "--session", "s1"]): Promise<{ stdout: string; loaded: { builtins: string[]; files: string[] } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", REPORT, ...command], {
      env: { ...process.env, GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: server.token, GATEHOUSE_HOOK_STATE_DIR: state, TMUX: "", GATEHOUSE_CLI_FROM_SOURCE: "" },
      stdio: ["pipe", "pipe", "inherit", "pipe"],
    });
    let out = "";
    let report = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stdio[3]?.on("data", (d: Buffer) => (report += d.toString()));
    child.stdin?.end(JSON.stringify(claudePreToolUse));
    child.on("error", reject);
    child.on("close", () => resolve({ stdout: out, loaded: JSON.parse(report) as { builtins: string[]; files: string[] } }));
  });
}

it("answers from the one-file bundle without the ES module loader, node:crypto, node:child_process or the database layer", async () => {
  await run(); // builds the bundle first, if a source changed since the last build
  const { stdout, loaded } = await run();
  expect(stdout).toContain('"permissionDecision":"allow"');
  const hookFiles = loaded.files.filter((f) => f !== REPORT).map((f) => path.basename(f));
  expect(hookFiles).toEqual(["gatehouse-hook.cjs", "cli-bundle.cjs", "hook.cjs"]);
  const builtins = loaded.builtins.join("\n");
  expect(builtins).not.toContain("esm/loader");
  expect(builtins).not.toMatch(/NativeModule crypto|NativeModule child_process/);
});

it("runs `gatehouse` commands from the prebuilt bundle too, without a TypeScript loader", async () => {
  await run([GATEHOUSE, "help"]);
  const { stdout, loaded } = await run([GATEHOUSE, "help"]);
  expect(stdout).toContain("gatehouse agent add");
  // tsx compiles TypeScript through the ES module loader's hooks, which run on a worker thread.
  expect(loaded.builtins).not.toContain("NativeModule internal/modules/esm/hooks");
  expect(loaded.builtins).not.toContain("NativeModule worker_threads");
});

it("builds the bundle again when one of the hook's sources changed, and not for a change elsewhere in the CLI", async () => {
  const manifest = path.resolve(__dirname, "../../node_modules/.cache/gatehouse/cli.json");
  const hookFile = () => (JSON.parse(readFileSync(manifest, "utf8")) as { hook: string }).hook;
  const cliSource = path.resolve(__dirname, "../../lib/cli/db-copy.ts");
  const hookSource = path.resolve(__dirname, "../../lib/hook/answer.ts");
  const mtimes = [cliSource, hookSource].map((f) => [f, statSync(f).mtime] as const);
  // A second older, not newer: a source newer than the web app's build would make other tests rebuild it.
  const change = (file: string) => {
    const at = new Date(statSync(file).mtimeMs - 1000);
    utimesSync(file, at, at);
  };
  try {
    await run();
    const before = hookFile();
    change(cliSource);
    expect((await run()).stdout).toContain('"permissionDecision":"allow"');
    expect(hookFile()).toBe(before);
    change(hookSource);
    expect((await run()).stdout).toContain('"permissionDecision":"allow"');
    expect(hookFile()).not.toBe(before);
  } finally {
    for (const [file, at] of mtimes) utimesSync(file, at, at);
  }
});
