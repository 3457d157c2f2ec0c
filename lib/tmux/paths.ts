import path from "node:path";
import { config, type Config } from "@/lib/config";

/** Where job directories live: GATEHOUSE_JOBS_DIR, or jobs/ next to the database. */
export function jobsRoot(cfg: Config = config()): string {
  return path.resolve(cfg.GATEHOUSE_JOBS_DIR ?? path.join(path.dirname(path.resolve(cfg.GATEHOUSE_DB)), "jobs"));
}

/** One request's job directory (command, output, exit code); its name is the window's `job-ID`. */
export function jobDirFor(requestId: string, cfg: Config = config()): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(requestId)) throw new Error(`Invalid request id for a job directory: ${requestId}`);
  return path.join(jobsRoot(cfg), requestId);
}

/** Where the per-session inbox files live: inbox/ next to the database. */
export function inboxRoot(cfg: Config = config()): string {
  return path.join(path.dirname(path.resolve(cfg.GATEHOUSE_DB)), "inbox");
}
