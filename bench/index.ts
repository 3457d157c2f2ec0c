// `npm run bench [-- group...]`: runs the named benchmark groups, or every group. A group is a
// file bench/<group>.ts whose default export is a BenchGroup (bench/support/figures.ts); adding
// one needs no change here. Figures go to stdout as JSON lines {"name","value","unit"}; progress
// and notes go to stderr.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchGroup, Figure } from "./support/figures";

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -3))
  .sort();

const asked = process.argv.slice(2);
const unknown = asked.filter((g) => !available.includes(g));
if (unknown.length) {
  console.error(`Unknown benchmark group(s): ${unknown.join(", ")}. Groups: ${available.join(", ")}`);
  process.exit(2);
}

let failed = false;
for (const group of asked.length ? asked : available) {
  const mod = (await import(pathToFileURL(path.join(dir, `${group}.ts`)).href)) as { default?: BenchGroup };
  if (typeof mod.default !== "function") {
    console.error(`bench: bench/${group}.ts has no default export (a BenchGroup); skipped`);
    continue;
  }
  console.error(`bench: ${group} ...`);
  const started = performance.now();
  try {
    await mod.default((name, value, unit) => {
      const figure: Figure = { name, value, unit };
      console.log(JSON.stringify(figure));
    });
    console.error(`bench: ${group} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed = true;
    console.error(`bench: ${group} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
