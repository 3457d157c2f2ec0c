// One worker process: claims and runs messages until told to stop. Runs as the bundle that
// worker/bundle.ts builds, started by the supervisor (worker/supervisor.ts) with its command-line
// options; see worker/child.cjs.
import { config } from "../lib/config";
import { openStore } from "../lib/db/open";
import { newId } from "../lib/ids";
import { HEARTBEAT_MS } from "../lib/queue/lease";
import { heartbeat, markWorkerStopped, registerWorker } from "../lib/queue/workers";
import { handlers as builtIn } from "./actors";
import type { Handlers } from "./handler";
import { log } from "./log";
import { WorkerLoop } from "./loop";
import { startMaintenance } from "./maintenance";
import { parseWorkerArgs } from "./options";

async function main(extra: readonly Handlers[]): Promise<void> {
  const opts = parseWorkerArgs(process.argv.slice(2));
  const settings = config();
  // A stop request that arrives while the store opens is kept and handled once started.
  let stopRequest: string | undefined;
  const early = { SIGTERM: () => (stopRequest ??= "SIGTERM"), SIGINT: () => (stopRequest ??= "SIGINT") };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, early[signal]);
  const store = await openStore(settings, { draining: true });
  const handlers = extra.reduce<Handlers>((all, more) => ({ ...all, ...more }), builtIn);
  const id = newId();
  await registerWorker(store, { id, queues: opts.queues, actors: Object.keys(handlers).sort(), concurrency: opts.concurrency });

  const loop = new WorkerLoop({
    store,
    workerId: id,
    handlers,
    queues: opts.queues.length ? opts.queues : undefined,
    concurrency: opts.concurrency,
    groupLimit: settings.GATEHOUSE_SESSION_CONCURRENCY,
    pollMs: settings.GATEHOUSE_WAKE_POLL_MS,
  });
  // The heartbeat also extends the leases of running messages, so it keeps beating while stopping.
  const beat = setInterval(() => {
    heartbeat(store, id, loop.stats()).catch((err: unknown) => log.error("heartbeat failed", err));
  }, HEARTBEAT_MS);
  const stopMaintenance = startMaintenance(store);
  loop.start();
  log.info(`ready: worker ${id}, queues ${opts.queues.join(",") || "*"}, concurrency ${opts.concurrency}`);
  process.send?.({ type: "ready", workerId: id });

  let stopping = false;
  const shutdown = async (why: string) => {
    log.info(`stopping (${why}): finishing ${loop.stats().inFlight} in-flight message(s)`);
    stopMaintenance();
    await loop.stop(settings.GATEHOUSE_GRACE_MS);
    clearInterval(beat);
    await markWorkerStopped(store, id, loop.stats());
    await store.close();
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
  // The real handlers go on before the early ones come off: with no listener in between, Node
  // would close its signal handle and drop a signal still on its way.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => stop(signal));
    process.off(signal, early[signal]);
  }
  if (stopRequest) stop(stopRequest);
  // The supervisor went away (it was killed): do not run on as an orphan.
  process.on("disconnect", () => stop("supervisor gone"));
  // SIGHUP is the supervisor's (a rolling restart); a terminal hang-up must not kill a worker mid-run.
  process.on("SIGHUP", () => {});
}

/** Starts this worker process with the built-in handlers and `extra` ones (the --handlers modules'). */
export function runWorker(extra: readonly Handlers[]): void {
  main(extra).catch((err: unknown) => {
    log.error("worker failed to start", err);
    process.exit(1);
  });
}
