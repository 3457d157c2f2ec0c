// Entry of a worker process. The supervisor (worker/supervisor.ts) starts it with
// GATEHOUSE_WORKER_BUNDLE, the path of the worker's code built into one file (worker/bundle.ts),
// so nothing is compiled here. Started without it (a test's lone worker process), it has the
// bundle built first, as worker/bundle.ts does.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const bundle = process.env.GATEHOUSE_WORKER_BUNDLE;
delete process.env.GATEHOUSE_WORKER_BUNDLE; // not for the commands it runs

// While loading, the worker holds nothing: a stop request then just ends it, cleanly (without a
// handler, SIGTERM would kill it and the supervisor would report a failure).
const exitNow = () => process.exit(0);
process.on("SIGTERM", exitNow).on("SIGINT", exitNow);

function run(file) {
  require(file); // starts the worker synchronously, with its own signal handlers
  process.off("SIGTERM", exitNow).off("SIGINT", exitNow);
}

if (bundle) {
  run(bundle);
} else {
  const build = [path.join(__dirname, "build-bundle.ts"), ...process.argv.slice(2)];
  try {
    run(execFileSync(process.execPath, ["--import", "tsx", ...build], { cwd: path.join(__dirname, ".."), encoding: "utf8", stdio: "pipe" }));
  } catch (err) {
    console.error(`gatehouse worker[${process.pid}] error the worker's code does not build: ${err.stderr || err.message}`);
    process.exit(1);
  }
}
