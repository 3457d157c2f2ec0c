import { createHmac, timingSafeEqual } from "node:crypto";
import { rateLimited } from "../http/errors";
import { newSecret } from "../ids";
import { forget, take, waitFor, type Rate } from "./rate-limit";

// Slowing password guessing without handing an attacker a way to lock a person out: failed
// sign-ins count against the name, but a browser that signed in as that name before carries a
// device cookie and counts against its own bucket instead (OWASP's "device cookies"); buckets
// refill, so no lock is permanent. Behind a trusted proxy, the client's address has a bucket too.
// In memory: each web server counts its own.

/** Guesses at one name from browsers without its device cookie: 10 at once, then one per 90 s. */
export const NAME_RATE: Rate = { capacity: 10, everyMs: 90_000 };
/** Failures on one known browser of that name: the same, on its own. */
export const DEVICE_RATE: Rate = { capacity: 10, everyMs: 90_000 };
/** Failures from one address (a trusted proxy's X-Forwarded-For): 30 at once, then 2 a minute. */
export const ADDRESS_RATE: Rate = { capacity: 30, everyMs: 30_000 };

export const DEVICE_COOKIE = "gatehouse_device";
/** How long a device cookie vouches for a browser. */
const DEVICE_TTL_SEC = 365 * 86_400;

export interface LoginAttempt {
  name: string;
  /** The device cookie's value, if the browser sent one. */
  device?: string;
  address?: string | null;
  now?: number;
}

/** The device id a cookie proves for `name`, or null (none, forged, or another name's). */
function deviceOf(secret: string, name: string, cookie: string | undefined): string | null {
  const [id, sig] = cookie?.split(".") ?? [];
  if (!id || !sig) return null;
  const want = Buffer.from(sign(secret, id, name));
  const given = Buffer.from(sig);
  return want.length === given.length && timingSafeEqual(want, given) ? id : null;
}

function sign(secret: string, id: string, name: string): string {
  return createHmac("sha256", secret).update(`device:${id}:${name}`).digest("base64url");
}

function keys(secret: string, a: LoginAttempt): { key: string; rate: Rate }[] {
  const device = deviceOf(secret, a.name, a.device);
  const own = device ? { key: `login-device:${device}`, rate: DEVICE_RATE } : { key: `login-name:${a.name}`, rate: NAME_RATE };
  return a.address ? [own, { key: `login-address:${a.address}`, rate: ADDRESS_RATE }] : [own];
}

/** Throws 429 with Retry-After when this attempt's buckets are empty; checks no password. */
export function checkLoginRate(secret: string, a: LoginAttempt): void {
  const wait = Math.max(...keys(secret, a).map(({ key, rate }) => waitFor(key, rate, a.now)));
  if (wait > 0) throw rateLimited(wait, "this sign-in");
}

/** Counts a failed sign-in against its buckets. */
export function loginFailed(secret: string, a: LoginAttempt): void {
  for (const { key, rate } of keys(secret, a)) take(key, rate, a.now);
}

/**
 * After a good sign-in: the browser's failures are forgotten, and the Set-Cookie value of the
 * device cookie that vouches for it next time.
 */
export function loginSucceeded(secret: string, a: LoginAttempt, secure: boolean): string {
  const device = deviceOf(secret, a.name, a.device) ?? newSecret(12);
  forget(`login-device:${device}`);
  return [
    `${DEVICE_COOKIE}=${device}.${sign(secret, device, a.name)}`,
    "Path=/api/auth/login",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${DEVICE_TTL_SEC}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
