// The store boundary: every database interaction Gatehouse has, as one interface with one
// implementation per store (lib/db/sqlite, lib/db/postgres), the way Oban's engines do it. Each
// method is one atomic unit — its own transaction — so no transaction ever spans an await of the
// caller's. What is not SQL (the state machine's rules, policy, backoff, presentation) lives above,
// in lib/queue, lib/requests, lib/auth and lib/dashboard, and reaches a store as plain data: a
// Plan says which guarded transition to make and what follows from it.
import type { Agent, Request, RequestEvent, Rule, Runner, User, Webhook } from "./rows";
import type { DeadReason, LeaseLostPolicy } from "../queue/states";
import type { RequestStatus } from "../requests/statuses";

export type StoreKind = "sqlite" | "postgres";

// ───────────────────────────── queue ─────────────────────────────

/** Proof of a claim: settling a message needs its id and the token of the claim that took it. */
export interface Lease {
  id: number;
  leaseToken: string;
}

/** A message ready to write: checked against its actor and resolved by lib/queue/enqueue. */
export interface NewMessage {
  queue: string;
  actor: string;
  /** JSON text. */
  payload: string;
  /** 0 (LOW) to 4 (EMERGENCY). */
  priority: number;
  runAt: number;
  maxRetries: number;
  onLeaseLost: LeaseLostPolicy;
  groupKey: string | null;
  idempotencyKey: string | null;
  createdAt: number;
}

export interface Enqueued {
  id: number;
  /** False when an idempotency key matched an existing message. */
  created: boolean;
}

export interface ClaimRequest {
  workerId: string;
  /** Only these queues; undefined means every queue. */
  queues?: readonly string[];
  /** Most messages to take (0: only complete). */
  limit: number;
  /** Messages sharing a group key that may be leased at once, across all workers. */
  groupLimit: number;
  leaseMs: number;
  now: number;
}

/** A runner's claim: under its own lease token, from only some of its groups if `groups` says. */
export type RunnerClaim = Omit<ClaimRequest, "workerId" | "queues" | "groupLimit"> & {
  token: string;
  groups?: readonly string[];
  /**
   * As a worker's, or null for no group rule: every due message of the groups, in priority then
   * id order (a session's notices, which the runner delivers in the order it is given them).
   */
  groupLimit: number | null;
};

/** A claimed message as the store returns it (payload still JSON text). */
export interface ClaimedRow extends Lease {
  actor: string;
  payload: string;
  priority: number;
  /** Times claimed, this claim included. */
  attempts: number;
  maxRetries: number;
}

/** A message after a statement that may have dead-lettered it or scheduled it again. */
export interface ChangedRow {
  id: number;
  actor: string;
  queue: string;
  payload: string;
  attempts: number;
  lastError: string | null;
  state: "ready" | "leased" | "done" | "dead";
  runAt: number;
  deadReason: DeadReason | null;
}

/**
 * What the domain wants done in the same transaction when messages change state (lib/queue/hooks:
 * a dead execution message makes its request dead). Called inside the store's transaction; must be
 * pure (no I/O) and return quickly.
 */
export interface QueueReactions {
  /** Rows a statement dead-lettered or put back to ready (a retry). */
  changed(rows: readonly ChangedRow[]): Plan[];
  /** A dead letter a person put back on its queue. */
  requeued(row: ChangedRow): Plan[];
  /** A dead letter a person discarded. */
  discarded(row: ChangedRow): Plan[];
}

export interface FailParams {
  /** When a retry may run, if the actor has retries left. */
  runAt: number;
  /** Why it is dead, if it has none left. */
  deadReason: DeadReason;
  error: string;
  now: number;
}

export interface DeadRow {
  id: number;
  queue: string;
  actor: string;
  payload: string;
  priority: number;
  attempts: number;
  deadReason: DeadReason;
  lastError: string | null;
  groupKey: string | null;
  createdAt: number;
  finishedAt: number;
  discardedAt: number | null;
}

export interface ListDeadQuery {
  limit: number;
  beforeId?: number;
  actor?: string;
  discarded: boolean;
}

export interface PruneParams {
  /** Done messages finished before this go. */
  doneBefore: number;
  /** Dead letters finished before this go. */
  deadBefore: number;
  /** Worker records whose heartbeat is older than this go. */
  workersBefore: number;
}

export interface Pruned {
  done: number;
  dead: number;
  workers: number;
}

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  actors: string[];
  concurrency: number;
  inFlight: number;
  processed: number;
  failed: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
}

export interface WorkerCounters {
  inFlight: number;
  processed: number;
  failed: number;
}

export interface WakeOptions {
  /** Safety-net interval of the check for new work, in ms (GATEHOUSE_WAKE_POLL_MS). */
  pollMs: number;
  /** Called (at most once per event-loop turn) when another process may have written work. */
  onWake: () => void;
  /** Whether the caller waits for work now; wake-ups may be skipped while it is busy. (Default: always) */
  waiting?: () => boolean;
}

