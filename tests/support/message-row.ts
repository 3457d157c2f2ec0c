import { eq } from "drizzle-orm";
import type { Db } from "../../lib/db/client";
import { messages, type Message } from "../../lib/db/schema";

/** A queue message as it stands in the table now; tests check its state, attempts and why it died. */
export function messageRow(db: Db, id: number): Message {
  const row = db.select().from(messages).where(eq(messages.id, id)).get();
  if (!row) throw new Error(`No message ${id}`);
  return row;
}
