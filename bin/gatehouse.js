#!/usr/bin/env node
// The `gatehouse` command. It loads the TypeScript CLI through tsx (a dependency), so there is no
// build step between a change and the command. `gatehouse runner` (not `runner add`), long-lived
// on every agent host, runs a bundle built at its start instead (scripts/build-runner.ts): without
// tsx and the rest of the CLI it holds far less memory.
const argv = process.argv.slice(2);
if (argv[0] === "runner" && argv[1] !== "add") {
  const { execFileSync } = await import("node:child_process");
  const { createRequire } = await import("node:module");
  const root = new URL("..", import.meta.url).pathname;
  let bundle;
  try {
    bundle = execFileSync(process.execPath, ["--import", "tsx", "scripts/build-runner.ts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    process.stderr.write(`gatehouse: the runner's code does not build: ${err.stderr || err.message}\n`);
    process.exit(1);
  }
  const { runnerMain } = createRequire(import.meta.url)(bundle);
  process.exitCode = await runnerMain(argv.slice(1));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../lib/cli/main.ts");
  process.exitCode = await main(argv);
}
