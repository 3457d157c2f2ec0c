import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32

/**
 * A ULID: 10 characters of millisecond time then 16 random ones, so that ids sort by creation
 * time and keyset pagination can use the id alone.
 */
export function newId(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b % 32];
  return time + rand;
}

/** A random secret (tokens, lease tokens), URL-safe. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
