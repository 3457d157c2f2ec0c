import { readdirSync, readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { exists, isRunning } from "./process-group";

/**
 * The environment variable that marks every process of a job: wrapper.sh exports it (the job's
 * directory, unique per job and per installation) and every process the command starts inherits
 * it, even one that left the job's process group with `setsid` or a daemon's double fork.
 */
export const JOB_MARKER = "GATEHOUSE_JOB";

/** Most rounds of "find marked processes, kill them": each round can only meet forks of the last. */
const MAX_SWEEPS = 20;

const myUid = process.getuid?.() ?? -1;

/**
 * Live processes of this user whose environment carries `GATEHOUSE_JOB=<jobDir>` (Linux /proc).
 * Zombies have no readable environment and are left to their parents.
 */
export function markedProcesses(jobDir: string): number[] {
  const needle = Buffer.from(`\0${JOB_MARKER}=${jobDir}\0`);
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      // Same user only: never signal another user's process, whatever its environment says.
      if (statSync(`/proc/${name}`).uid !== myUid) continue;
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${name}/environ`)]);
      if (environ.includes(needle)) found.push(pid);
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Ends every process a job started: its process group (the wrapper leads it) and every process
 * carrying the job's marker, which finds those that left the group (`setsid cmd &`, daemons).
 * SIGTERM to all, then SIGKILL after `graceMs` (or as soon as all are gone), repeated until no
 * marked process is left, since one may fork between a look and the kill.
 */
export async function killJobProcesses(pgid: number, jobDir: string, graceMs = 500): Promise<void> {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Refusing to signal process group ${pgid}`);
  const groupLeft = () => exists(-pgid);
  signal(-pgid, "SIGTERM");
  for (const pid of markedProcesses(jobDir)) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  // Zombies still count as group members until reaped, so an empty-looking group may take the full grace.
  while (Date.now() < deadline && (groupLeft() || markedProcesses(jobDir).some(isRunning))) await sleep(20);
  signal(-pgid, "SIGKILL");
  for (let round = 0; round < MAX_SWEEPS; round++) {
    const marked = markedProcesses(jobDir).filter(isRunning);
    if (!marked.length) return;
    for (const pid of marked) signal(pid, "SIGKILL");
    await sleep(10);
  }
}
