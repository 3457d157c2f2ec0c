/**
 * The runner group of `npm run bench`: two runners on this machine standing for two agent hosts
 * (each its own private tmux server and data directory, `gatehouse runner` as a real process),
 * the real web app (`next start`) on a temp SQLite database, approvals made in this process.
 *
 * - runner_approve_to_start_p50_ms / _p95_ms: a supervisor's approval (approveRequest) → the
 *   command's own first instruction in the runner's tmux (it stamps $EPOCHREALTIME). Between them:
 *   the commit, the web server noticing it, the runner's held claim answered, the guarded
 *   queued → running write, the HTTP answer, the job files, new-window and the wrapper.
 * - runner_commands_per_s: `true` commands approved at once across 2 runners × 4 sessions
 *   (one command at a time per session, each runner --concurrency 4), from the first approval to
 *   the last result recorded.
 * - runner_cpu_ms_per_command: the CPU this whole machine spent per command of that batch (from
 *   /proc/stat: the runners, the web server, tmux, the commands' shells, this process). The batch
 *   is CPU-bound here, so it is what commands/s comes down to, and it drifts less between runs.
 *   The share of the runners, the web server and this process is noted on stderr, and how many
 *   of the batch's notices (approved, finished) were still waiting when its last command finished.
 * - runner_idle_cpu_pct: % of one core each connected, idle runner uses over 10 s (the higher).
 * - runner_rss_mb: resident memory of a runner after that work (the higher).
 */
import { readFile } from "node:fs/promises";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createAgent, type AgentIdentity } from "../lib/auth/agents";
import { createRunner } from "../lib/auth/runners";
import type { UserIdentity } from "../lib/auth/users";
import type { Store } from "../lib/db/store";
import { approveRequest, getRequest } from "../lib/requests/lifecycle";
import { submitRequest } from "../lib/requests/submit";
import { ensureBuild, startApp } from "../tests/support/next-server";
import { runnerHost, type RunnerHost } from "../tests/support/runner-process";
import { tempDb } from "../tests/support/temp-db";
import { percentile, round, type BenchGroup } from "./support/figures";

const WARMUP = 10;
const SAMPLES = 100;
const PER_SESSION = 40;
const IDLE_MS = 10_000;
const supervisor: UserIdentity = { id: "bench", name: "bench", role: "supervisor" };

/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** CPU time this machine has spent busy (not idle or waiting on I/O), in ms. */
async function machineBusyMs(): Promise<number> {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) * 10;
}

