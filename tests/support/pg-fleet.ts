// Several Gatehouse processes on one PostgreSQL database, as on several hosts: real web servers
// (`next start`) and real worker daemons all pointed at the test's database (useTempDb's t.env), a
// private tmux server for the commands, and a supervisor and agents to call the API as. Used by the
// multi-process tests tests/store/pg-multi-*.test.ts; pass `teardown: stopFleet` to useTempDb.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createAgent, type AgentIdentity } from "../../lib/auth/agents";
import { createUser, issueUserToken, type UserIdentity } from "../../lib/auth/users";
import type { Store } from "../../lib/db/store";
import { privateServer, type PrivateServer } from "../tmux/private-server";
import { ensureBuild, startApp, type RunningApp } from "./next-server";
import { killWorkers, startWorker, type WorkerProcess } from "./worker-process";

export { ensureBuild };

export interface FleetOptions {
  /** Web servers to start. (Default: 2) */
  apps?: number;
  /** Worker daemons (each a supervisor with one worker process) to start. (Default: 2) */
  workers?: number;
  /** tmux sessions to create on the private server. (Default: none) */
  sessions?: string[];
  /** More environment for every process (a setting under test). */
  env?: Record<string, string>;
}

export interface Fleet {
  apps: RunningApp[];
  workers: WorkerProcess[];
  tmux: PrivateServer;
  /** The data directory (inbox/, jobs/): where GATEHOUSE_DB would be. */
  dataDir: string;
  /** What every process of the fleet runs with: the database, the data directory, tmux, jobs. */
  env: Record<string, string>;
  /** Starts one more worker daemon on the fleet's database and tmux. */
  worker(): WorkerProcess;
}

let current: { apps: RunningApp[]; tmux: PrivateServer } | undefined;

/**
 * Starts the web servers and worker daemons in parallel, all on the database `db` names, and
 * resolves once every server answers HTTP and every worker has said it is claiming.
 */
export async function startFleet(db: { env: Record<string, string>; dir: string }, opts: FleetOptions = {}): Promise<Fleet> {
  const tmux = await privateServer();
  const apps: RunningApp[] = [];
  current = { apps, tmux };
  for (const session of opts.sessions ?? []) await tmux.session(session);
  const dataDir = db.dir;
  const env = {
    // On PostgreSQL GATEHOUSE_DB only names the data directory (it holds inbox/ next to it).
    GATEHOUSE_DB: path.join(dataDir, "gatehouse.db"),
    ...db.env,
    GATEHOUSE_TMUX_SOCKET: tmux.tmux.socket ?? "",
    GATEHOUSE_JOBS_DIR: path.join(dataDir, "jobs"),
    GATEHOUSE_GRACE_MS: "0",
    ...opts.env,
  };
  const worker = () => startWorker({ db: env, env: {} });
  const workers = Array.from({ length: opts.workers ?? 2 }, worker);
  const started = await Promise.all(Array.from({ length: opts.apps ?? 2 }, () => startApp(env).then((app) => (apps.push(app), app))));
  await Promise.all(workers.map((w) => w.ready()));
  return { apps: started, workers, tmux, dataDir, env, worker };
}

/** Stops what startFleet started: web servers, worker daemons (SIGKILL), the tmux server. */
export async function stopFleet(): Promise<void> {
  const fleet = current;
  current = undefined;
  await killWorkers();
  if (!fleet) return;
  // RunningApp.stop() waits for an exit; one a test killed already had its own (exitCode stays null after a signal).
  await Promise.all(fleet.apps.filter((app) => app.child.signalCode === null).map((app) => app.stop()));
  await fleet.tmux.stop();
}

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

/** One HTTP call to a web server with a bearer token; the body parsed when it is JSON. */
export async function call(app: RunningApp, method: string, url: string, opts: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(app.url + url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** A supervisor and the bearer token it calls the API with. */
export async function supervisor(store: Store, name = "alice"): Promise<UserIdentity & { token: string }> {
  const user = await createUser(store, { name, role: "supervisor", password: `${name}-password` });
  return { ...user, token: await issueUserToken(store, user.id) };
}

/** An agent allowed the given sessions, and its token. */
export function agent(store: Store, id: string, sessions: string[], autoApprove = false): Promise<{ agent: AgentIdentity; token: string }> {
  return createAgent(store, { id, sessions, autoApprove });
}

/** Lines a command appended to a file (the commands of these tests record their runs this way). */
export function linesOf(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
