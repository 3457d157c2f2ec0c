import type { QueueStore } from "../store";
import type { Pg } from "./client";
import { completeAndClaim, nextDueAt } from "./queue/claim";
import { completeMany, completeWith } from "./queue/complete";
import { deadLetter, discardDead, listDead, requeueDead } from "./queue/dead";
import { insertMessages } from "./queue/enqueue";
import { fail } from "./queue/fail";
import { prune } from "./queue/prune";
import { reclaim } from "./queue/reclaim";
import { release } from "./queue/release";
import { claimVacuum } from "./queue/vacuum";
import { watchForWork } from "./queue/wake";
import { heartbeat, listWorkers, markWorkerStopped, registerWorker } from "./queue/workers";

/** The queue half of the PostgreSQL store: each method one transaction (or one statement). */
export function queueStore(pg: Pg): QueueStore {
  const vacuum = claimVacuum(pg, (err) => console.error("gatehouse: VACUUM of the messages table failed:", err));
  return {
    claimLanes: 2,
    enqueue: (messages) => insertMessages(pg, messages),
    completeAndClaim: async (finished, claim) => {
      const result = await completeAndClaim(pg, finished, claim);
      void vacuum.claimed(result.claimed.length); // in the background: no claim waits for it
      return result;
    },
    nextDueAt: (now) => nextDueAt(pg, now),
    completeMany: (leases, now) => completeMany(pg, leases, now),
    completeWith: (lease, plans, now) => completeWith(pg, lease, plans, now),
    fail: (lease, params, react) => fail(pg, lease, params, react),
    deadLetter: (lease, reason, error, now, react) => deadLetter(pg, lease, reason, error, now, react),
    release: (leases, now, react) => release(pg, leases, now, react),
    reclaim: (now, limit, react) => reclaim(pg, now, limit, react),
    requeueDead: (id, now, react) => requeueDead(pg, id, now, react),
    discardDead: (id, now, react) => discardDead(pg, id, now, react),
    listDead: (query) => listDead(pg, query),
    prune: (params) => prune(pg, params),
    registerWorker: (worker) => registerWorker(pg, worker),
    heartbeat: (id, counters, now, leaseMs) => heartbeat(pg, id, counters, now, leaseMs),
    markWorkerStopped: (id, counters, now) => markWorkerStopped(pg, id, counters, now),
    listWorkers: (since) => listWorkers(pg, since),
    watchForWork: (opts) => watchForWork(pg, opts),
  };
}
