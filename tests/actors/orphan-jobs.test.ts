import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { stopOrphanedJobs } from "../../lib/requests/orphan-jobs";
import { isRunning } from "../../lib/tmux/process-group";
import { runCommand } from "../../lib/tmux/runner";
import { agent, requestIn } from "../requests/fixtures";
import { eventually } from "../support/eventually";
import { useTempDb } from "../support/use-temp-db";
import { privateServer, type PrivateServer } from "../tmux/private-server";

let server: PrivateServer;
const t = useTempDb({ teardown: () => server.stop() });
beforeEach(async () => {
  server = await privateServer();
  await server.session("agent-a");
});

const windows = async () =>
  (await server.tmux.exec(["list-windows", "-t", "=agent-a", "-F", "#{window_name}"])).split("\n").filter(Boolean).sort();

it("stops job commands whose request is no longer running, and nothing else", async () => {
  const root = path.join(t.dir, "jobs");
  const who = await agent(t.store, "agent-1", { sessions: ["agent-a"] });
  const ids: string[] = [];
  for (const s of ["running", "dead", "succeeded"] as const) ids.push((await requestIn(t.store, who, s)).id);
  const [running, dead, kept] = ids;
  /** Starts a job as a worker would, and resolves once its window exists. */
  const start = (id: string, command: string, keepWindow = false) =>
    new Promise<{ done: Promise<unknown> }>((started) => {
      const done = runCommand(server.tmux, "agent-a", { command, cwd: t.dir, timeoutMs: 60_000, jobDir: path.join(root, id), keepWindow, onStarted: () => started({ done }) });
      done.catch(() => {}); // the orphan's runner sees its window vanish
    });
  await start(running!, "sleep 60");
  await start(dead!, "sleep 60");
  await (await start(kept!, "true", true)).done; // finished, its window kept for inspection
  await server.tmux.exec(["new-window", "-d", "-t", "=agent-a:", "-n", "job-build", "--", "sleep", "60"]); // the agent's own

  expect(await stopOrphanedJobs(t.store, server.tmux, root)).toEqual([dead]);
  await eventually(async () => !(await windows()).includes(`job-${dead}`), "the orphan's window to close");
  expect(await windows()).toEqual(["bash", "job-build", `job-${kept}`, `job-${running}`].sort());
  expect(await stopOrphanedJobs(t.store, server.tmux, root)).toEqual([]);
});

it("stops an orphan's daemons too: processes that left the job's process group with setsid", async () => {
  const root = path.join(t.dir, "jobs");
  const id = (await requestIn(t.store, await agent(t.store, "agent-1", { sessions: ["agent-a"] }), "dead")).id;
  const pidFile = path.join(t.dir, "daemon.pid");
  const done = runCommand(server.tmux, "agent-a", {
    command: `setsid sleep 60 & echo $! > '${pidFile}'; sleep 60`,
    cwd: t.dir,
    timeoutMs: 60_000,
    jobDir: path.join(root, id),
  });
  done.catch(() => {}); // the orphan's runner sees its window vanish
  await eventually(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", "the daemon to start");
  const daemon = Number(readFileSync(pidFile, "utf8"));
  expect(isRunning(daemon)).toBe(true);

  expect(await stopOrphanedJobs(t.store, server.tmux, root)).toEqual([id]);
  await eventually(() => !isRunning(daemon), "the daemon to end");
});
