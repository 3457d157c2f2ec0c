import { existsSync } from "node:fs";
import path from "node:path";
import type { Store } from "../db/store";
import type { Tmux } from "../tmux/client";
import { isTmuxError } from "../tmux/errors";
import { jobFiles } from "../tmux/output";
import { killJobProcesses } from "../tmux/job-processes";

interface JobWindow {
  requestId: string;
  panePid: number;
}

/** Live job windows (`job-ID`) on the server whose pane runs Gatehouse's wrapper on ID's job directory. */
async function jobWindows(tmux: Tmux, jobsRoot: string): Promise<JobWindow[]> {
  let out: string;
  try {
    out = await tmux.exec(["list-windows", "-a", "-F", "#{pane_dead}\t#{pane_pid}\t#{window_name}\t#{pane_start_command}"]);
  } catch (e) {
    if (isTmuxError(e, "no_server")) return [];
    throw e;
  }
  const windows: JobWindow[] = [];
  for (const line of out.split("\n")) {
    const [dead, pid, name = "", ...start] = line.split("\t");
    if (dead !== "0" || !name.startsWith("job-")) continue;
    const requestId = name.slice(4);
    // An agent's own window may be called job-something: only our wrapper on our job directory counts.
    if (!start.join("\t").includes(path.join(jobsRoot, requestId))) continue;
    windows.push({ requestId, panePid: Number(pid) });
  }
  return windows;
}

/**
 * Stops commands that run on with no worker to record them: job windows whose request is no longer
 * `running` and whose command has not written its exit code. That is what a worker killed
 * mid-command leaves behind once its lease ran out and the request went `dead` as interrupted; if
 * the command ran on, a person requeuing the request would have it run twice at once. (A kept
 * window of a finished job has its exit code and is left alone.) Returns the requests whose
 * commands were stopped.
 */
export function stopOrphanedJobs(store: Store, tmux: Tmux, jobsRoot: string): Promise<string[]> {
  return stopUnrecordedJobs(tmux, jobsRoot, async (ids) => new Set(await store.idsWithStatus(ids, ["running"])));
}

/**
 * Stops the job windows under `jobsRoot` that have not written their exit code, except those whose
 * request ids `recorded` keeps (someone is waiting to record them). A runner that starts keeps
 * none: whatever an earlier run of it left running has no one to record it.
 */
export async function stopUnrecordedJobs(tmux: Tmux, jobsRoot: string, recorded: (ids: string[]) => Promise<Set<string>>): Promise<string[]> {
  // No job ever ran here: no tmux call (workers of other queues, tests and benchmarks of the queue).
  if (!existsSync(jobsRoot)) return [];
  const windows = await jobWindows(tmux, jobsRoot);
  if (!windows.length) return [];
  const running = await recorded(windows.map((w) => w.requestId));
  const stopped: string[] = [];
  for (const w of windows) {
    if (running.has(w.requestId) || existsSync(jobFiles(path.join(jobsRoot, w.requestId)).exit)) continue;
    // The pane's first process leads the job's process group; without it the window closes.
    await killJobProcesses(w.panePid, path.join(jobsRoot, w.requestId), 0);
    stopped.push(w.requestId);
  }
  return stopped;
}
