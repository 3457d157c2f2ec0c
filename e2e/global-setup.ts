// The real thing for the browser tests: a built app (`next build`, shared lock), `next start` on a
// free port, the worker, a temp database and a private tmux server. Teardown stops all of it. The
// database is a SQLite file, or with GATEHOUSE_TEST_STORE=postgres a fresh database on a throwaway
// PostgreSQL cluster (tests/support/pg.ts) started here and stopped at teardown.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAgent } from "../lib/auth/agents";
import { createUser } from "../lib/auth/users";
import { ensureBuild, startApp } from "../tests/support/next-server";
import { startWorker } from "../tests/support/worker-process";
import { openStoreAt } from "./support/fixtures";
import { E2E, type E2EState } from "./support/state";

interface Database {
  /** GATEHOUSE_DB (the data directory: inbox/, jobs/) and, on PostgreSQL, GATEHOUSE_DATABASE_URL. */
  env: Record<string, string>;
  /** Stops the cluster, if there is one (the database goes with it). */
  stop(): void;
}

/** The test database: SQLite in `dir`, or a database on a cluster of its own (GATEHOUSE_TEST_STORE=postgres). */
async function database(dir: string): Promise<Database> {
  const file = path.join(dir, "gatehouse.db");
  if (process.env.GATEHOUSE_TEST_STORE !== "postgres") return { env: { GATEHOUSE_DB: file }, stop: () => {} };
  const { PG_URL_ENV, freshPgDatabase, startPgCluster } = await import("../tests/support/pg");
  const cluster = await startPgCluster();
  // Even when the run is cut short, no postgres server outlives it.
  process.once("exit", () => cluster.stop());
  try {
    process.env[PG_URL_ENV] = cluster.url;
    const url = await freshPgDatabase();
    // No DROP DATABASE at teardown: the whole cluster goes. (Dropping first would leave pg.ts's
    // admin connection idle, and stopping the server under it is an unhandled pool error.)
    return { env: { GATEHOUSE_DB: file, GATEHOUSE_DATABASE_URL: url }, stop: () => cluster.stop() };
  } catch (err) {
    cluster.stop();
    throw err;
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-e2e-"));
  const socket = `gatehouse-e2e-${process.pid}`;
  const session = "e2e-agent";
  const db = await database(dir);

  const store = await openStoreAt(db.env);
  let token: string;
  try {
    for (const [name, role] of [["alice", "supervisor"], ["bob", "supervisor"], ["vera", "viewer"], ["root", "admin"]] as const) {
      await createUser(store, { name, role, password: E2E.password });
    }
    token = (await createAgent(store, { id: "e2e-agent", sessions: [session] })).token;
  } finally {
    await store.close();
  }

  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args]);
  tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50");

  const env = { ...db.env, GATEHOUSE_TMUX_SOCKET: socket, GATEHOUSE_JOBS_DIR: path.join(dir, "jobs") };
  await ensureBuild();
  const app = await startApp(env);
  const worker = startWorker({ db: db.env, env, args: ["--processes", "1"] });
  await worker.ready();

  const state: E2EState = { url: app.url, db: db.env, socket, session, agentId: "e2e-agent", agentToken: token };
  process.env[E2E.stateVar] = JSON.stringify(state);

  return async () => {
    await worker.stop();
    await app.stop();
    try {
      tmux("kill-server");
    } catch {
      // Already gone.
    }
    db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
