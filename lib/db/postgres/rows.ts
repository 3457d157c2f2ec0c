import type { Agent, Request, RequestEvent, Rule, Runner, User } from "../rows";
import type { RequestListRow } from "../store";

// PostgreSQL hands rows back keyed by column name (snake_case); Gatehouse's rows are camelCase.
// Every statement of the PostgreSQL store selects through the lists below, which alias each
// column to its key (`agent_id AS "agentId"`), so a result row already is the row type and no
// copying loop exists. Each list is built from a record naming every key of its row type: a
// column added to the schema and not here fails to compile. (int8 and booleans arrive as numbers
// and booleans: see connectPg.)

/** The column behind a row key: the schema's `casing: "snake_case"` (agentId → agent_id). */
export function columnOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

type Every<Row> = Record<keyof Row, true>;

/** `col AS "key", …` for every key. */
function selectList<Row>(keys: Every<Row>): string {
  return Object.keys(keys)
    .map((k) => `${columnOf(k)} AS "${k}"`)
    .join(", ");
}

const REQUEST_LIST_KEYS: Every<RequestListRow> = {
  id: true,
  agentId: true,
  session: true,
  command: true,
  cwd: true,
  reason: true,
  priority: true,
  status: true,
  decidedBy: true,
  decidedAt: true,
  decisionComment: true,
  exitCode: true,
  attempts: true,
  lastError: true,
  createdAt: true,
  expiresAt: true,
  startedAt: true,
  finishedAt: true,
  kind: true,
  agentWaitedAt: true,
};

export const REQUEST_KEYS: Every<Request> = {
  ...REQUEST_LIST_KEYS,
  timeoutSec: true,
  autoApprove: true,
  idempotencyKey: true,
  output: true,
  outputTruncated: true,
  queuedAt: true,
  discardedAt: true,
};

export const NEW_EVENT_KEYS: Every<Omit<RequestEvent, "id">> = {
  requestId: true,
  at: true,
  actor: true,
  fromStatus: true,
  toStatus: true,
  reason: true,
};
const EVENT_KEYS: Every<RequestEvent> = { id: true, ...NEW_EVENT_KEYS };

export const RULE_KEYS: Every<Rule> = {
  id: true,
  kind: true,
  pattern: true,
  agentId: true,
  session: true,
  createdBy: true,
  note: true,
  createdAt: true,
};

export const AGENT_KEYS: Every<Agent> = { id: true, tokenHash: true, sessions: true, autoApprove: true, createdAt: true };

export const RUNNER_KEYS: Every<Runner> = { id: true, tokenHash: true, sessions: true, createdAt: true, lastSeenAt: true, revokedAt: true };

export const USER_KEYS: Every<User> = {
  id: true,
  name: true,
  role: true,
  passwordHash: true,
  tokenHash: true,
  createdAt: true,
};

/**
 * PostgreSQL text cannot hold a NUL character and refuses any parameter with one, where SQLite
 * simply finds no row. No stored key contains one, so a lookup by such a key answers "none"
 * without asking (ids from URLs, names from a login form, list filters).
 */
export const unstorable = (text: string): boolean => text.includes("\0");

/** Select lists (and RETURNING lists) that yield each row type as it is. */
export const REQUEST_COLUMNS = selectList(REQUEST_KEYS);
export const REQUEST_LIST_COLUMNS = selectList(REQUEST_LIST_KEYS);
export const EVENT_COLUMNS = selectList(EVENT_KEYS);
export const RULE_COLUMNS = selectList(RULE_KEYS);
export const AGENT_COLUMNS = selectList(AGENT_KEYS);
export const USER_COLUMNS = selectList(USER_KEYS);
export const RUNNER_COLUMNS = selectList(RUNNER_KEYS);
/**
 * `INSERT INTO table (…) VALUES ($1, …), (…)` writing every key of each row, and its parameters;
 * the caller appends ON CONFLICT and RETURNING. Column names come from the key records above,
 * never from a row's own keys.
 */
export function insertStatement<Row>(table: string, keys: Every<Row>, rows: readonly Row[]): { text: string; values: unknown[] } {
  const names = Object.keys(keys) as (keyof Row & string)[];
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${names.map((k) => `$${values.push(row[k])}`).join(", ")})`);
  return { text: `INSERT INTO ${table} (${names.map(columnOf).join(", ")}) VALUES ${tuples.join(", ")}`, values };
}
