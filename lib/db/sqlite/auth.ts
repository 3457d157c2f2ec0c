import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Agent, User } from "../rows";
import type { SessionUser } from "../store";
import type { Db } from "./client";
import { perDb } from "./per-db";
import { agents, meta, users, webSessions } from "./schema";

const p = sql.placeholder;

// The lookups every API call and page makes, prepared once per database.
const statements = perDb((db) => ({
  agentByHash: db.select().from(agents).where(eq(agents.tokenHash, p("hash"))).prepare(),
  userByHash: db.select().from(users).where(eq(users.tokenHash, p("hash"))).prepare(),
  sessionUser: db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.id, p("id")), gt(webSessions.expiresAt, p("now"))))
    .prepare(),
}));

export function insertAgent(db: Db, agent: Agent): boolean {
  return db.insert(agents).values(agent).onConflictDoNothing().run().changes === 1;
}

export const agentByTokenHash = (db: Db, hash: string) => statements(db).agentByHash.get({ hash });
export const listAgents = (db: Db) => db.select().from(agents).all();

export function insertUser(db: Db, user: User): User | undefined {
  return db.insert(users).values(user).onConflictDoNothing().returning().get();
}

export function setUserTokenHash(db: Db, userId: string, hash: string): boolean {
  return db.update(users).set({ tokenHash: hash }).where(eq(users.id, userId)).run().changes === 1;
}

export const userByTokenHash = (db: Db, hash: string) => statements(db).userByHash.get({ hash });
export const userByName = (db: Db, name: string) => db.select().from(users).where(eq(users.name, name)).get();
export const hasAdmin = (db: Db) => db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).get() !== undefined;

/** The first writer of a meta key wins; everyone then reads the same value. */
export function metaValue(db: Db, key: string, initial: string): string {
  db.insert(meta).values({ key, value: initial }).onConflictDoNothing().run();
  return db.select().from(meta).where(eq(meta.key, key)).get()!.value;
}

export function createWebSession(db: Db, s: { id: string; userId: string; createdAt: number; expiresAt: number }, now: number): void {
  db.delete(webSessions).where(lte(webSessions.expiresAt, now)).run();
  db.insert(webSessions).values(s).run();
}

export const webSessionUser = (db: Db, id: string, now: number): SessionUser | undefined => statements(db).sessionUser.get({ id, now });

export function deleteWebSession(db: Db, id: string): void {
  db.delete(webSessions).where(eq(webSessions.id, id)).run();
}
