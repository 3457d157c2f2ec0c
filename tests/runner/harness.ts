// Two agent hosts and one Gatehouse server, all on this machine: the real web app (`next start`)
// on a temp database of the store under test, a worker process (for lease recovery and the
// request lifecycle's housekeeping), and one runner per host, each with its own tmux server and
// data directory.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRunner } from "../../lib/auth/runners";
import type { RequestStatus } from "../../lib/requests/statuses";
import { startApi, type Api } from "../api/harness";
import { eventually } from "../support/eventually";
import { runnerHost, type RunnerHost } from "../support/runner-process";
import { killWorkers, startWorker, type WorkerProcess } from "../support/worker-process";

export interface Hosts {
  api: Api;
  worker: WorkerProcess;
  /** Runs claude-backend-api and claude-shared (the "backend-api" agent's sessions). */
  a: RunnerHost;
  /** Runs claude-frontend (the "frontend" agent's session). */
  b: RunnerHost;
  tokens: { a: string; b: string };
  /** Submits as the backend-api agent (or `agent`) and approves as alice; returns the request id. */
  approved(command: string, opts?: { session?: string; agent?: string }): Promise<string>;
  /** Submits as the backend-api agent, to be decided by a person, and rejects it as alice; returns the request id. */
  rejected(command: string, session: string, reason: string): Promise<string>;
  /** Resolves with the request once it is in `status`. */
  reaches(id: string, status: RequestStatus, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function hosts(env: Record<string, string> = {}): Promise<Hosts> {
  const api = await startApi(env);
  const a = await runnerHost("host-a", ["claude-backend-api", "claude-shared"], api.dir);
  const b = await runnerHost("host-b", ["claude-frontend"], api.dir);
  const tokens = {
    a: (await createRunner(api.store, { id: "host-a", sessions: ["claude-backend-api", "claude-shared"] })).token,
    b: (await createRunner(api.store, { id: "host-b", sessions: ["claude-frontend"] })).token,
  };
  const worker = startWorker({ db: api.env, env: { ...env, GATEHOUSE_GRACE_MS: "0" } });
  await worker.ready();
  await a.start(api.app.url, tokens.a);
  await b.start(api.app.url, tokens.b);

  const approved = async (command: string, opts: { session?: string; agent?: string } = {}) => {
    const session = opts.session ?? "claude-backend-api";
    const token = opts.agent ?? (session === "claude-frontend" ? api.tokens.other : api.tokens.agent);
    const submitted = await api.call("POST", "/api/requests", { token, body: { session, command } });
    if (submitted.status !== 201) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const id = submitted.body.id as string;
    if (submitted.body.status === "pending") {
      const approve = await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: {} });
      if (approve.status !== 200) throw new Error(`approve: ${approve.status} ${JSON.stringify(approve.body)}`);
    }
    return id;
  };
  const rejected = async (command: string, session: string, reason: string) => {
    const submitted = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session, command } });
    if (submitted.body.status !== "pending") throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const id = submitted.body.id as string;
    const reject = await api.call("POST", `/api/requests/${id}/reject`, { token: api.tokens.alice, body: { reason } });
    if (reject.status !== 200) throw new Error(`reject: ${reject.status} ${JSON.stringify(reject.body)}`);
    return id;
  };
  const reaches = (id: string, status: RequestStatus, timeoutMs = 30_000) =>
    eventually(
      async () => {
        const r = await api.call("GET", `/api/requests/${id}`, { token: api.tokens.alice });
        return r.body.status === status ? (r.body as Record<string, unknown>) : undefined;
      },
      `request ${id} to be ${status}\nhost a:\n${a.output()}\nhost b:\n${b.output()}\nworker:\n${worker.output()}`,
      timeoutMs,
    );
  return {
    api,
    worker,
    a,
    b,
    tokens,
    approved,
    rejected,
    reaches,
    close: async () => {
      await Promise.all([a.stop(), b.stop()]);
      await killWorkers();
      await api.close();
    },
  };
}

/** A session's inbox on a runner's host: the notices' texts, oldest first. */
export function inboxTexts(host: RunnerHost, session: string): string[] {
  try {
    return readFileSync(path.join(host.dataDir, "inbox", `${session}.jsonl`), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text);
  } catch {
    return [];
  }
}
