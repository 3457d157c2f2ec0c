// The world of the actor tests: a fresh database of the store under test, a private tmux server
// (`-L gh-test-<random> -f /dev/null`) with the agent's sessions, and real worker processes pointed
// at both.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createAgent, type AgentIdentity } from "../../lib/auth/agents";
import type { UserIdentity } from "../../lib/auth/users";
import type { Request as RequestRow } from "../../lib/db/rows";
import { approveRequest, getRequest } from "../../lib/requests/lifecycle";
import type { RequestStatus } from "../../lib/requests/statuses";
import { submitRequest, type NewRequest } from "../../lib/requests/submit";
import { readInbox, type InboxEntry } from "../../lib/tmux/notify";
import { messagesOf, type MessageRow } from "../api/sql";
import { eventually } from "../support/eventually";
import { tempStore, type TempStore } from "../support/temp-db";
import { killWorkers, startWorker, type WorkerProcess, type WorkerProcessOptions } from "../support/worker-process";
import { privateServer, type PrivateServer } from "../tmux/private-server";

export const alice: UserIdentity = { id: "u-alice", name: "alice", role: "supervisor" };

export interface World {
  t: TempStore;
  server: PrivateServer;
  agent: AgentIdentity;
  /** What worker processes need to reach this database, tmux server and job directory. */
  env: Record<string, string>;
  jobsDir: string;
  inboxDir: string;
  /** Submits (pending, no auto-approval) and approves as alice: the command is queued. */
  approved(command: string, extra?: Partial<NewRequest>): Promise<RequestRow>;
  submitted(command: string, extra?: Partial<NewRequest>): Promise<RequestRow>;
  request(id: string): Promise<RequestRow>;
  /** Resolves with the request once it has reached `status`. */
  reaches(id: string, status: RequestStatus, timeoutMs?: number): Promise<RequestRow>;
  inbox(session: string): Promise<InboxEntry[]>;
  /** The queue messages of `actor` about request `requestId`, oldest first. */
  messages(actor: string, requestId: string): Promise<MessageRow[]>;
  worker(opts?: Partial<WorkerProcessOptions>): WorkerProcess;
  stop(): Promise<void>;
}

/** Sessions the agent may target; all but `missing` exist on the server from the start. */
export const SESSIONS = ["agent-a", "agent-b", "missing"] as const;

export async function world(): Promise<World> {
  const t = await tempStore("gatehouse-actors-");
  const server = await privateServer();
  await server.session("agent-a");
  await server.session("agent-b");
  const agent = (await createAgent(t.store, { id: "agent-1", sessions: [...SESSIONS] })).agent;
  const jobsDir = path.join(t.dir, "jobs");
  // The inbox is next to GATEHOUSE_DB, so the workers get one in the temp dir on PostgreSQL too.
  const db = { GATEHOUSE_DB: path.join(t.dir, "gatehouse.db"), ...t.env };
  const env = { GATEHOUSE_TMUX_SOCKET: server.tmux.socket ?? "", GATEHOUSE_JOBS_DIR: jobsDir, GATEHOUSE_GRACE_MS: "0" };
  const submitted = async (command: string, extra: Partial<NewRequest> = {}) =>
    (await submitRequest(t.store, agent, { session: "agent-a", command, priority: "NORMAL", autoApprove: false, cwd: server.dir, ...extra }))
      .request;
  const request = async (id: string) => {
    const row = await getRequest(t.store, id);
    if (!row) throw new Error(`no request ${id}`);
    return row;
  };
  return {
    t,
    server,
    agent,
    env,
    jobsDir,
    inboxDir: path.join(t.dir, "inbox"),
    submitted,
    approved: async (command, extra) => approveRequest(t.store, (await submitted(command, extra)).id, alice),
    request,
    reaches: (id, status, timeoutMs = 30_000) =>
      eventually(async () => {
        const row = await request(id);
        return row.status === status && row;
      }, `request ${id} to be ${status}`, timeoutMs),
    inbox: (session) => readInbox(path.join(t.dir, "inbox"), session),
    messages: async (actor, requestId) =>
      (await messagesOf(t.store, actor)).filter((m) => (JSON.parse(m.payload) as { requestId?: string }).requestId === requestId),
    worker: (opts = {}) => startWorker({ db, ...opts, env: { ...env, ...opts.env } }),
    async stop() {
      await killWorkers();
      await server.stop();
      await t.cleanup();
    },
  };
}

/** Lines a command appended to a file (commands record their runs this way). */
export function linesOf(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
