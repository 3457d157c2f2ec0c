import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES } from "../../auth/roles";
import { DEAD_REASONS, LEASE_LOST_POLICIES, MESSAGE_STATES } from "../../queue/states";
import { RULE_KINDS } from "../../requests/rule-kinds";
import { PRIORITIES, REQUEST_KINDS, REQUEST_STATUSES } from "../../requests/statuses";
import { WEBHOOK_KINDS } from "../../webhooks/kinds";

// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO strings.

/** The durable queue: one row per message, from enqueue until pruned. */
export const messages = sqliteTable(
  "messages",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    queue: text().notNull(),
    actor: text().notNull(),
    /** JSON, checked against the actor's payload schema at enqueue. */
    payload: text().notNull(),
    /** 0 (LOW) to 4 (EMERGENCY); higher is claimed first. */
    priority: integer().notNull().default(1),
    state: text({ enum: MESSAGE_STATES }).notNull().default("ready"),
    /** Not claimed before this time (delays and retry backoff). */
    runAt: integer().notNull(),
    /** Times it was claimed. */
    attempts: integer().notNull().default(0),
    maxRetries: integer().notNull(),
    /** The actor's policy for a lost lease, copied at enqueue so any process can recover the message. */
    onLeaseLost: text({ enum: LEASE_LOST_POLICIES }).notNull().default("retry"),
    /** Messages with the same key never run at once (per tmux session serialization). */
    groupKey: text(),
    idempotencyKey: text(),
    leaseToken: text(),
    leaseExpiresAt: integer(),
    workerId: text(),
    lastError: text(),
    deadReason: text({ enum: DEAD_REASONS }),
    createdAt: integer().notNull(),
    startedAt: integer(),
    finishedAt: integer(),
    /** A dead letter a person chose to drop: kept until pruned, hidden from triage. */
    discardedAt: integer(),
  },
  (t) => [
    // What a claim walks: ready messages that were never delayed, or whose delay a claim has ended
    // (it sets run_at = created_at once due). Delayed ones stay out of it, so a backlog of them at a
    // higher priority costs a claim nothing (lib/db/sqlite/queue/claim.ts). With messages_delayed
    // it holds every ready message: no index of all of them (PostgreSQL's messages_ready) is kept
    // here, which every enqueue and claim would pay for (~25 % of an enqueue's time).
    index("messages_ready_now").on(sql`priority DESC`, t.id).where(sql`state = 'ready' AND run_at <= created_at`),
    index("messages_leased").on(t.leaseExpiresAt).where(sql`state = 'leased'`),
    index("messages_leased_group").on(t.groupKey).where(sql`state = 'leased' AND group_key IS NOT NULL`),
    // The first due message of each group is the only one of it a claim may take.
    index("messages_ready_group").on(t.groupKey, sql`priority DESC`, t.id).where(sql`state = 'ready' AND group_key IS NOT NULL`),
    // Delayed and retried messages only (run_at > created_at), so a plain enqueue does not pay for
    // it: the worker's "when is the next one due?" reads it instead of every ready message.
    index("messages_delayed").on(t.runAt).where(sql`state = 'ready' AND run_at > created_at`),
    // Dead letters for triage and pruning. Done messages have no index of their own (each would cost
    // every completion a page write): prune finds them by id, oldest first (lib/queue/prune.ts).
    index("messages_dead").on(t.finishedAt).where(sql`state = 'dead'`),
    uniqueIndex("messages_idempotency").on(t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
  ],
);
export type Message = typeof messages.$inferSelect;

/** Worker processes and their heartbeats, for the health page and lease recovery. */
export const workers = sqliteTable("workers", {
  id: text().primaryKey(),
  host: text().notNull(),
  pid: integer().notNull(),
  /** JSON arrays of names. */
  queues: text().notNull(),
  actors: text().notNull(),
  concurrency: integer().notNull(),
  inFlight: integer().notNull().default(0),
  processed: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  startedAt: integer().notNull(),
  heartbeatAt: integer().notNull(),
  stoppedAt: integer(),
});
export type Worker = typeof workers.$inferSelect;

