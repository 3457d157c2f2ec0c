// Throwaway PostgreSQL for tests: a cluster in a temp dir on a free port (started once per run by
// pg-global-setup.ts), a migrated template database, and a fresh database per test copied from it.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, inject } from "vitest";
import { connectPg, type Pg } from "../../lib/db/postgres/client";
import { migratePg } from "../../lib/db/postgres/migrate";
import { openPostgresStore } from "../../lib/db/postgres/store";
import type { ClaimRequest, NewMessage, QueueReactions, Store } from "../../lib/db/store";

/** The migrated database every test database is copied from (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DB = "gatehouse_template";

/** Where a test process finds the run's cluster when vitest's inject() is not at hand (child processes). */
export const PG_URL_ENV = "GATEHOUSE_TEST_PG_URL";

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dir: string;
  stop(): void;
}

/** The newest PostgreSQL on this machine (Debian's layout: /usr/lib/postgresql/<version>/bin). */
function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/ensure-system-deps.sh");
  return path.join(root, newest, "bin");
}

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
function run(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts a cluster for tests only (fsync, synchronous commit, full-page writes and most WAL off:
 * nothing in it must survive a crash) with a migrated template database. `stop()` is synchronous so that it
 * can also run at process exit.
 */
export async function startPgCluster(opts: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-pg-"));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  run(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // Benchmarks (durable) keep PostgreSQL's default durability, as a real server and the peers have.
  const fast = opts.durable
    ? []
    : [
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
        // Minimal WAL: CREATE DATABASE … STRATEGY FILE_COPY then copies the template's files without
        // logging them, several times faster than the default per-block copy.
        "-c wal_level=minimal", "-c max_wal_senders=0",
      ];
  const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", "-c max_connections=300", ...fast];
  run(path.join(bin, "pg_ctl"), ["-D", data, "-o", settings.join(" "), "-l", path.join(dir, "log"), "-w", "start"]);
  let stopped = false;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await createTemplate(cluster.url);
  } catch (err) {
    cluster.stop();
    throw err;
  }
  return cluster;
}

/** Makes the migrated template database on the server at `baseUrl`, replacing an older one. */
export async function createTemplate(baseUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const db = connectPg(withDatabase(baseUrl, TEMPLATE_DB), { poolSize: 1, statementTimeoutMs: 0 });
  try {
    await migratePg(db);
  } finally {
    await db.close();
  }
}

/** The same server and user, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The URL of the run's cluster (its `postgres` database). */
export function baseUrl(): string {
  const url = process.env[PG_URL_ENV] ?? inject("pgBaseUrl");
  if (!url) throw new Error("No test PostgreSQL cluster: run the tests with GATEHOUSE_TEST_STORE=postgres");
  return url;
}

let admin: pg.Pool | undefined;

/** One small pool per test process for CREATE and DROP DATABASE; it lets the process exit when idle. */
function adminPool(): pg.Pool {
  if (!admin) {
    admin = new pg.Pool({ connectionString: baseUrl(), max: 2, allowExitOnIdle: true });
    // An idle connection the server closed (the cluster stopped at teardown) must not end the process.
    admin.on("error", () => {});
  }
  return admin;
}

/** The URL of a new, migrated, empty database (a copy of the template: milliseconds, not a migration). */
export async function freshPgDatabase(): Promise<string> {
  const name = `gh_${Math.random().toString(36).slice(2, 12)}`;
  await adminPool().query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} STRATEGY FILE_COPY`);
  return withDatabase(baseUrl(), name);
}

/** Drops a database made by freshPgDatabase, closing any connection still open to it. */
export async function dropPgDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^gh_[a-z0-9]+$/.test(name)) throw new Error(`Not a test database: ${name}`);
  await adminPool().query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's cluster (postgres database), when GATEHOUSE_TEST_STORE=postgres. */
    pgBaseUrl: string;
  }
}

/**
 * A PostgreSQL store on a fresh database for each test of the file (`store()` is the current
 * test's), closed and dropped after it. Only for a run with a cluster (GATEHOUSE_TEST_STORE=postgres).
 */
export function usePgStore(opts: { poolSize?: number; statementTimeoutMs?: number } = {}): () => Store & { pg: Pg; url: string } {
  let current: (Store & { pg: Pg; url: string }) | undefined;
  beforeEach(async () => {
    const url = await freshPgDatabase();
    const store = await openPostgresStore(url, { migrate: false, poolSize: opts.poolSize ?? 4, statementTimeoutMs: opts.statementTimeoutMs ?? 30_000 });
    current = Object.assign(store, { url });
  });
  afterEach(async () => {
    if (!current) return;
    await current.close();
    await dropPgDatabase(current.url);
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("usePgStore: the database exists only while a test runs");
    return current;
  };
}

/** Whether this run has a PostgreSQL cluster (GATEHOUSE_TEST_STORE=postgres). */
export const onPostgres = process.env.GATEHOUSE_TEST_STORE === "postgres";

// ── Queue fixtures of the PostgreSQL-only tests (tests/store/pg-*.test.ts) ──

export const QUEUE_NOW = 1_700_000_000_000;

/** A message as lib/queue/enqueue resolves one, due at QUEUE_NOW. */
export function message(over: Partial<NewMessage> = {}): NewMessage {
  return {
    queue: "default",
    actor: "noop",
    payload: "{}",
    priority: 1,
    runAt: QUEUE_NOW,
    maxRetries: 2,
    onLeaseLost: "retry",
    groupKey: null,
    idempotencyKey: null,
    createdAt: QUEUE_NOW,
    ...over,
  };
}

/** A claim at QUEUE_NOW by worker w1 under a new token. */
export const claimReq = (over: Partial<ClaimRequest & { token: string }> = {}): ClaimRequest & { token: string } => ({
  workerId: "w1",
  limit: 10,
  groupLimit: 1,
  leaseMs: 6_000,
  now: QUEUE_NOW,
  token: `t${Math.random()}`,
  ...over,
});

/** Reactions that want nothing done. */
export const quiet: QueueReactions = { changed: () => [], requeued: () => [], discarded: () => [] };