async function rssMb(pid: number): Promise<number> {
  const kb = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

const UNFINISHED = ["pending", "queued", "running"] as const;

/**
 * Waits until none of `ids` is pending, queued or running. Checks every 5 ms while one request is
 * awaited (the latency samples), every 25 ms for a batch. A batch is watched through the dashboard's
 * status counts (kept by triggers: one small read), as every request of this database is the
 * bench's: reading the statuses of hundreds of requests every 25 ms cost ~1 ms of CPU per command
 * on the machine it measures.
 */
async function waitFor(store: Store, ids: readonly string[]): Promise<void> {
  const unfinished = async () =>
    ids.length > 1
      ? (await store.statusCounts()).some((c) => (UNFINISHED as readonly string[]).includes(c.key) && c.n > 0)
      : (await store.idsWithStatus(ids, [...UNFINISHED])).length > 0;
  while (await unfinished()) await sleep(ids.length > 1 ? 25 : 5);
  const bad = (await store.statuses(ids)).filter((s) => s.status !== "succeeded");
  if (bad.length) throw new Error(`bench: ${bad.length} command(s) did not succeed, e.g. ${JSON.stringify(await getRequest(store, bad[0]!.id))}`);
}

async function submitApproved(store: Store, agent: AgentIdentity, session: string, command: string, cwd: string) {
  const { request } = await submitRequest(store, agent, { session, command, cwd, priority: "NORMAL", autoApprove: false });
  return request.id;
}

const runnerBench: BenchGroup = async (emit) => {
  await ensureBuild();
  const t = tempDb("gh-bench-runner-");
  const root = mkdtempSync(path.join(os.tmpdir(), "gh-bench-hosts-"));
  const sessions = { a: [0, 1, 2, 3].map((i) => `bench-a-${i}`), b: [0, 1, 2, 3].map((i) => `bench-b-${i}`) };
  const hosts: RunnerHost[] = [];
  const app = await startApp({ ...t.env, GATEHOUSE_TMUX_SOCKET: `gh-bench-none-${process.pid}` });
  try {
    const agent = (await createAgent(t.store, { id: "bench-agent", sessions: [...sessions.a, ...sessions.b] })).agent;
    for (const [name, list] of Object.entries(sessions)) {
      const host = await runnerHost(`host-${name}`, list, root);
      hosts.push(host);
      const { token } = await createRunner(t.store, { id: `host-${name}`, sessions: list });
      await host.start(app.url, token, { args: ["--concurrency", "4"] });
    }
    const [a] = hosts;
    if (!a) throw new Error("no host");
    const cwd = a.server.dir;

    const latencies: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const id = await submitApproved(t.store, agent, sessions.a[0]!, "echo $EPOCHREALTIME", cwd);
      const approvedAt = performance.timeOrigin + performance.now(); // wall clock, as bash sees it
      await approveRequest(t.store, id, supervisor);
      await waitFor(t.store, [id]);
      const row = await getRequest(t.store, id);
      if (i >= WARMUP) latencies.push(Number(row?.output?.trim()) * 1000 - approvedAt);
    }
    latencies.sort((x, y) => x - y);
    emit("runner_approve_to_start_p50_ms", round(percentile(latencies, 50)), "ms");
    emit("runner_approve_to_start_p95_ms", round(percentile(latencies, 95)), "ms");

    const ids: string[] = [];
    for (let i = 0; i < PER_SESSION; i++) {
      for (const s of [...sessions.a, ...sessions.b]) ids.push(await submitApproved(t.store, agent, s, "true", cwd));
    }
    const shares = { runners: hosts.map((h) => h.proc?.pid ?? 0), web: [app.child.pid ?? 0], bench: [process.pid] };
    const cpuNow = async () => {
      const ms: Record<string, number> = { machine: await machineBusyMs() };
      for (const [share, pids] of Object.entries(shares)) ms[share] = (await Promise.all(pids.map(cpuMs))).reduce((x, y) => x + y, 0);
      return ms;
    };
    const cpu0 = await cpuNow();
    const t0 = performance.now();
    for (const id of ids) await approveRequest(t.store, id, supervisor);
    await waitFor(t.store, ids);
    emit("runner_commands_per_s", round(ids.length / ((performance.now() - t0) / 1000), 1), "commands/s");
    const cpu1 = await cpuNow();
    const perCommand = (share: string) => round(((cpu1[share] ?? 0) - (cpu0[share] ?? 0)) / ids.length, 1);
    emit("runner_cpu_ms_per_command", perCommand("machine"), "ms");
    console.error(`bench: CPU per command: runners ${perCommand("runners")} ms, web server ${perCommand("web")} ms, bench ${perCommand("bench")} ms`);
    // Notices are not in the figure: this says whether they kept up with the commands.
    const notices = (await t.store.queueCounts()).find((q) => q.queue === "notifications");
    console.error(`bench: when the last command had finished, ${notices?.ready ?? 0} notices were waiting and ${notices?.leased ?? 0} on their way`);

    // Idle: the notices of the last commands delivered too, nothing left to do.
    for (;;) {
      const counts = await t.store.queueCounts();
      if (counts.every((q) => q.ready === 0 && q.leased === 0)) break;
      await sleep(50);
    }
    await sleep(1_000);
    const pids = hosts.map((h) => h.proc?.pid ?? 0);
    const before = await Promise.all(pids.map(cpuMs));
    await sleep(IDLE_MS);
    const after = await Promise.all(pids.map(cpuMs));
    emit("runner_idle_cpu_pct", round(Math.max(...after.map((c, i) => ((c - before[i]!) / IDLE_MS) * 100))), "%");
    emit("runner_rss_mb", round(Math.max(...(await Promise.all(pids.map(rssMb)))), 1), "MB");
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    await app.stop();
    await t.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
};

export default runnerBench;
