// Entry of a worker process (forked by worker/supervisor.ts). It runs the TypeScript through
// tsx's require hook rather than its ESM loader, whose hooks thread costs ~20 MB of RSS per
// process, and without esbuild's worker thread (another ~10 MB); transforms are cached on disk.
process.env.ESBUILD_WORKER_THREADS = "0";

// While loading, the worker holds nothing: a stop request then just ends it, cleanly (without a
// handler, SIGTERM would kill it and the supervisor would report a failure).
const exitNow = () => process.exit(0);
process.on("SIGTERM", exitNow).on("SIGINT", exitNow);
require("tsx/cjs");
require("./child.ts"); // starts the worker synchronously, with its own signal handlers
process.off("SIGTERM", exitNow).off("SIGINT", exitNow);
