import { rateLimited } from "../http/errors";

/**
 * Per-agent token buckets, in this process's memory: the web server is one process, and a limit
 * that resets on restart is good enough to stop a runaway agent loop.
 */
const buckets = ((globalThis as unknown as { __gatehouseBuckets?: Map<string, { tokens: number; at: number }> })
  .__gatehouseBuckets ??= new Map());

/**
 * Takes one token from the agent's bucket (`perMinute` tokens, refilled evenly). Returns 0 when
 * the call may go ahead, else the seconds until a token is back (for Retry-After).
 */
export function takeToken(agentId: string, perMinute: number, now = Date.now()): number {
  const perMs = perMinute / 60_000;
  const bucket = buckets.get(agentId) ?? { tokens: perMinute, at: now };
  bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  buckets.set(agentId, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
}

/** Throws 429 (with Retry-After) when the agent is over its submissions per minute. */
export function enforceAgentRate(agentId: string, perMinute: number, now = Date.now()): void {
  const wait = takeToken(agentId, perMinute, now);
  if (wait > 0) throw rateLimited(wait);
}