/** An agent's request to run a command in its tmux session. */
export const requests = sqliteTable(
  "requests",
  {
    /** A ULID: sorts by creation time, so it is also the keyset cursor. */
    id: text().primaryKey(),
    agentId: text().notNull(),
    session: text().notNull(),
    command: text().notNull(),
    cwd: text(),
    reason: text(),
    priority: text({ enum: PRIORITIES }).notNull().default("NORMAL"),
    status: text({ enum: REQUEST_STATUSES }).notNull(),
    /** `run`: Gatehouse runs it; `gate`: the agent runs it once allowed (gatehouse hook). */
    kind: text({ enum: REQUEST_KINDS }).notNull().default("run"),
    timeoutSec: integer(),
    autoApprove: integer({ mode: "boolean" }).notNull().default(false),
    idempotencyKey: text(),
    decidedBy: text(),
    decidedAt: integer(),
    decisionComment: text(),
    exitCode: integer(),
    output: text(),
    outputTruncated: integer({ mode: "boolean" }).notNull().default(false),
    attempts: integer().notNull().default(0),
    lastError: text(),
    createdAt: integer().notNull(),
    expiresAt: integer().notNull(),
    queuedAt: integer(),
    startedAt: integer(),
    finishedAt: integer(),
    discardedAt: integer(),
    /** The last time its agent waited on it (a long-poll): the inbox shows who is blocked now. */
    agentWaitedAt: integer(),
  },
  (t) => [
    index("requests_status").on(t.status, t.id),
    index("requests_agent").on(t.agentId, t.id),
    index("requests_session").on(t.session, t.id),
    index("requests_pending_expiry").on(t.expiresAt).where(sql`status = 'pending'`),
    uniqueIndex("requests_idempotency").on(t.agentId, t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
  ],
);
export type Request = typeof requests.$inferSelect;

/**
 * Requests counted by status, kept by triggers (drizzle/0001_*) so that dashboard counters cost one
 * read at any table size. Key: the status, or `dead:discarded` for dead letters a person dropped.
 */
export const requestCounts = sqliteTable("request_counts", {
  key: text().primaryKey(),
  n: integer().notNull().default(0),
});

/**
 * What happened to requests in each minute (ms epoch / 60,000), kept by triggers on `requests`:
 * the throughput charts and queue-depth history read this instead of the requests table.
 */
export const requestMinutes = sqliteTable("request_minutes", {
  minute: integer().primaryKey(),
  submitted: integer().notNull().default(0),
  /** Approved or rejected, by a person or by policy. */
  decided: integer().notNull().default(0),
  started: integer().notNull().default(0),
  succeeded: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  dead: integer().notNull().default(0),
  /** Entries to and exits from `pending` and `queued`: depth over time without scanning requests. */
  pendingIn: integer().notNull().default(0),
  pendingOut: integer().notNull().default(0),
  queuedIn: integer().notNull().default(0),
  queuedOut: integer().notNull().default(0),
});

/**
 * Latency histograms per hour, kept by triggers: `metric` is `decision` (created → decided by a
 * person), `wait` (queued → started) or `run` (started → finished); `bucket` is
 * floor(log2(ms) * 4), so percentiles read from it are within ~10%.
 */
export const requestLatency = sqliteTable(
  "request_latency",
  {
    metric: text().notNull(),
    hour: integer().notNull(),
    bucket: integer().notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.metric, t.hour, t.bucket] })],
);

/** The audit trail: one row per transition of a request. */
export const requestEvents = sqliteTable(
  "request_events",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    requestId: text()
      .notNull()
      .references(() => requests.id, { onDelete: "cascade" }),
    at: integer().notNull(),
    /** Who: a user name, `agent:<id>`, `policy:<rule>`, `worker`, `system`. */
    actor: text().notNull(),
    fromStatus: text({ enum: REQUEST_STATUSES }),
    toStatus: text({ enum: REQUEST_STATUSES }).notNull(),
    reason: text(),
  },
  (t) => [index("request_events_request").on(t.requestId, t.id)],
);
export type RequestEvent = typeof requestEvents.$inferSelect;

