#!/usr/bin/env node
// `gatehouse hook` as one executable path, for agents' settings files: e.g.
// "command": "/path/to/gatehouse/bin/gatehouse-hook.cjs --tools Bash". CommonJS, and straight to
// the hook's one-file bundle, because it starts before every command an agent runs.
const bundle = require("./cli-bundle.cjs").cliBundle(true);
if (bundle !== undefined) {
  require(bundle.hook)
    .runHook(process.argv.slice(2))
    .then((code) => (process.exitCode = code));
} else {
  process.argv.splice(2, 0, "hook");
  import("./gatehouse.js");
}
