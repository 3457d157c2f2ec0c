import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ROLES } from "../../auth/roles";
import { DEAD_REASONS, LEASE_LOST_POLICIES, MESSAGE_STATES } from "../../queue/states";
import { RULE_KINDS } from "../../requests/rule-kinds";
import { PRIORITIES, REQUEST_KINDS, REQUEST_STATUSES } from "../../requests/statuses";
import { WEBHOOK_KINDS } from "../../webhooks/kinds";
import type * as rows from "../rows";

// The PostgreSQL twin of lib/db/sqlite/schema.ts, table for table and column for column (the
// meaning of each column is documented there). tests/store/schema-parity.test.ts fails when the two
// disagree; the type checks at the end fail the build when a row type differs from lib/db/rows.ts.
// Times are ms since the epoch: int8, read as numbers (lib/db/postgres/client.ts parses int8).

/** An int8 of milliseconds since the epoch, read as a JavaScript number (exact below 2^53). */
const ms = () => bigint({ mode: "number" });
/** An autoincrement id: a bigint identity that an explicit id may still fill (imports). */
const serialId = () => bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity();

export const messages = pgTable(
  "messages",
  {
    id: serialId(),
    queue: text().notNull(),
    actor: text().notNull(),
    payload: text().notNull(),
    priority: integer().notNull().default(1),
    state: text({ enum: MESSAGE_STATES }).notNull().default("ready"),
    runAt: ms().notNull(),
    attempts: integer().notNull().default(0),
    maxRetries: integer().notNull(),
    onLeaseLost: text({ enum: LEASE_LOST_POLICIES }).notNull().default("retry"),
    groupKey: text(),
    idempotencyKey: text(),
    leaseToken: text(),
    leaseExpiresAt: ms(),
    workerId: text(),
    lastError: text(),
    deadReason: text({ enum: DEAD_REASONS }),
    createdAt: ms().notNull(),
    startedAt: ms(),
    finishedAt: ms(),
    discardedAt: ms(),
  },
  (t) => [
    index("messages_ready").on(t.priority.desc(), t.id).where(sql`state = 'ready'`),
    // SQLite's claim walks it (see lib/db/sqlite/schema.ts); kept here so both schemas stay one.
    index("messages_ready_now").on(t.priority.desc(), t.id).where(sql`state = 'ready' AND run_at <= created_at`),
    index("messages_leased").on(t.leaseExpiresAt).where(sql`state = 'leased'`),
    index("messages_leased_group").on(t.groupKey).where(sql`state = 'leased' AND group_key IS NOT NULL`),
    index("messages_ready_group").on(t.groupKey, t.priority.desc(), t.id).where(sql`state = 'ready' AND group_key IS NOT NULL`),
    index("messages_delayed").on(t.runAt).where(sql`state = 'ready' AND run_at > created_at`),
    index("messages_dead").on(t.finishedAt).where(sql`state = 'dead'`),
    uniqueIndex("messages_idempotency").on(t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
  ],
);

export const workers = pgTable("workers", {
  id: text().primaryKey(),
  host: text().notNull(),
  pid: integer().notNull(),
  queues: text().notNull(),
  actors: text().notNull(),
  concurrency: integer().notNull(),
  inFlight: integer().notNull().default(0),
  processed: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  startedAt: ms().notNull(),
  heartbeatAt: ms().notNull(),
  stoppedAt: ms(),
});

export const requests = pgTable(
  "requests",
  {
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
    autoApprove: boolean().notNull().default(false),
    idempotencyKey: text(),
    decidedBy: text(),
    decidedAt: ms(),
    decisionComment: text(),
    exitCode: integer(),
    output: text(),
    outputTruncated: boolean().notNull().default(false),
    attempts: integer().notNull().default(0),
    lastError: text(),
    createdAt: ms().notNull(),
    expiresAt: ms().notNull(),
    queuedAt: ms(),
    startedAt: ms(),
    finishedAt: ms(),
    discardedAt: ms(),
    /** The last time its agent waited on it (a long-poll): the inbox shows who is blocked now. */
    agentWaitedAt: ms(),
  },
  (t) => [
    index("requests_status").on(t.status, t.id),
    index("requests_agent").on(t.agentId, t.id),
    index("requests_session").on(t.session, t.id),
    index("requests_pending_expiry").on(t.expiresAt).where(sql`status = 'pending'`),
    uniqueIndex("requests_idempotency").on(t.agentId, t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
  ],
);

/** Kept by the triggers of drizzle/postgres/0001_*, like SQLite's. */
export const requestCounts = pgTable("request_counts", {
  key: text().primaryKey(),
  n: integer().notNull().default(0),
});

export const requestMinutes = pgTable("request_minutes", {
  /** ms epoch / 60,000: fits an int4 until the year 6053. */
  minute: integer().primaryKey(),
  submitted: integer().notNull().default(0),
  decided: integer().notNull().default(0),
  started: integer().notNull().default(0),
  succeeded: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  dead: integer().notNull().default(0),
  pendingIn: integer().notNull().default(0),
  pendingOut: integer().notNull().default(0),
  queuedIn: integer().notNull().default(0),
  queuedOut: integer().notNull().default(0),
});

export const requestLatency = pgTable(
  "request_latency",
  {
    metric: text().notNull(),
    hour: integer().notNull(),
    bucket: integer().notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.metric, t.hour, t.bucket] })],
);

