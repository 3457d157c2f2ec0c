import path from "node:path";
import { config, type Config } from "@/lib/config";

/** The folder that holds the database file. */
function dataDir(cfg: Config): string {
  // A run-time path from the settings: tell Next's build tracer not to bundle the whole project.
  return path.dirname(path.resolve(/*turbopackIgnore: true*/ cfg.GATEHOUSE_DB));
}

/** Where job directories live: GATEHOUSE_JOBS_DIR, or jobs/ next to the database. */
export function jobsRoot(cfg: Config = config()): string {
  return path.resolve(/*turbopackIgnore: true*/ cfg.GATEHOUSE_JOBS_DIR ?? path.join(dataDir(cfg), "jobs"));
}

/** One request's job directory (command, output, exit code); its name is the window's `job-ID`. */
export function jobDirFor(requestId: string, cfg: Config = config()): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(requestId)) throw new Error(`Invalid request id for a job directory: ${requestId}`);
  return path.join(jobsRoot(cfg), requestId);
}

/** Where the per-session inbox files live: inbox/ next to the database. */
export function inboxRoot(cfg: Config = config()): string {
  return path.join(dataDir(cfg), "inbox");
}
