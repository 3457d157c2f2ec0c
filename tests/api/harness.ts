// One real Gatehouse web server per test file: a temp database of the store under test
// (GATEHOUSE_TEST_STORE) with a few users and agents, and `next start` serving it. Calls go over
// real HTTP.
import path from "node:path";
import { createAgent } from "../../lib/auth/agents";
import { createUser, issueUserToken } from "../../lib/auth/users";
import type { Store } from "../../lib/db/store";
import { ensureBuild, startApp, type RunningApp } from "../support/next-server";
import { tempStore } from "../support/temp-db";
import { sql } from "./sql";

export interface Api {
  app: RunningApp;
  /** The server's database, through this process's own connection. */
  store: Store;
  /**
   * The environment that points a process (worker, CLI) at the server's database: GATEHOUSE_DB or
   * GATEHOUSE_DATABASE_URL, and GATEHOUSE_DB in `dir` either way, since the data directory
   * (inbox/, jobs/) is the one that holds GATEHOUSE_DB.
   */
  env: Record<string, string>;
  /** The test's temp dir: the data directory. */
  dir: string;
  tokens: { admin: string; alice: string; viewer: string; agent: string; other: string; trusted: string };
  passwords: { alice: string };
  call: (method: string, path: string, opts?: CallOptions) => Promise<Reply>;
  counts: () => Promise<Counts>;
  close: () => Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (not JSON-encoded). */
  raw?: string | Buffer<ArrayBuffer>;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

/** Every table a call could write to. */
const TABLES = ["requests", "request_events", "messages", "rules", "users", "agents", "web_sessions"] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

export async function startApi(env: Record<string, string> = {}): Promise<Api> {
  await ensureBuild();
  const t = await tempStore("gatehouse-api-");
  const store = t.store;
  const dbEnv = { GATEHOUSE_DB: path.join(t.dir, "gatehouse.db"), ...t.env };
  const admin = await createUser(store, { name: "admin", role: "admin", password: "admin-password" });
  const alice = await createUser(store, { name: "alice", role: "supervisor", password: "alice-password" });
  const viewer = await createUser(store, { name: "vic", role: "viewer", password: "viewer-password" });
  const tokens = {
    admin: await issueUserToken(store, admin.id),
    alice: await issueUserToken(store, alice.id),
    viewer: await issueUserToken(store, viewer.id),
    agent: (await createAgent(store, { id: "backend-api", sessions: ["claude-backend-api", "claude-shared"] })).token,
    other: (await createAgent(store, { id: "frontend", sessions: ["claude-frontend"] })).token,
    trusted: (await createAgent(store, { id: "oncall", sessions: ["claude-oncall"], autoApprove: true })).token,
  };
  const app = await startApp({ ...dbEnv, ...env });

  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer<ArrayBuffer> | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(app.url + path, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(TABLES.map(async (table) => [table, Number((await sql<{ n: number }>(store, `SELECT count(*) AS n FROM ${table}`))[0]!.n)])),
    ) as Counts;

  return {
    app,
    store,
    env: dbEnv,
    dir: t.dir,
    tokens,
    passwords: { alice: "alice-password" },
    call,
    counts,
    close: async () => {
      await app.stop();
      await t.cleanup();
    },
  };
}

/** A minimal valid submission. */
export const submission = (extra: Record<string, unknown> = {}) => ({ session: "claude-backend-api", command: "npm test", ...extra });