export interface QueueStore {
  /**
   * How many claims one worker keeps under way at once, each for its share of the worker's slots.
   * On PostgreSQL a claim is a round trip: with two, one share's messages run while the database
   * answers for the other's. SQLite answers within the call, so one is all it can use.
   */
  readonly claimLanes: number;
  /** Writes messages in one transaction; an idempotency key that exists returns that message. */
  enqueue(messages: readonly NewMessage[]): Promise<Enqueued[]>;
  /**
   * Completes a worker's finished messages and claims up to `limit` due ones under one new lease
   * token (highest priority first, FIFO within a priority; a group's first due message only, while
   * fewer than groupLimit of its group are leased), in one transaction. Two claimers never take
   * the same message.
   */
  completeAndClaim(finished: readonly Lease[], claim: ClaimRequest & { token: string }): Promise<{ completed: number; claimed: ClaimedRow[] }>;
  /** When the next delayed or retried message comes due (after `now`), or null. */
  nextDueAt(now: number): Promise<number | null>;
  /** Marks messages done if their leases still match; returns how many did. */
  completeMany(leases: readonly Lease[], now: number): Promise<number>;
  /** Completes the message and applies `plans` in one transaction; false (nothing written) when the lease is lost. */
  completeWith(lease: Lease, plans: readonly Plan[], now: number): Promise<boolean>;
  /** A failed run: ready again at runAt while attempts <= max_retries, else dead. Null when the lease is lost. */
  fail(lease: Lease, params: FailParams, react: QueueReactions): Promise<ChangedRow | null>;
  /** Dead-letters a held message at once. False when the lease is lost. */
  deadLetter(lease: Lease, reason: DeadReason, error: string, now: number, react: QueueReactions): Promise<boolean>;
  /** A stopping worker gives messages back: `retry` actors ready again uncounted, `dead` actors interrupted. */
  release(leases: readonly Lease[], now: number, react: QueueReactions): Promise<number>;
  /** Up to `limit` messages whose lease expired, each as its on_lease_lost says. */
  reclaim(now: number, limit: number, react: QueueReactions): Promise<ChangedRow[]>;
  requeueDead(id: number, now: number, react: QueueReactions): Promise<boolean>;
  discardDead(id: number, now: number, react: QueueReactions): Promise<boolean>;
  listDead(query: ListDeadQuery): Promise<DeadRow[]>;
  prune(params: PruneParams): Promise<Pruned>;

  registerWorker(worker: Omit<WorkerRecord, "inFlight" | "processed" | "failed" | "heartbeatAt" | "stoppedAt">): Promise<void>;
  /** Records the heartbeat and extends the leases of every message the worker holds; returns how many. */
  heartbeat(id: string, counters: WorkerCounters, now: number, leaseMs: number): Promise<number>;
  markWorkerStopped(id: string, counters: WorkerCounters, now: number): Promise<void>;
  /** Workers whose heartbeat is after `since`, by host then start. */
  listWorkers(since: number): Promise<WorkerRecord[]>;

  /** Calls `onWake` soon after another process writes to the queue; returns a function that stops it. */
  watchForWork(opts: WakeOptions): () => void;
}

// ───────────────────────────── requests ─────────────────────────────

/** Columns a transition may set besides the status. */
export type RequestPatch = Partial<Omit<Request, "id" | "status" | "kind" | "agentId" | "session" | "command" | "createdAt" | "agentWaitedAt">>;

/** A new policy rule (ids made by the caller). */
export type NewRule = Rule;

/** What follows from a transition, in its transaction, computed from the updated row. */
export interface Effects {
  enqueue?: NewMessage[];
  /** An allow rule to add unless one with the same kind, pattern, agent and no session exists. */
  remember?: NewRule;
}

/**
 * One guarded transition: `UPDATE requests SET status = to, … WHERE id = ? AND status = <current>`
 * when the current status is one of `from` (and, with `undiscarded`, it is not discarded), plus
 * its audit event and its effects, all in the store's transaction.
 */
export interface Plan {
  requestId: string;
  from: readonly RequestStatus[];
  to: RequestStatus;
  /** Only a request not yet discarded. */
  undiscarded?: boolean;
  set: RequestPatch;
  /** Add one to `attempts`. */
  countAttempt?: boolean;
  event: { at: number; actor: string; reason: string | null };
  then?: (row: Request) => Effects;
  /**
   * A plan that finds the request missing or in another status is skipped, and the others go on
   * (queue reactions: losing a race with a person is not an error). Otherwise the whole
   * transaction is rolled back and the refusal returned.
   */
  optional?: boolean;
}

