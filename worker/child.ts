// One worker process: claims and runs messages until told to stop. Runs as the bundle that
// worker/bundle.ts builds, started by the supervisor (worker/supervisor.ts) with its command-line
// options; see worker/child.cjs.
import { config } from "../lib/config";
import { openDb } from "../lib/db/client";
import { newId } from "../lib/ids";
import { HEARTBEAT_MS } from "../lib/queue/lease";
import { heartbeat, markWorkerStopped, registerWorker } from "../lib/queue/workers";
import { handlers as builtIn } from "./actors";
import type { Handlers } from "./handler";
import { log } from "./log";
import { WorkerLoop } from "./loop";
import { startMaintenance } from "./maintenance";
import { parseWorkerArgs } from "./options";

function main(extra: readonly Handlers[]): void {
  const opts = parseWorkerArgs(process.argv.slice(2));
  const settings = config();
  const db = openDb(settings.GATEHOUSE_DB);
  const handlers = extra.reduce<Handlers>((all, more) => ({ ...all, ...more }), builtIn);
  const id = newId();
  registerWorker(db, { id, queues: opts.queues, actors: Object.keys(handlers).sort(), concurrency: opts.concurrency });

  const loop = new WorkerLoop({
    db,
    workerId: id,
    handlers,
    queues: opts.queues.length ? opts.queues : undefined,
    concurrency: opts.concurrency,
    groupLimit: settings.GATEHOUSE_SESSION_CONCURRENCY,
    pollMs: settings.GATEHOUSE_WAKE_POLL_MS,
  });
  // The heartbeat also extends the leases of running messages, so it keeps beating while stopping.
  const beat = setInterval(() => {
    try {
      heartbeat(db, id, loop.stats());
    } catch (err) {
      log.error("heartbeat failed", err);
    }
  }, HEARTBEAT_MS);
  const stopMaintenance = startMaintenance(db);
  loop.start();
  log.info(`ready: worker ${id}, queues ${opts.queues.join(",") || "*"}, concurrency ${opts.concurrency}`);
  process.send?.({ type: "ready", workerId: id });

  let stopping = false;
  const shutdown = async (why: string) => {
    log.info(`stopping (${why}): finishing ${loop.stats().inFlight} in-flight message(s)`);
    stopMaintenance();
    await loop.stop(settings.GATEHOUSE_GRACE_MS);
    clearInterval(beat);
    markWorkerStopped(db, id, loop.stats());
    db.$client.close();
    log.info(`stopped after ${loop.stats().processed} message(s)`);
    process.exit(0);
  };
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    shutdown(why).catch((err: unknown) => {
      // Whatever it still holds comes back when its leases run out.
      log.error("stopping failed", err);
      process.exit(1);
    });
  };
  // Registered while still starting (this function is synchronous), so a stop request that
  // arrived meanwhile is handled here, after the start; see worker/child.cjs.
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // The supervisor went away (it was killed): do not run on as an orphan.
  process.on("disconnect", () => stop("supervisor gone"));
  // SIGHUP is the supervisor's (a rolling restart); a terminal hang-up must not kill a worker mid-run.
  process.on("SIGHUP", () => {});
}

/** Starts this worker process with the built-in handlers and `extra` ones (the --handlers modules'). */
export function runWorker(extra: readonly Handlers[]): void {
  try {
    main(extra);
  } catch (err) {
    log.error("worker failed to start", err);
    process.exit(1);
  }
}
