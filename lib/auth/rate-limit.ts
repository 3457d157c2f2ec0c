import { rateLimited } from "../http/errors";

/**
 * Token buckets in this process's memory: a limit that resets when the web server restarts is
 * good enough to stop a runaway agent loop or slow a password guesser. Keyed by what is limited
 * (`agent:<id>`, `login-name:<name>` …).
 */
const buckets = ((globalThis as unknown as { __gatehouseBuckets?: Map<string, { tokens: number; at: number }> })
  .__gatehouseBuckets ??= new Map());

/** A bucket's size, and how often one token comes back. */
export interface Rate {
  capacity: number;
  everyMs: number;
}

function refilled(key: string, rate: Rate, now: number): { tokens: number; at: number } {
  const bucket = buckets.get(key) ?? { tokens: rate.capacity, at: now };
  bucket.tokens = Math.min(rate.capacity, bucket.tokens + (now - bucket.at) / rate.everyMs);
  bucket.at = now;
  buckets.set(key, bucket);
  return bucket;
}

/** Seconds until the bucket has a token, or 0 when it has one now (nothing is taken). */
export function waitFor(key: string, rate: Rate, now = Date.now()): number {
  const { tokens } = refilled(key, rate, now);
  return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * rate.everyMs) / 1000));
}

/** Takes one token: 0 when there was one, else the seconds until one is back (for Retry-After). */
export function take(key: string, rate: Rate, now = Date.now()): number {
  const wait = waitFor(key, rate, now);
  if (wait === 0) refilled(key, rate, now).tokens -= 1;
  return wait;
}

/** Forgets a bucket (a good login clears its device's failures). */
export function forget(key: string): void {
  buckets.delete(key);
}

/** One token from the agent's bucket (`perMinute`, refilled evenly): 0, or the seconds to wait. */
export function takeToken(agentId: string, perMinute: number, now = Date.now()): number {
  return take(`agent:${agentId}`, { capacity: perMinute, everyMs: 60_000 / perMinute }, now);
}

/** Throws 429 (with Retry-After) when the agent is over its submissions per minute. */
export function enforceAgentRate(agentId: string, perMinute: number, now = Date.now()): void {
  const wait = takeToken(agentId, perMinute, now);
  if (wait > 0) throw rateLimited(wait);
}
