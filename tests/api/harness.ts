// One real Gatehouse web server per test file: a temp database with a few users and agents, and
// `next start` serving it. Calls go over real HTTP.
import { createAgent } from "../../lib/auth/agents";
import { createUser, issueUserToken } from "../../lib/auth/users";
import type { Db } from "../../lib/db/client";
import { ensureBuild, startApp, type RunningApp } from "../support/next-server";
import { tempDb } from "../support/temp-db";

export interface Api {
  app: RunningApp;
  db: Db;
  file: string;
  tokens: { admin: string; alice: string; viewer: string; agent: string; other: string; trusted: string };
  passwords: { alice: string };
  call: (method: string, path: string, opts?: CallOptions) => Promise<Reply>;
  counts: () => Counts;
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
  const t = tempDb("gatehouse-api-");
  const db = t.db;
  const admin = await createUser(db, { name: "admin", role: "admin", password: "admin-password" });
  const alice = await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
  const viewer = await createUser(db, { name: "vic", role: "viewer", password: "viewer-password" });
  const tokens = {
    admin: issueUserToken(db, admin.id),
    alice: issueUserToken(db, alice.id),
    viewer: issueUserToken(db, viewer.id),
    agent: createAgent(db, { id: "backend-api", sessions: ["claude-backend-api", "claude-shared"] }).token,
    other: createAgent(db, { id: "frontend", sessions: ["claude-frontend"] }).token,
    trusted: createAgent(db, { id: "oncall", sessions: ["claude-oncall"], autoApprove: true }).token,
  };
  const app = await startApp({ GATEHOUSE_DB: t.file, ...env });

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

  const counts = () =>
    Object.fromEntries(
      TABLES.map((table) => [table, (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]),
    ) as Counts;

  return {
    app,
    db,
    file: t.file,
    tokens,
    passwords: { alice: "alice-password" },
    call,
    counts,
    close: async () => {
      await app.stop();
      t.cleanup();
    },
  };
}

/** A minimal valid submission. */
export const submission = (extra: Record<string, unknown> = {}) => ({ session: "claude-backend-api", command: "npm test", ...extra });
