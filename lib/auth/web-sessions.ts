import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { perDb } from "../db/per-db";
import { meta, users, webSessions } from "../db/schema";
import { newSecret } from "../ids";
import type { UserIdentity } from "./users";

export const SESSION_COOKIE = "gatehouse_session";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

const secrets = new WeakMap<Db, string>();

/**
 * The cookie signing secret: made once per database (whichever process gets there first wins the
 * insert; everyone then reads the same value), so web restarts keep people signed in.
 */
function signingSecret(db: Db): string {
  let secret = secrets.get(db);
  if (!secret) {
    db.insert(meta).values({ key: "cookie_secret", value: newSecret(32) }).onConflictDoNothing().run();
    secret = db.select().from(meta).where(eq(meta.key, "cookie_secret")).get()!.value;
    secrets.set(db, secret);
  }
  return secret;
}

function sign(db: Db, id: string): string {
  return createHmac("sha256", signingSecret(db)).update(id).digest("base64url");
}

/** Starts a browser session; returns the cookie value (`id.signature`). */
export function createWebSession(db: Db, userId: string, now = Date.now()): string {
  const id = newSecret(24);
  db.delete(webSessions).where(lte(webSessions.expiresAt, now)).run();
  db.insert(webSessions).values({ id, userId, createdAt: now, expiresAt: now + SESSION_TTL_MS }).run();
  return `${id}.${sign(db, id)}`;
}

function sessionId(db: Db, cookie: string): string | null {
  const dot = cookie.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = cookie.slice(0, dot);
  const given = Buffer.from(cookie.slice(dot + 1));
  const expected = Buffer.from(sign(db, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

const liveSession = perDb((db) =>
  db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.id, sql.placeholder("id")), gt(webSessions.expiresAt, sql.placeholder("now"))))
    .prepare(),
);

/** The user a session cookie belongs to, while the session lasts. */
export function userBySessionCookie(db: Db, cookie: string, now = Date.now()): UserIdentity | null {
  const id = sessionId(db, cookie);
  if (!id) return null;
  return liveSession(db).get({ id, now }) ?? null;
}

/** Ends a browser session (logout); a cookie that names no session is ignored. */
export function endWebSession(db: Db, cookie: string): void {
  const id = sessionId(db, cookie);
  if (id) db.delete(webSessions).where(eq(webSessions.id, id)).run();
}

/** The Set-Cookie header for a session cookie (or, with an empty value, one that clears it). */
export function sessionCookieHeader(value: string, secure: boolean): string {
  const maxAge = value ? Math.floor(SESSION_TTL_MS / 1000) : 0;
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
