/**
 * The hook group of `npm run bench`: what `gatehouse hook` costs an agent on every command.
 *
 * - hook_policy_decision_p50_ms / _p95_ms: a Claude Code PreToolUse event for a command the policy
 *   allows at once, from spawning `node bin/gatehouse-hook.cjs` (the path agents' settings name)
 *   to its JSON answer on stdout (Node's own start included), one hook at a time, against a
 *   loopback server that answers at once
 *   (tests/hook/contract-server.ts: the gate-request contract, not the real server, whose gate
 *   routes are built elsewhere; the figure is the client's share).
 * - hook_floor_p50_ms / _p95_ms: the same measure for the least any Node hook can do (`node -e`:
 *   read stdin, POST it to the same server, print the answer), run alternately with the hook runs:
 *   Node's start and one round trip under the same load, the part of the figure above that the
 *   hook's code cannot remove. (The machine this runs on is shared: read the two together.)
 * - hook_via_gatehouse_js_p95_ms: the same through `node bin/gatehouse.js hook` (what
 *   `npx gatehouse hook` runs, npx's own start not included).
 * - hook_rss_mb: the peak resident memory of one such hook process (the most of a few runs).
 * - hook_cpu_ms_p50: CPU time (user + system) of one such hook process. It moves little when
 *   other work shares the machine, unlike the wall-clock figures; `node -e 0` costs ~70 ms of it here.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startContractServer, type ContractServer } from "../tests/hook/contract-server";
import { claudePreToolUse } from "../tests/hook/events";
import { percentile, round, type BenchGroup } from "./support/figures";

const HOOK_BIN = [path.resolve(import.meta.dirname, "../bin/gatehouse-hook.cjs"), "--session", "bench"];
const GATEHOUSE_BIN = [path.resolve(import.meta.dirname, "../bin/gatehouse.js"), "hook", "--session", "bench"];
const WARMUP = 3;
const SAMPLES = 60;
const USAGE_RUNS = 15;
/** Reports peak RSS and CPU time on fd 3; preloaded for those runs only, so that the latency runs are the hook alone. */
const REPORT_USAGE = path.resolve(import.meta.dirname, "support/report-usage.cjs");

interface Sample {
  ms: number;
  /** Peak RSS in KiB and CPU time in µs, for the runs that measure them. */
  usage?: [number, number];
}

/** Node starting, reading the event, one POST to the server and printing: the floor under any hook written for Node. */
const FLOOR = [
  "-e",
  `const e = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
   const body = JSON.stringify({ session: "bench", command: e.tool_input.command, kind: "gate" });
   require("node:http").request(process.env.GATEHOUSE_URL + "/api/requests", { method: "POST",
     headers: { authorization: "Bearer " + process.env.GATEHOUSE_TOKEN, "content-type": "application/json" } },
     (res) => { let t = ""; res.on("data", (d) => (t += d)).on("end", () => process.stdout.write(
       JSON.stringify({ permissionDecision: JSON.parse(t).status === "allowed" ? "allow" : "ask" }) + "\\n")); }).end(body);`,
];

function runHook(server: ContractServer, stateDir: string, n: number, measureUsage: boolean, bin = HOOK_BIN): Promise<Sample> {
  const event = JSON.stringify({ ...claudePreToolUse, tool_use_id: `toolu_bench_${n}` });
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let answeredAt = 0;
    const child = spawn(process.execPath, [...(measureUsage ? ["--require", REPORT_USAGE] : []), ...bin], {
      env: { ...process.env, GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: server.token, GATEHOUSE_HOOK_STATE_DIR: stateDir, TMUX: "" },
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let usage = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!answeredAt && stdout.includes("\n")) answeredAt = performance.now();
    });
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdio[3]?.on("data", (d: Buffer) => (usage += d.toString()));
    child.stdin?.end(event);
    child.on("error", reject);
    child.on("close", () => {
      if (!stdout.includes('"permissionDecision":"allow"')) return reject(new Error(`the hook did not allow: ${stdout}${stderr}`));
      resolve({ ms: answeredAt - start, usage: usage ? (JSON.parse(usage) as [number, number]) : undefined });
    });
  });
}

const hook: BenchGroup = async (emit) => {
  const server = await startContractServer();
  // Where the hook's state goes by default on a desktop or server with systemd-logind:
  // $XDG_RUNTIME_DIR, a tmpfs; /dev/shm stands for it where that is unset (as for root here).
  const stateDir = await mkdtemp(path.join(process.env.XDG_RUNTIME_DIR || (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir()), "gatehouse-bench-hook-"));
  try {
    // The first run builds the CLI bundle when the sources changed since the last one.
    for (let i = 0; i < WARMUP; i++) await runHook(server, stateDir, i, false);
    const ms: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      ms.push((await runHook(server, stateDir, WARMUP + i, false)).ms);
      floor.push((await runHook(server, stateDir, 0, false, FLOOR)).ms);
    }
    ms.sort((a, b) => a - b);
    floor.sort((a, b) => a - b);
    emit("hook_policy_decision_p50_ms", round(percentile(ms, 50), 1), "ms");
    emit("hook_policy_decision_p95_ms", round(percentile(ms, 95), 1), "ms");
    emit("hook_floor_p50_ms", round(percentile(floor, 50), 1), "ms");
    emit("hook_floor_p95_ms", round(percentile(floor, 95), 1), "ms");
    const viaJs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) viaJs.push((await runHook(server, stateDir, 500 + i, false, GATEHOUSE_BIN)).ms);
    emit("hook_via_gatehouse_js_p95_ms", round(percentile(viaJs.sort((a, b) => a - b), 95), 1), "ms");
    const usage: [number, number][] = [];
    for (let i = 0; i < USAGE_RUNS; i++) {
      const sample = await runHook(server, stateDir, 1000 + i, true);
      if (sample.usage) usage.push(sample.usage);
    }
    emit("hook_rss_mb", round(Math.max(...usage.map(([kb]) => kb)) / 1024, 1), "MB");
    emit("hook_cpu_ms_p50", round(percentile(usage.map(([, us]) => us / 1000).sort((a, b) => a - b), 50), 1), "ms");
  } finally {
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  }
};

export default hook;
