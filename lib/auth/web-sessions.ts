import { createHmac, timingSafeEqual } from "node:crypto";
import type { Store } from "../db/store";
import { newSecret } from "../ids";
import type { UserIdentity } from "./users";

export const SESSION_COOKIE = "gatehouse_session";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

const secrets = new WeakMap<Store, string>();

/**
 * The cookie signing secret: made once per database (whichever process gets there first wins the
 * insert; everyone then reads the same value), so web restarts keep people signed in.
 */
export async function signingSecret(store: Store): Promise<string> {
  let secret = secrets.get(store);
  if (!secret) {
    secret = await store.metaValue("cookie_secret", newSecret(32));
    secrets.set(store, secret);
  }
  return secret;
}

async function sign(store: Store, id: string): Promise<string> {
  return createHmac("sha256", await signingSecret(store)).update(id).digest("base64url");
}

/** Starts a browser session; returns the cookie value (`id.signature`). */
export async function createWebSession(store: Store, userId: string, now = Date.now()): Promise<string> {
  const id = newSecret(24);
  await store.createWebSession({ id, userId, createdAt: now, expiresAt: now + SESSION_TTL_MS }, now);
  return `${id}.${await sign(store, id)}`;
}

async function sessionId(store: Store, cookie: string): Promise<string | null> {
  const dot = cookie.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = cookie.slice(0, dot);
  const given = Buffer.from(cookie.slice(dot + 1));
  const expected = Buffer.from(await sign(store, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/** The user a session cookie belongs to, while the session lasts. */
export async function userBySessionCookie(store: Store, cookie: string, now = Date.now()): Promise<UserIdentity | null> {
  const id = await sessionId(store, cookie);
  if (!id) return null;
  return (await store.webSessionUser(id, now)) ?? null;
}

/** Ends a browser session (logout); a cookie that names no session is ignored. */
export async function endWebSession(store: Store, cookie: string): Promise<void> {
  const id = await sessionId(store, cookie);
  if (id) await store.deleteWebSession(id);
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
