import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls until `check` returns something truthy, for what happens on its own or in another process
 * (a worker draining a queue, a tmux window closing). Fails with `what` after `timeoutMs`; speed is
 * never asserted here.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<Exclude<T, undefined | null | false | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, undefined | null | false | 0 | "">;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