/** Agents: a bearer token (hashed) bound to the tmux sessions it may target. */
export const agents = sqliteTable("agents", {
  id: text().primaryKey(),
  tokenHash: text().notNull().unique(),
  /** JSON array of session names. */
  sessions: text().notNull(),
  /** May this agent's urgent or self-marked requests be approved by policy? */
  autoApprove: integer({ mode: "boolean" }).notNull().default(false),
  createdAt: integer().notNull(),
});
export type Agent = typeof agents.$inferSelect;

/**
 * Runners: processes on agent hosts that run the commands of their tmux sessions, talking to the
 * server over HTTP only. A bearer token (hashed) names one; revoking keeps the row for the record.
 */
export const runners = sqliteTable("runners", {
  id: text().primaryKey(),
  tokenHash: text().notNull().unique(),
  /** JSON array of the tmux session names it serves. */
  sessions: text().notNull(),
  createdAt: integer().notNull(),
  /** Its last claim or heartbeat: the health page's "connected". */
  lastSeenAt: integer(),
  revokedAt: integer(),
});
export type Runner = typeof runners.$inferSelect;

/**
 * Which queue message groups (lib/requests: a session's commands, `notify:` + session for its
 * notices) a live runner takes. The local worker's claim skips every group listed here, so a tmux
 * session belongs to exactly one place; a revoked runner's rows go, and its sessions are local again.
 */
export const runnerGroups = sqliteTable(
  "runner_groups",
  {
    groupKey: text().primaryKey(),
    runnerId: text()
      .notNull()
      .references(() => runners.id, { onDelete: "cascade" }),
  },
  (t) => [index("runner_groups_runner").on(t.runnerId)],
);

/** People who sign in to the dashboard. */
export const users = sqliteTable("users", {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  role: text({ enum: ROLES }).notNull(),
  /** scrypt, as `scrypt$N$r$p$salt$hash`. */
  passwordHash: text().notNull(),
  /** An API token for automation, hashed; null when none was issued. */
  tokenHash: text().unique(),
  createdAt: integer().notNull(),
});
export type User = typeof users.$inferSelect;

/** Signed-in browser sessions; the cookie holds the id, signed. */
export const webSessions = sqliteTable(
  "web_sessions",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer().notNull(),
    expiresAt: integer().notNull(),
  },
  (t) => [index("web_sessions_user").on(t.userId)],
);

/** Policy rules: patterns on the command, optionally scoped to an agent and a session. */
export const rules = sqliteTable("rules", {
  id: text().primaryKey(),
  kind: text({ enum: RULE_KINDS }).notNull(),
  pattern: text().notNull(),
  agentId: text(),
  session: text(),
  /** Built-in defaults are seeded by migrations' first start and can be removed by an admin. */
  createdBy: text().notNull(),
  note: text(),
  createdAt: integer().notNull(),
});
export type Rule = typeof rules.$inferSelect;

/**
 * Outgoing webhooks an admin configured: each is posted to when a request starts waiting for a
 * person (lib/webhooks), from the queue (actor deliver_webhook).
 */
export const webhooks = sqliteTable("webhooks", {
  id: text().primaryKey(),
  url: text().notNull(),
  kind: text({ enum: WEBHOOK_KINDS }).notNull(),
  /** The HMAC-SHA256 key of a generic hook's signatures (null for Slack, which signs nothing). */
  secret: text(),
  createdBy: text().notNull(),
  createdAt: integer().notNull(),
});
export type Webhook = typeof webhooks.$inferSelect;

/** Small process-wide facts: the cookie signing secret, schema seeds. */
export const meta = sqliteTable("meta", {
  key: text().primaryKey(),
  value: text().notNull(),
});
