// Entry of a worker process (forked by worker/supervisor.ts). It runs the TypeScript through
// tsx's require hook rather than its ESM loader, whose hooks thread costs ~20 MB of RSS per
// process, and without esbuild's worker thread (another ~10 MB); transforms are cached on disk.
process.env.ESBUILD_WORKER_THREADS = "0";
require("tsx/cjs");
require("./child.ts");
