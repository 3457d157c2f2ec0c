// Housekeeping of the jobs that execute_approved_command starts: commands orphaned by a dead
// worker are stopped, and job directories are kept as long as finished queue messages.
import { config } from "../lib/config";
import { sweepEndedJobDirs } from "../lib/requests/job-dirs";
import { stopOrphanedJobs } from "../lib/requests/orphan-jobs";
import { tmuxFromConfig } from "../lib/tmux/client";
import { jobsRoot } from "../lib/tmux/paths";
import { log } from "./log";
import { registerMaintenance } from "./maintenance";

registerMaintenance({
  name: "stop orphaned commands",
  everyMs: 5_000,
  async run(store) {
    const ids = await stopOrphanedJobs(store, tmuxFromConfig(), jobsRoot());
    if (ids.length) log.warn(`stopped the commands of requests ${ids.join(", ")}: no worker was recording them`);
  },
});

registerMaintenance({
  name: "remove old job directories",
  everyMs: 60_000,
  async run(store, now) {
    const settings = config();
    const n = await sweepEndedJobDirs(store, { root: jobsRoot(settings), retentionMs: settings.GATEHOUSE_DONE_RETENTION_HOURS * 3600_000, now });
    if (n) log.info(`removed ${n} old job director${n === 1 ? "y" : "ies"}`);
  },
});
