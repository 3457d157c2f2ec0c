// The real thing for the browser tests: a built app (`next build`, shared lock), `next start` on a
// free port, the worker, a temp SQLite file and a private tmux server. Teardown stops all of it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAgent } from "../lib/auth/agents";
import { createUser } from "../lib/auth/users";
import { openDb } from "../lib/db/client";
import { ensureBuild, startApp } from "../tests/support/next-server";
import { startWorker } from "../tests/support/worker-process";
import { E2E, type E2EState } from "./support/state";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-e2e-"));
  const dbFile = path.join(dir, "gatehouse.db");
  const socket = `gatehouse-e2e-${process.pid}`;
  const session = "e2e-agent";

  const db = openDb(dbFile);
  for (const [name, role] of [["alice", "supervisor"], ["bob", "supervisor"], ["vera", "viewer"], ["root", "admin"]] as const) {
    await createUser(db, { name, role, password: E2E.password });
  }
  const { token } = createAgent(db, { id: "e2e-agent", sessions: [session] });
  db.$client.close();

  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args]);
  tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50");

  const env = { GATEHOUSE_DB: dbFile, GATEHOUSE_TMUX_SOCKET: socket, GATEHOUSE_JOBS_DIR: path.join(dir, "jobs") };
  await ensureBuild();
  const app = await startApp(env);
  const worker = startWorker({ db: dbFile, env, args: ["--processes", "1"] });
  await worker.ready();

  const state: E2EState = { url: app.url, dbFile, socket, session, agentId: "e2e-agent", agentToken: token };
  process.env[E2E.stateVar] = JSON.stringify(state);

  return async () => {
    await worker.stop();
    await app.stop();
    try {
      tmux("kill-server");
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
