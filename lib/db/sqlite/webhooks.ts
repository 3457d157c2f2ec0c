import { asc, eq } from "drizzle-orm";
import type { Webhook } from "../rows";
import type { Db } from "./client";
import { perDb } from "./per-db";
import { webhooks } from "./schema";

// Read on every submission that starts waiting for a person: prepared once.
const allWebhooks = perDb((db) => db.select().from(webhooks).orderBy(asc(webhooks.createdAt), asc(webhooks.id)).prepare());

// Outgoing webhooks, oldest first (then by id).

export const listWebhooks = (db: Db): Webhook[] => allWebhooks(db).all();
export const getWebhook = (db: Db, id: string): Webhook | undefined => db.select().from(webhooks).where(eq(webhooks.id, id)).get();
export const addWebhook = (db: Db, hook: Webhook): Webhook => db.insert(webhooks).values(hook).returning().get();
export const deleteWebhook = (db: Db, id: string): Webhook | undefined => db.delete(webhooks).where(eq(webhooks.id, id)).returning().get();
