import { randomBytes, randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32

function encodeTime(ms: number): string {
  let time = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

// Random bytes are drawn 4 KiB at a time: one call into the system's generator per 256 ids.
const pool = Buffer.alloc(4096);
let drawn = pool.length;

function randomDigits(): number[] {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return Array.from(pool.subarray(drawn, (drawn += 16)), (b) => b % 32);
}

/** Adds one to a base-32 number held as digits; false when it overflows (all digits were 31). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

let last = { time: -1, digits: [] as number[] };

/**
 * A ULID: 10 characters of millisecond time then 16 random ones, so that ids sort by creation
 * time and keyset pagination can use the id alone. Within one millisecond of one process the
 * random part counts up, so ids made one after the other still sort in that order.
 */
export function newId(now = Date.now()): string {
  if (now !== last.time || !increment(last.digits)) last = { time: now, digits: randomDigits() };
  return encodeTime(now) + last.digits.map((d) => ALPHABET[d]).join("");
}

/** A random secret (tokens, lease tokens), URL-safe. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
