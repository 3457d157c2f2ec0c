// The prebuilt bundle of the CLI (scripts/build-cli.ts), for bin/gatehouse.js and
// bin/gatehouse-hook.cjs: used while every source that went into it is unchanged, rebuilt once
// when one changed. CommonJS, so that the hook's path to it needs no ES module loader.
const { readFileSync, statSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "gatehouse");

/** The bundle's files when it matches the sources (the hook's alone: `hookOnly`), else undefined. */
function fresh(hookOnly) {
  try {
    const manifest = JSON.parse(readFileSync(path.join(CACHE, "cli.json"), "utf8"));
    for (const [file, mtimeMs] of Object.entries(hookOnly ? manifest.hookInputs : manifest.inputs)) {
      if (statSync(path.join(ROOT, file)).mtimeMs !== mtimeMs) return undefined;
    }
    return { main: path.join(CACHE, manifest.entry), hook: path.join(CACHE, manifest.hook) };
  } catch {
    return undefined; // no bundle yet, or a source gone
  }
}

/**
 * The bundle's files ({main, hook}), built first if the sources changed (~1 s, once); undefined
 * when it cannot be built or GATEHOUSE_CLI_FROM_SOURCE=1 (the caller then runs the TypeScript).
 * `hookOnly`: the caller runs only the hook, whose sources alone must match.
 */
function cliBundle(hookOnly = false) {
  if (process.env.GATEHOUSE_CLI_FROM_SOURCE === "1") return undefined;
  const found = fresh(hookOnly);
  if (found) return found;
  try {
    // Loaded only here: node:child_process alone costs a start ~8 ms. Quietly: stdout belongs to
    // the command (a hook's JSON answer), and a build that fails here fails again, loudly, through tsx.
    require("node:child_process").execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "build-cli.ts")], {
      cwd: ROOT,
      stdio: "ignore",
    });
  } catch {
    return undefined;
  }
  return fresh(hookOnly);
}

module.exports = { cliBundle };
