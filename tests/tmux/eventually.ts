import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls until `check` returns something truthy, for things that happen on their own (a window
 * closing, a prompt appearing). Fails with `what` after `timeoutMs`; speed is not asserted here.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<Exclude<T, undefined | null | false | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, undefined | null | false | 0 | "">;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}