export type Applied =
  | { ok: true; rows: Request[] }
  /** The first required plan that could not apply; `current` is the request as it is (undefined: none). */
  | { ok: false; plan: Plan; current: Request | undefined };

/** A request to insert with its first events and, when the policy approved it, its messages. */
export interface NewRequestWrite {
  row: Request;
  events: Omit<RequestEvent, "id">[];
  enqueue: NewMessage[];
}

/** One page of a request list; see lib/requests/list.ts for the query's meaning. */
export interface ListQuery {
  status?: readonly RequestStatus[];
  agent?: string;
  session?: string;
  priority?: readonly string[];
  q?: string;
  discarded?: boolean;
  sort?: "newest" | "oldest";
  cursor?: string;
  limit?: number;
}

/**
 * Rows one page may look at when a filter has no index of its own (text, priority, discarded, or a
 * second one of status / agent / session): a page then costs the same at row 1,000,000 as at row
 * 10, and `nextCursor` goes on from where it stopped (`partial`).
 */
export const SCAN_LIMIT = 10_000;

export interface ListPage<Row> {
  items: Row[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  /** The page stopped after looking at its scan limit of rows: more may match behind nextCursor. */
  partial: boolean;
}

/** A request as the dashboard lists it: everything but the output and the bookkeeping. */
export type RequestListRow = Pick<
  Request,
  | "id" | "kind" | "agentId" | "session" | "command" | "cwd" | "reason" | "priority" | "status" | "decidedBy" | "decidedAt" | "agentWaitedAt"
  | "decisionComment" | "exitCode" | "attempts" | "lastError" | "createdAt" | "expiresAt" | "startedAt" | "finishedAt"
>;

export interface RequestStore {
  getRequest(id: string): Promise<Request | undefined>;
  /** Inserts a request (or, with an idempotency key already used by its agent, returns that one). */
  insertRequest(write: NewRequestWrite): Promise<{ request: Request; created: boolean }>;
  /** Applies plans in one transaction, in order. */
  apply(plans: readonly Plan[]): Promise<Applied>;
  /** Notes that the request's agent is waiting on it now (a long-poll); changes nothing else. */
  markAgentWaited(id: string, at: number): Promise<void>;
  /** Pending requests whose time is up, oldest expiry first. */
  duePending(now: number, limit: number): Promise<string[]>;
  /** Of these ids, those whose status is one of `statuses`. */
  idsWithStatus(ids: readonly string[], statuses: readonly RequestStatus[]): Promise<string[]>;
  /** The statuses of these requests (missing ones left out). */
  statuses(ids: readonly string[]): Promise<{ id: string; status: RequestStatus }[]>;
  listRequests(query: ListQuery): Promise<ListPage<Request>>;
  listRequestRows(query: ListQuery): Promise<ListPage<RequestListRow>>;
  /** The audit trail of one request, oldest first. */
  listEvents(requestId: string): Promise<RequestEvent[]>;
  /**
   * Calls `onChange` soon after another process changes requests, while it is watched (long-polls
   * and live views). Returns a function that stops it.
   */
  watchRequests(onChange: () => void, pollMs: number): () => void;

