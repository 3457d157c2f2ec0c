#!/usr/bin/env node
// The `gatehouse` command. It runs the prebuilt bundle of the CLI (bin/cli-bundle.cjs) because
// `gatehouse hook` runs before every command an agent runs and tsx alone costs ~0.4 s of start;
// without a bundle (it cannot be built, or GATEHOUSE_CLI_FROM_SOURCE=1) it runs the TypeScript
// through tsx. `gatehouse runner` (not `runner add`), long-lived on every agent host, runs a bundle
// of its own built at its start (scripts/build-runner.ts): without the rest of the CLI it holds far
// less memory.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);

async function runRunner() {
  const { execFileSync } = await import("node:child_process");
  const root = new URL("..", import.meta.url).pathname;
  let bundle;
  try {
    bundle = execFileSync(process.execPath, ["--import", "tsx", "scripts/build-runner.ts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    process.stderr.write(`gatehouse: the runner's code does not build: ${err.stderr || err.message}\n`);
    process.exit(1);
  }
  return require(bundle).runnerMain(argv.slice(1));
}

async function loadMain(bundle) {
  if (bundle !== undefined) return (await import(pathToFileURL(bundle.main).href)).main;
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname }); // its "@/" paths, from any directory
  return (await import("../lib/cli/main.ts")).main;
}

if (argv[0] === "runner" && argv[1] !== "add") {
  process.exitCode = await runRunner();
} else {
  const bundle = require("./cli-bundle.cjs").cliBundle(argv[0] === "hook");
  if (argv[0] === "hook" && bundle !== undefined) {
    // The hook's own one-file bundle: it needs nothing of the rest of the CLI.
    process.exitCode = await require(bundle.hook).runHook(argv.slice(1));
  } else {
    process.exitCode = await (await loadMain(bundle))(argv);
  }
}
