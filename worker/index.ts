// `npm run worker`: the supervisor of the worker processes. See worker/options.ts for the options.
import { log } from "./log";
import { parseWorkerArgs, USAGE } from "./options";
import { Supervisor } from "./supervisor";

const argv = process.argv.slice(2);
try {
  const opts = parseWorkerArgs(argv);
  new Supervisor(opts.processes, argv).start();
} catch (err) {
  log.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
}