  /**
   * Every rule, oldest first. `seen`: the `configVersion` read with the caller's token; a store that
   * keeps the rules in memory answers from there when its copy has every change up to it.
   */
  listRules(seen?: number): Promise<Rule[]>;
  addRule(rule: NewRule): Promise<Rule>;
  deleteRule(id: string): Promise<Rule | undefined>;
  /** Inserts `rules` once for the life of the database (marked by `marker` in meta); false when already done. */
  seedRules(rules: readonly NewRule[], marker: string, now: number): Promise<boolean>;
}

// ───────────────────────────── auth ─────────────────────────────

export interface SessionUser {
  id: string;
  name: string;
  role: User["role"];
}

export interface AuthStore {
  /** False when an agent with this id exists. */
  insertAgent(agent: Agent): Promise<boolean>;
  /**
   * The agent a token hash belongs to. `configVersion`, from a store that keeps the rules and
   * webhooks in memory: the count of changes to them, read with the token (see `listRules`).
   */
  agentByTokenHash(hash: string): Promise<(Agent & { configVersion?: number }) | undefined>;
  listAgents(): Promise<Agent[]>;
  /** Undefined when the name is taken. */
  insertUser(user: User): Promise<User | undefined>;
  setUserTokenHash(userId: string, hash: string): Promise<boolean>;
  userByTokenHash(hash: string): Promise<User | undefined>;
  userByName(name: string): Promise<User | undefined>;
  hasAdmin(): Promise<boolean>;
  /** The value of a meta key, set to `initial` first if it has none (the first writer wins). */
  metaValue(key: string, initial: string): Promise<string>;
  /** Starts a browser session, removing expired ones. */
  createWebSession(session: { id: string; userId: string; createdAt: number; expiresAt: number }, now: number): Promise<void>;
  webSessionUser(id: string, now: number): Promise<SessionUser | undefined>;
  deleteWebSession(id: string): Promise<void>;
}

// ───────────────────────────── runners ─────────────────────────────

/** The worker id under which a runner's leases are held (messages.worker_id). */
export const runnerWorkerId = (runnerId: string): string => `runner:${runnerId}`;

/** A runner as the health page lists it. */
export interface RunnerRecord {
  id: string;
  sessions: string[];
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** Messages it holds now. */
  leased: number;
}

export type RunnerInsert = { ok: true } | { ok: false; exists: true } | { ok: false; taken: string[] };

/** A message a runner holds, as a report or an output chunk needs it. */
export interface HeldMessage extends Lease {
  actor: string;
  payload: string;
  /** Times claimed, this claim included. */
  attempts: number;
}

export interface RunnerStore {
  /**
   * Registers a runner and gives it its message groups, in one transaction: refused when the name
   * exists, or when another runner already has one of the groups (`taken`).
   */
  insertRunner(runner: Runner, groups: readonly string[]): Promise<RunnerInsert>;
  runnerByTokenHash(hash: string): Promise<Runner | undefined>;
  listRunners(): Promise<RunnerRecord[]>;
  /** Marks it revoked and gives its groups back to the local worker; false when there is no live runner by that id. */
  revokeRunner(id: string, now: number): Promise<boolean>;
  /**
   * Leases up to `limit` due messages of the runner's groups under `token` (the same group rules as
   * completeAndClaim, unless `groupLimit` is null), and records that it was seen, in one transaction.
   */
  claimForRunner(runnerId: string, claim: RunnerClaim): Promise<ClaimedRow[]>;
  /** Records that the runner was seen and extends every lease it holds; returns them. */
  runnerHeartbeat(runnerId: string, now: number, leaseMs: number): Promise<Lease[]>;
  /** The message, if the runner holds it under this lease now. */
  runnerLease(runnerId: string, lease: Lease): Promise<HeldMessage | undefined>;
}

// ───────────────────────────── webhooks ─────────────────────────────

export interface WebhookStore {
  /** Every outgoing webhook, oldest first; `seen` as for `listRules`. */
  listWebhooks(seen?: number): Promise<Webhook[]>;
  getWebhook(id: string): Promise<Webhook | undefined>;
  addWebhook(hook: Webhook): Promise<Webhook>;
  deleteWebhook(id: string): Promise<Webhook | undefined>;
}

// ───────────────────────────── reads for pages ─────────────────────────────

/** One minute's rollup row (see request_minutes in the schema). */
export interface MinuteRow {
  minute: number;
  submitted: number;
  decided: number;
  started: number;
  succeeded: number;
  failed: number;
  dead: number;
  pendingIn: number;
  pendingOut: number;
  queuedIn: number;
  queuedOut: number;
}

export interface QueueCounts {
  queue: string;
  ready: number;
  leased: number;
  /** Dead letters awaiting triage (not discarded). */
  dead: number;
  oldestReadyAt: number | null;
}

export interface DatabaseInfo {
  kind: StoreKind;
  /** The file, or the server and database (no password). */
  location: string;
  sizeBytes: number;
  /** SQLite: the write-ahead log and this process's last passive checkpoint. */
  walBytes?: number;
  lastCheckpoint?: { at: number; walFrames: number; checkpointed: number } | null;
  /** PostgreSQL: the pool. */
  pool?: { total: number; idle: number; waiting: number };
}

export interface ReadStore {
  /** Trigger-kept counts: key is a status, or `dead:discarded`. */
  statusCounts(): Promise<{ key: string; n: number }[]>;
  /** Rollup rows of minutes >= fromMinute, in order. */
  minutes(fromMinute: number): Promise<MinuteRow[]>;
  /** Latency histogram counts per metric and bucket over hours >= fromHour. */
  latency(fromHour: number): Promise<{ metric: string; bucket: number; n: number }[]>;
  oldestPendingAt(): Promise<number | null>;
  /** The last `window` requests' command, agent and session, counted. */
  recentCommands(window: number): Promise<{ command: string; agentId: string; session: string; n: number }[]>;
  queueCounts(): Promise<QueueCounts[]>;
  /** Queue and actor of every distinct ready message. */
  readyActors(): Promise<{ queue: string; actor: string }[]>;
  /** Throws when the database cannot be read. */
  databaseInfo(now: number): Promise<DatabaseInfo>;
}

/** Everything Gatehouse asks of a database. */
export interface Store extends QueueStore, RequestStore, AuthStore, RunnerStore, WebhookStore, ReadStore {
  readonly kind: StoreKind;
  close(): Promise<void>;
}
