// Housekeeping of the jobs that execute_approved_command starts: commands orphaned by a dead
// worker are stopped, and job directories are kept as long as finished queue messages.
import { config } from "../lib/config";
import { sweepJobDirs } from "../lib/requests/job-dirs";
import { stopOrphanedJobs } from "../lib/requests/orphan-jobs";
import { tmuxFromConfig } from "../lib/tmux/client";
import { jobsRoot } from "../lib/tmux/paths";
import { log } from "./log";
import { registerMaintenance } from "./maintenance";

let stopping = false;

registerMaintenance({
  name: "stop orphaned commands",
  everyMs: 5_000,
  run(db) {
    // tmux calls are asynchronous; one sweep at a time per process.
    if (stopping) return;
    stopping = true;
    stopOrphanedJobs(db, tmuxFromConfig(), jobsRoot())
      .then((ids) => {
        if (ids.length) log.warn(`stopped the commands of requests ${ids.join(", ")}: no worker was recording them`);
      })
      .catch((err: unknown) => log.error("stopping orphaned commands failed", err))
      .finally(() => (stopping = false));
  },
});

registerMaintenance({
  name: "remove old job directories",
  everyMs: 60_000,
  run(db, now) {
    const settings = config();
    const n = sweepJobDirs(db, { root: jobsRoot(settings), retentionMs: settings.GATEHOUSE_DONE_RETENTION_HOURS * 3600_000, now });
    if (n) log.info(`removed ${n} old job director${n === 1 ? "y" : "ies"}`);
  },
});
