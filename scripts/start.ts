// `npm start`: prepare the database, build the web app when needed, then run web and worker
// together. Ctrl-C (or SIGTERM) stops both cleanly; if either dies, the other is stopped too.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { config } from "../lib/config";
import { firstStart } from "../lib/auth/bootstrap";
import { openStore } from "../lib/db/open";
import { buildIsFresh } from "./web-build";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const settings = config();

// Migrates (once, whoever else starts now) and seeds before web and worker open the store.
const store = await openStore(settings);
await firstStart(store, settings.GATEHOUSE_ADMIN_PASSWORD, console.log);
await store.close();

if (!buildIsFresh(process.cwd()) || process.env.GATEHOUSE_REBUILD === "1") {
  console.log("gatehouse: building the web app (its sources are newer than the last build) ...");
  const built = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

// The CLI bundle that agents' hooks run; without it, the first hook after a change would build it.
spawnSync(process.execPath, ["--import", "tsx", "scripts/build-cli.ts", "--if-possible"], { stdio: ["ignore", "ignore", "inherit"] });

const children: ChildProcess[] = [
  spawn("npx", ["next", "start", "-p", String(settings.PORT), "-H", settings.HOST], { stdio: "inherit" }),
  spawn(process.execPath, ["worker/index.cjs"], { stdio: "inherit" }),
];
console.log(`gatehouse: web on http://${settings.HOST}:${settings.PORT}, worker started`);

let stopping = false;
function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll("SIGTERM"));
let worst = 0;
let running = children.length;
for (const child of children) {
  child.on("exit", (code) => {
    worst = Math.max(worst, code ?? 0);
    stopAll("SIGTERM");
    if (--running === 0) process.exit(worst);
  });
}
