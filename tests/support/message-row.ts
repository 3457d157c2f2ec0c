// Queue messages as they stand in the table, on either store (the Store interface has no read of
// one message: workers never need one). Tests check a message's state, attempts and why it died,
// and set up a column now and then (max_retries, an expired lease).
import { eq, getTableColumns } from "drizzle-orm";
import type { Pg } from "../../lib/db/postgres/client";
import type { Message } from "../../lib/db/rows";
import type { Db } from "../../lib/db/sqlite/client";
import { messages } from "../../lib/db/sqlite/schema";
import type { Store } from "../../lib/db/store";

/** A store (t.store), or the SQLite handle itself. */
export type MessageSource = Store | Db;

type Handle = { kind: "sqlite"; db: Db } | { kind: "postgres"; pg: Pg };

function handle(source: MessageSource): Handle {
  if (!("kind" in source)) return { kind: "sqlite", db: source };
  if (source.kind === "sqlite") return { kind: "sqlite", db: (source as Store & { db: Db }).db };
  return { kind: "postgres", pg: (source as Store & { pg: Pg }).pg };
}

const column = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const KEYS = Object.keys(getTableColumns(messages)) as (keyof Message)[];
const PG_SELECT = KEYS.map((k) => `${column(k)} AS "${k}"`).join(", ");

/** Every message, by id. */
export async function messageRows(source: MessageSource): Promise<Message[]> {
  const h = handle(source);
  if (h.kind === "sqlite") return h.db.select().from(messages).orderBy(messages.id).all();
  return h.pg.query<Message>(`SELECT ${PG_SELECT} FROM messages ORDER BY id`);
}

async function findMessage(source: MessageSource, id: number): Promise<Message | undefined> {
  const h = handle(source);
  return h.kind === "sqlite"
    ? h.db.select().from(messages).where(eq(messages.id, id)).get()
    : (await h.pg.query<Message>(`SELECT ${PG_SELECT} FROM messages WHERE id = $1`, [id]))[0];
}

/** A queue message as it stands in the table now; tests check its state, attempts and why it died. */
export async function messageRow(source: MessageSource, id: number): Promise<Message> {
  const row = await findMessage(source, id);
  if (!row) throw new Error(`No message ${id}`);
  return row;
}

/** How many messages there are (in `state`, if given). */
export async function countMessages(source: MessageSource, state?: Message["state"]): Promise<number> {
  const h = handle(source);
  if (h.kind === "sqlite") {
    const c = h.db.$client;
    return (state === undefined
      ? c.prepare("SELECT count(*) FROM messages").pluck().get()
      : c.prepare("SELECT count(*) FROM messages WHERE state = ?").pluck().get(state)) as number;
  }
  const [row] = await (state === undefined
    ? h.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM messages")
    : h.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE state = $1", [state]));
  return row!.n;
}

/** Sets columns of a message directly (test setup: fewer retries, a lease that ran out). */
export async function updateMessage(
  source: MessageSource,
  id: number,
  set: Partial<Pick<Message, "maxRetries" | "leaseExpiresAt" | "runAt">>,
): Promise<void> {
  const h = handle(source);
  if (h.kind === "sqlite") {
    h.db.update(messages).set(set).where(eq(messages.id, id)).run();
    return;
  }
  const keys = Object.keys(set) as (keyof typeof set)[];
  if (!keys.length) return;
  await h.pg.query(
    `UPDATE messages SET ${keys.map((k, i) => `${column(k)} = $${i + 2}`).join(", ")} WHERE id = $1`,
    [id, ...keys.map((k) => set[k])],
  );
}

/**
 * A message's state now, or "gone" once it finished: a finished message is deleted, unless its
 * idempotency key keeps it as done.
 */
export async function messageState(source: MessageSource, id: number): Promise<Message["state"] | "gone"> {
  return (await findMessage(source, id))?.state ?? "gone";
}
