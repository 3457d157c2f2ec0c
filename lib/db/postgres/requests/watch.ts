import type { Pg } from "../client";

/** The channel the requests trigger (drizzle/postgres) notifies, with the request id as payload. */
export const REQUESTS_CHANNEL = "gatehouse_requests";

/**
 * Calls `onChange` (at most once per event-loop turn) soon after another process changes a
 * request: on the trigger's NOTIFY, delivered when that change commits. A lost listening
 * connection drops notifications silently, so every `pollMs` the current snapshot is compared
 * with the last one too: it differs whenever any write transaction has begun or ended since,
 * the way SQLite's data_version moves on another connection's commit. Spurious calls are fine:
 * the caller reads the statuses it waits on again.
 */
export function watchRequests(pg: Pg, onChange: () => void, pollMs: number): () => void {
  let stopped = false;
  let scheduled = false;
  const fire = () => {
    if (stopped || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!stopped) onChange();
    });
  };

  // LISTEN takes effect a round trip from now: a change committed in between is not notified,
  // so once it listens, the caller looks again.
  const unlisten = pg.listen(REQUESTS_CHANNEL, fire).then(
    (stop) => (fire(), stop),
    () => (fire(), undefined), // no listener: the poll below still notices changes
  );

  let last: string | undefined;
  const poll = async () => {
    try {
      const [row] = await pg.query<{ snapshot: string }>("SELECT pg_current_snapshot()::text AS snapshot");
      if (last !== undefined && row?.snapshot !== last) fire();
      last = row?.snapshot;
    } catch {
      last = ""; // the server is away: whatever it answers next counts as a change
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();

  return () => {
    stopped = true;
    clearInterval(timer);
    void unlisten.then((stop) => stop?.()).catch(() => undefined);
  };
}
