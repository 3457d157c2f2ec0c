#!/usr/bin/env node
// The `gatehouse` command. It runs the prebuilt bundle of the CLI (bin/cli-bundle.cjs) because
// `gatehouse hook` runs before every command an agent runs and tsx alone costs ~0.4 s of start;
// without a bundle (it cannot be built, or GATEHOUSE_CLI_FROM_SOURCE=1) it runs the TypeScript
// through tsx.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const bundle = require("./cli-bundle.cjs").cliBundle();

async function loadMain() {
  if (bundle !== undefined) return (await import(pathToFileURL(bundle.main).href)).main;
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname }); // its "@/" paths, from any directory
  return (await import("../lib/cli/main.ts")).main;
}

const argv = process.argv.slice(2);
if (argv[0] === "hook" && bundle !== undefined) {
  // The hook's own one-file bundle: it needs nothing of the rest of the CLI.
  process.exitCode = await require(bundle.hook).runHook(argv.slice(1));
} else {
  process.exitCode = await (await loadMain())(argv);
}
