// zod/mini, as in every module the worker imports: classic zod would add ~3 MB to each worker
// process (tests/worker/bundle.test.ts keeps it out). Its messages are the same, in English:
import { en } from "zod/locales";
import * as z from "zod/mini";

z.config(en());

const bool = z.pipe(
  z.enum(["1", "0", "true", "false", "yes", "no"]),
  z.transform((v) => v === "1" || v === "true" || v === "yes"),
);

const int = (min: number, ...more: z.core.$ZodCheck<number>[]) =>
  z.coerce.number().check(z.int(), z.minimum(min), ...more);
const text = () => z.string().check(z.minLength(1));

/** Every setting Gatehouse reads from the environment, with its default. */
const schema = z.object({
  /** SQLite file shared by web and worker. (Default: ./data/gatehouse.db) */
  GATEHOUSE_DB: z._default(text(), "./data/gatehouse.db"),
  /** Web server port and bind address. (Default: 3000 on 127.0.0.1) */
  PORT: z._default(int(1, z.maximum(65535)), 3000),
  HOST: z._default(text(), "127.0.0.1"),
  /**
   * Believe X-Forwarded-Proto and X-Forwarded-Host: set it only when a proxy in front of
   * Gatehouse (TLS, say) sets both headers and drops the client's own. Then the session cookie is
   * `Secure` behind HTTPS and the Origin check uses the forwarded scheme and host. (Default: no)
   */
  GATEHOUSE_TRUST_PROXY: z._default(bool, false),
  /**
   * The dashboard's address as supervisors reach it (https://gatehouse.example.com), for the links
   * in webhook messages. (Default: http://HOST:PORT)
   */
  GATEHOUSE_PUBLIC_URL: z.optional(z.url({ protocol: /^https?$/ })),
  /**
   * Bearer token for /api/health and /api/metrics when HOST is not a loopback address (on
   * loopback they need none); without it they answer 403 there. At least 16 characters.
   */
  GATEHOUSE_METRICS_TOKEN: z.optional(z.string().check(z.minLength(16))),
  /** tmux server socket name, as in `tmux -L NAME`. (Default: the user's default server) */
  GATEHOUSE_TMUX_SOCKET: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,100}$/))),
  /** Password for the first admin; a random one is printed once when unset. */
  GATEHOUSE_ADMIN_PASSWORD: z.optional(z.string().check(z.minLength(8))),
  /** Seconds a pending request waits for a decision before it expires. (Default: 86400) */
  GATEHOUSE_PENDING_TTL_SEC: z._default(int(1), 86_400),
  /** Lowest priority that the policy may auto-approve for agents allowed to. (Default: URGENT) */
  GATEHOUSE_AUTO_APPROVE_PRIORITY: z._default(z.enum(["LOW", "NORMAL", "HIGH", "URGENT", "EMERGENCY"]), "URGENT"),
  /** Requests an agent may submit per minute. (Default: 600) */
  GATEHOUSE_AGENT_RATE_PER_MIN: z._default(int(1), 600),
  /** How long in-flight work may run on after SIGTERM before it is released. (Default: 30000 ms) */
  GATEHOUSE_GRACE_MS: z._default(int(0), 30_000),
  /** Commands that may run at once in one tmux session. (Default: 1) */
  GATEHOUSE_SESSION_CONCURRENCY: z._default(int(1), 1),
  /** Output kept per command, in bytes; the rest is cut and flagged. (Default: 1 MiB) */
  GATEHOUSE_OUTPUT_CAP_BYTES: z._default(int(1024), 1024 * 1024),
  /** Keep a command's tmux window after it ends, for inspection. (Default: no) */
  GATEHOUSE_KEEP_WINDOWS: z._default(bool, false),
  /** Time limit of a command whose request gives no timeoutSec, in seconds. (Default: 600) */
  GATEHOUSE_COMMAND_TIMEOUT_SEC: z._default(int(1, z.maximum(7 * 24 * 3600)), 600),
  /** Create an agent's tmux session when it is missing instead of retrying. (Default: no) */
  GATEHOUSE_CREATE_SESSIONS: z._default(bool, false),
  /** How agents hear of results: `inbox` (never types into a pane) or `type` (idle shell prompt only). */
  GATEHOUSE_NOTIFY_MODE: z._default(z.enum(["inbox", "type"]), "inbox"),
  /** Where job files (command, output, exit code) live. (Default: next to the database, in jobs/) */
  GATEHOUSE_JOBS_DIR: z.optional(text()),
  /** Days dead letters are kept before pruning. (Default: 7) */
  GATEHOUSE_DEAD_RETENTION_DAYS: z._default(int(0), 7),
  /** Hours finished queue messages are kept before pruning. (Default: 24) */
  GATEHOUSE_DONE_RETENTION_HOURS: z._default(int(0), 24),
  /**
   * Milliseconds between the worker's safety-net checks for new work. A SQLite worker wakes at the
   * file event of the database's `-work` file, a PostgreSQL one at a NOTIFY; this check covers
   * filesystems without file events and a LISTEN not yet in force. Once wake-ups are known to
   * arrive, it runs once a second, or this often if longer. (Default: 100)
   */
  GATEHOUSE_WAKE_POLL_MS: z._default(int(1), 100),
  /**
   * How long a runner's claim on a command lasts without a heartbeat, in seconds: a runner that
   * dies or loses the network has its commands ended `dead` (interrupted) this long after its last
   * heartbeat; a server restarted within it loses nothing. (Default: 30)
   */
  GATEHOUSE_RUNNER_LEASE_SEC: z._default(int(2, z.maximum(3600)), 30),
  /**
   * A PostgreSQL database to use instead of the SQLite file, as postgres://user:password@host/db.
   * (Default: unset, SQLite in GATEHOUSE_DB)
   */
  GATEHOUSE_DATABASE_URL: z.optional(
    z.string().check(z.regex(/^postgres(ql)?:\/\/./, "must start with postgres:// or postgresql://")),
  ),
  /** Connections each process keeps to PostgreSQL. (Default: 10) */
  GATEHOUSE_PG_POOL_SIZE: z._default(int(1, z.maximum(1000)), 10),
  /** Longest a PostgreSQL statement may run before the server cancels it, in ms; 0: no limit. (Default: 30000) */
  GATEHOUSE_PG_STATEMENT_TIMEOUT_MS: z._default(int(0), 30_000),
});

export type Config = z.infer<typeof schema>;

/** Reads and checks the settings; throws one error that names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Gatehouse settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The settings of this process, read once. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/** Forget the cached settings (tests change the environment between cases). */
export function resetConfig(): void {
  cached = undefined;
}
