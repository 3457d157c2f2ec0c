// What the store has no method for, read or written in plain SQL on the test's database: row
// counts, queue messages, times a test injects. The SQL must mean the same to SQLite and to
// PostgreSQL (quoted camelCase aliases, `?` placeholders), so that these tests run on both stores.
import { loadConfig } from "../../lib/config";
import { openStore } from "../../lib/db/open";
import type { Pg } from "../../lib/db/postgres/client";
import type { SqliteStore } from "../../lib/db/sqlite/store";
import type { Store } from "../../lib/db/store";

/** Runs `text` on the store's database; the rows of a query, [] for a write. */
export async function sql<R = Record<string, unknown>>(store: Store, text: string, params: unknown[] = []): Promise<R[]> {
  if (store.kind === "sqlite") {
    const stmt = (store as SqliteStore).db.$client.prepare(text);
    if (stmt.reader) return stmt.all(...params) as R[];
    stmt.run(...params);
    return [];
  }
  let n = 0;
  return (store as Store & { pg: Pg }).pg.query<R>(text.replace(/\?/g, () => `$${++n}`), params);
}

/** A queue message as a test checks it. */
export interface MessageRow {
  id: number;
  actor: string;
  payload: string;
  state: "ready" | "leased" | "done" | "dead";
  attempts: number;
  maxRetries: number;
  runAt: number;
  lastError: string | null;
  deadReason: string | null;
}

const MESSAGE_COLUMNS = `id, actor, payload, state, attempts, max_retries AS "maxRetries", run_at AS "runAt", last_error AS "lastError", dead_reason AS "deadReason"`;

/** The messages of `actor`, oldest first. */
export function messagesOf(store: Store, actor: string): Promise<MessageRow[]> {
  return sql<MessageRow>(store, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE actor = ? ORDER BY id`, [actor]);
}

/** One message as it stands in the table now. */
export async function messageById(store: Store, id: number): Promise<MessageRow> {
  const [row] = await sql<MessageRow>(store, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`, [id]);
  if (!row) throw new Error(`No message ${id}`);
  return row;
}

/** Another connection to the database `env` names (GATEHOUSE_DB or GATEHOUSE_DATABASE_URL), as another process has. */
export function openStoreAt(env: Record<string, string>): Promise<Store> {
  return openStore(loadConfig(env));
}
