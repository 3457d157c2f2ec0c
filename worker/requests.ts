// The request lifecycle's part in every worker process: requests follow their execution messages
// into the dead letters (and back to `queued` on a retry), and pending requests expire on time.
import { expirePending } from "../lib/requests/lifecycle";
import { registerRequestQueueHooks } from "../lib/requests/queue-hooks";
import { log } from "./log";
import { registerMaintenance } from "./maintenance";

registerRequestQueueHooks();

registerMaintenance({
  name: "expire pending requests",
  everyMs: 5_000,
  async run(store, now) {
    const n = await expirePending(store, now);
    if (n) log.info(`expired ${n} pending request${n === 1 ? "" : "s"} that had no decision in time`);
  },
});
