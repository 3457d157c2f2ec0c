import { safetyNet } from "../../safety-net";
import type { WakeOptions } from "../../store";
import type { Pg, PgTx } from "../client";

/** The NOTIFY channel of new or returned work; the payload is the queue's name. */
export const WORK_CHANNEL = "gatehouse_work";

/** Tells every listening worker, at commit, that these queues have work (nothing if none). */
export async function notifyWork(c: PgTx, queues: readonly string[]): Promise<void> {
  if (!queues.length) return;
  await c.query(`SELECT pg_notify('${WORK_CHANNEL}', q) FROM (SELECT DISTINCT unnest($1::text[]) AS q) AS queues`, [queues]);
}

/** Before another try at LISTEN after the first one failed (the server was unreachable). */
const LISTEN_RETRY_MS = 1_000;

/**
 * Calls `onWake` soon after another process commits work: the NOTIFY of enqueue, retry, release,
 * reclaim and requeue reaches the LISTEN connection within a few milliseconds, idle at no cost.
 * Delayed messages send nothing when they come due: the worker sleeps until `nextDueAt`. A check
 * (while the caller waits) every `pollMs` until LISTEN is in force, then once a second, is only a
 * safety net for notifications lost with a connection; the listener also wakes everyone when it
 * reconnects.
 */
export function watchForWork(pg: Pg, opts: WakeOptions): () => void {
  let pending = false;
  let stopped = false;
  const fire = () => {
    if (pending || stopped) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      if (!stopped) opts.onWake();
    });
  };
  let unlisten: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;
  const start = () => {
    pg.listen(WORK_CHANNEL, fire).then(
      (stop) => {
        if (stopped) return void stop();
        unlisten = stop;
        net.wakeUpsArrive(true);
      },
      () => {
        if (!stopped) retry = setTimeout(start, LISTEN_RETRY_MS).unref();
      },
    );
  };
  const net = safetyNet(() => {
    if (!opts.waiting || opts.waiting()) fire();
  }, opts.pollMs);
  start();
  return () => {
    stopped = true;
    net.stop();
    clearTimeout(retry);
    void unlisten?.();
  };
}
