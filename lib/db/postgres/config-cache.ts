import type { Pg } from "./client";

/** The channel the rules and webhooks triggers (drizzle/postgres) notify, with the table's name as payload. */
const CONFIG_CHANNEL = "gatehouse_config";

/**
 * Longest a list is served from memory. A change from another process arrives by NOTIFY within
 * milliseconds; this bounds how stale a list can be when notifications are lost (a listening
 * connection that died without a word, or LISTEN refused).
 */
const CONFIG_MAX_AGE_MS = 1_000;
/** Before another try at LISTEN after one failed. */
const LISTEN_RETRY_MS = 1_000;

export interface CachedList<T> {
  read(): Promise<T[]>;
  /** After this process wrote the table: the next read loads it again. */
  forget(): void;
}

/**
 * A whole small table (the policy rules, the outgoing webhooks) kept in memory: every request an
 * agent submits reads both, and at hundreds a second two queries each cost a fifth of a web
 * server's throughput. Loaded on the first read, then again after CONFIG_MAX_AGE_MS, after a
 * NOTIFY for `table`, once LISTEN is in force and whenever the listening connection came back
 * (what was sent meanwhile is lost), and after `forget()`. Readers share one load; a load that a
 * change overtook is not kept. The listener lives as long as `pg`.
 */
export function cachedList<T>(pg: Pg, table: string, load: () => Promise<T[]>, maxAgeMs = CONFIG_MAX_AGE_MS): CachedList<T> {
  let kept: { rows: Promise<T[]>; at: number } | undefined;
  let listening: Promise<unknown> | undefined;
  const forget = () => {
    kept = undefined;
  };
  const listen = () => {
    listening ??= pg.listen(CONFIG_CHANNEL, (payload) => {
      if (payload === table || payload === "") forget();
    }).then(
      // A change committed while LISTEN was on its way was not notified: load again.
      forget,
      () => setTimeout(() => (listening = undefined), LISTEN_RETRY_MS).unref(),
    );
  };
  return {
    read() {
      listen();
      const now = Date.now();
      if (kept && now - kept.at < maxAgeMs) return kept.rows;
      const rows = load();
      const mine = (kept = { rows, at: now });
      rows.catch(() => {
        if (kept === mine) forget();
      });
      return rows;
    },
    forget,
  };
}
