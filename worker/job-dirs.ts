// Job directories (lib/tmux/paths) are kept as long as finished queue messages, then removed.
import { config } from "../lib/config";
import { sweepJobDirs } from "../lib/requests/job-dirs";
import { jobsRoot } from "../lib/tmux/paths";
import { log } from "./log";
import { registerMaintenance } from "./maintenance";

registerMaintenance({
  name: "remove old job directories",
  everyMs: 60_000,
  run(db, now) {
    const settings = config();
    const n = sweepJobDirs(db, { root: jobsRoot(settings), retentionMs: settings.GATEHOUSE_DONE_RETENTION_HOURS * 3600_000, now });
    if (n) log.info(`removed ${n} old job director${n === 1 ? "y" : "ies"}`);
  },
});
