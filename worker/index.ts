// `npm run worker`: the supervisor of the worker processes. See worker/options.ts for the options.
import { log } from "./log";
import { parseWorkerArgs, USAGE, type WorkerOptions } from "./options";
import { Supervisor } from "./supervisor";

const argv = process.argv.slice(2);

function options(): WorkerOptions {
  try {
    return parseWorkerArgs(argv);
  } catch (err) {
    log.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
new Supervisor(opts.processes, argv).start().catch((err: unknown) => {
  log.error("the worker's code does not build", err);
  process.exit(1);
});
