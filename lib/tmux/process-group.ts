import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether a process (or, with a negative id, any member of a process group) still exists. */
export function exists(pidOrNegativePgid: number): boolean {
  try {
    process.kill(pidOrNegativePgid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a process is alive and not a zombie waiting to be reaped (Linux /proc). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we want.
  }
}

/**
 * Ends every process in a job's process group: SIGTERM, then SIGKILL after `graceMs` (or at once
 * when the group empties earlier). SIGKILL is what stops a child that ignores SIGHUP and SIGTERM
 * and double-forks: it stays in the group, so the group signal still reaches it.
 */
export async function killProcessGroup(pgid: number, graceMs = 500): Promise<void> {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Refusing to signal process group ${pgid}`);
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  // Zombies still count as members until reaped, so an empty-looking group may take the full grace.
  while (Date.now() < deadline && exists(-pgid)) await sleep(20);
  signalGroup(pgid, "SIGKILL");
}
