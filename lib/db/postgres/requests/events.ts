import type { PgTx } from "../client";
import type { RequestEvent } from "../../rows";
import { NEW_EVENT_KEYS, insertStatement } from "../rows";

/** Appends audit events in the caller's transaction; their ids follow the order given. */
export async function insertEvents(c: PgTx, events: readonly Omit<RequestEvent, "id">[]): Promise<void> {
  if (events.length === 0) return;
  const { text, values } = insertStatement("request_events", NEW_EVENT_KEYS, events);
  await c.query(text, values);
}
