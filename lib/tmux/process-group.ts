import { readFileSync } from "node:fs";

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
