import { asc, eq } from "drizzle-orm";
import type { Webhook } from "../rows";
import type { Db } from "./client";
import { webhooks } from "./schema";

// Outgoing webhooks, oldest first (then by id).

export const listWebhooks = (db: Db): Webhook[] => db.select().from(webhooks).orderBy(asc(webhooks.createdAt), asc(webhooks.id)).all();
export const getWebhook = (db: Db, id: string): Webhook | undefined => db.select().from(webhooks).where(eq(webhooks.id, id)).get();
export const addWebhook = (db: Db, hook: Webhook): Webhook => db.insert(webhooks).values(hook).returning().get();
export const deleteWebhook = (db: Db, id: string): Webhook | undefined => db.delete(webhooks).where(eq(webhooks.id, id)).returning().get();