export const requestEvents = pgTable(
  "request_events",
  {
    id: serialId(),
    requestId: text()
      .notNull()
      .references(() => requests.id, { onDelete: "cascade" }),
    at: ms().notNull(),
    actor: text().notNull(),
    fromStatus: text({ enum: REQUEST_STATUSES }),
    toStatus: text({ enum: REQUEST_STATUSES }).notNull(),
    reason: text(),
  },
  (t) => [index("request_events_request").on(t.requestId, t.id)],
);

export const agents = pgTable("agents", {
  id: text().primaryKey(),
  tokenHash: text().notNull().unique(),
  sessions: text().notNull(),
  autoApprove: boolean().notNull().default(false),
  createdAt: ms().notNull(),
});

export const runners = pgTable("runners", {
  id: text().primaryKey(),
  tokenHash: text().notNull().unique(),
  sessions: text().notNull(),
  createdAt: ms().notNull(),
  lastSeenAt: ms(),
  revokedAt: ms(),
});

export const runnerGroups = pgTable(
  "runner_groups",
  {
    groupKey: text().primaryKey(),
    runnerId: text()
      .notNull()
      .references(() => runners.id, { onDelete: "cascade" }),
  },
  (t) => [index("runner_groups_runner").on(t.runnerId)],
);

export const users = pgTable("users", {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  role: text({ enum: ROLES }).notNull(),
  passwordHash: text().notNull(),
  tokenHash: text().unique(),
  createdAt: ms().notNull(),
});

export const webSessions = pgTable(
  "web_sessions",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ms().notNull(),
    expiresAt: ms().notNull(),
  },
  (t) => [index("web_sessions_user").on(t.userId)],
);

export const rules = pgTable("rules", {
  id: text().primaryKey(),
  kind: text({ enum: RULE_KINDS }).notNull(),
  pattern: text().notNull(),
  agentId: text(),
  session: text(),
  createdBy: text().notNull(),
  note: text(),
  createdAt: ms().notNull(),
});

export const webhooks = pgTable("webhooks", {
  id: text().primaryKey(),
  url: text().notNull(),
  kind: text({ enum: WEBHOOK_KINDS }).notNull(),
  secret: text(),
  createdBy: text().notNull(),
  createdAt: ms().notNull(),
});

export const meta = pgTable("meta", {
  key: text().primaryKey(),
  value: text().notNull(),
});

// ── The rows are the same as SQLite's: a type error here means the two schemas drifted apart. ──

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type RowTypesMatch = [
  Assert<Equal<typeof messages.$inferSelect, rows.Message>>,
  Assert<Equal<typeof workers.$inferSelect, rows.Worker>>,
  Assert<Equal<typeof requests.$inferSelect, rows.Request>>,
  Assert<Equal<typeof requestEvents.$inferSelect, rows.RequestEvent>>,
  Assert<Equal<typeof agents.$inferSelect, rows.Agent>>,
  Assert<Equal<typeof runners.$inferSelect, rows.Runner>>,
  Assert<Equal<typeof users.$inferSelect, rows.User>>,
  Assert<Equal<typeof rules.$inferSelect, rows.Rule>>,
  Assert<Equal<typeof webhooks.$inferSelect, rows.Webhook>>,
];
