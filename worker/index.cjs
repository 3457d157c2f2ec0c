// `npm run worker`: the supervisor (worker/index.ts), run through tsx's require hook: tsx's ESM
// loader alone would cost this otherwise idle process ~0.5% of a core and ~40 MB. (The worker
// processes it starts run a bundle instead: see worker/bundle.ts.)
process.env.ESBUILD_WORKER_THREADS = "0";
require("tsx/cjs");
require("./index.ts");
