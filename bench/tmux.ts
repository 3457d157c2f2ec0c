/**
 * The tmux group of `npm run bench`: what running a command in a tmux window costs, on a private
 * tmux server (`-L gh-bench-<random> -f /dev/null`) that is killed afterwards.
 *
 * - tmux_commands_per_s: trivial commands (`true`) completed per second, 8 sessions each running
 *   one command at a time (the worker's per-session serialization), all 8 at once, for 5 s.
 * - tmux_cpu_ms_per_job: CPU time (user + system) of this process, the tmux server and every
 *   process they reaped (tmux clients, wrappers, commands) per job of that run. It moves little
 *   when other work shares the machine, unlike the wall-clock figures.
 * - tmux_job_p50_ms / _p95_ms: one whole runCommand of `true` (write the job files, new-window,
 *   wrapper, command, exit code, read the output) on an otherwise idle server.
 * - tmux_start_p50_ms / _p95_ms: runCommand called → the command's first instruction running
 *   (the command stamps $EPOCHREALTIME itself): the tmux share of approve → start.
 *
 * - approve_to_start_p50_ms / _p95_ms: a supervisor's approval → the command's first instruction,
 *   through a real worker process (bench/support/approve-to-start.ts).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Tmux } from "../lib/tmux/client";
import { runCommand } from "../lib/tmux/runner";
import { approveToStart } from "./support/approve-to-start";
import { percentile, round, type BenchGroup } from "./support/figures";

const SESSIONS = 8;
const THROUGHPUT_MS = 5_000;
const SAMPLES = 200;

/** utime + stime + cutime + cstime of a process, in ms (clock ticks are 10 ms on Linux). */
async function cpuMs(pid: number | "self"): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) * 10;
}

/** Milliseconds from calling runCommand to the command's own first instruction. */
export async function startLatencyMs(tmux: Tmux, session: string, jobDir: string, cwd: string): Promise<number> {
  const calledAt = performance.timeOrigin + performance.now(); // wall clock, as bash sees it
  const r = await runCommand(tmux, session, { command: "echo $EPOCHREALTIME", cwd, timeoutMs: 10_000, jobDir, keepWindow: false });
  return Number(r.output.trim()) * 1000 - calledAt;
}

const tmuxBench: BenchGroup = async (emit) => {
  const tmux = new Tmux({ socket: `gh-bench-${randomBytes(6).toString("hex")}`, configFile: "/dev/null" });
  const dir = await mkdtemp(path.join(os.tmpdir(), "gh-bench-tmux-"));
  const run = (session: string, job: string) =>
    runCommand(tmux, session, { command: "true", cwd: dir, timeoutMs: 10_000, jobDir: path.join(dir, job), keepWindow: false });
  try {
    const sessions = Array.from({ length: SESSIONS }, (_, i) => `bench-${i}`);
    for (const s of sessions) await tmux.createSession(s, { cwd: dir });
    const first = sessions[0] ?? "bench-0";

    // Warm up: the first jobs pay for the page cache and the server's first windows.
    for (let i = 0; i < 20; i++) await run(first, `warm-${i}`);

    const serverPid = Number(await tmux.exec(["display-message", "-p", "#{pid}"]));
    const cpu0 = (await cpuMs("self")) + (await cpuMs(serverPid));
    let done = 0;
    const t0 = performance.now();
    const deadline = t0 + THROUGHPUT_MS;
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; performance.now() < deadline; i++) {
          await run(s, `${s}-${i}`);
          done++;
        }
      }),
    );
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = (await cpuMs("self")) + (await cpuMs(serverPid)) - cpu0;
    emit("tmux_commands_per_s", round(done / elapsedS, 1), "commands/s");
    emit("tmux_cpu_ms_per_job", round(cpu / done), "ms");

    const job: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t = performance.now();
      await run(first, `serial-${i}`);
      job.push(performance.now() - t);
    }
    job.sort((a, b) => a - b);
    emit("tmux_job_p50_ms", round(percentile(job, 50)), "ms");
    emit("tmux_job_p95_ms", round(percentile(job, 95)), "ms");

    const start: number[] = [];
    for (let i = 0; i < SAMPLES; i++) start.push(await startLatencyMs(tmux, first, path.join(dir, `start-${i}`), dir));
    start.sort((a, b) => a - b);
    emit("tmux_start_p50_ms", round(percentile(start, 50)), "ms");
    emit("tmux_start_p95_ms", round(percentile(start, 95)), "ms");

    await approveToStart(emit, tmux, dir);
  } finally {
    await tmux.killServer();
    await rm(dir, { recursive: true, force: true });
  }
};

export default tmuxBench;
