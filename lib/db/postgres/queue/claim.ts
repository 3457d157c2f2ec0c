import type { ClaimedRow, ClaimRequest, Lease } from "../../store";
import type { Pg, PgTx } from "../client";
import { markDone } from "./complete";

// Due messages of the claimer's queues ($1: now, $2: the queues, or null for every queue).
const DUE = (alias: string) => `${alias}.state = 'ready' AND ${alias}.run_at <= $1 AND ($2::text[] IS NULL OR ${alias}.queue = ANY($2))`;

// The per-group limit must hold across claimers on different hosts. Row locks cannot give it:
// two claimers whose snapshots disagree on a group's first message (an URGENT one just enqueued,
// a delayed one due for one claimer's clock and not the other's, different queue filters) would
// each lease a different message of the group. So a claim first takes a transaction-scoped
// advisory lock on each group it means to take from, without waiting (a group another claimer is
// taking from is left to it), and only then, in a new statement whose snapshot is taken after the
// lock (READ COMMITTED), counts the group's leased messages and finds its first due one: whoever
// held the lock before has committed, and no one else can lease from the group until we commit.
// The groups tried are those whose first due message would be among the first $4 taken, leaving
// out the groups a runner has (runner_groups): those messages are the runner's alone.
const LOCK_GROUPS = `
SELECT group_key AS "groupKey" FROM (
  SELECT group_key FROM (
    SELECT DISTINCT ON (m.group_key) m.group_key, m.priority, m.id FROM messages m
    WHERE ${DUE("m")} AND m.group_key IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM runner_groups g WHERE g.group_key = m.group_key)
    ORDER BY m.group_key, m.priority DESC NULLS LAST, m.id
  ) firsts
  WHERE (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = firsts.group_key) < $3
  ORDER BY priority DESC NULLS LAST, id
  LIMIT $4
) wanted
WHERE pg_try_advisory_xact_lock(hashtext('gatehouse.group'), hashtext(group_key))`;

// Every ORDER BY on priority says DESC NULLS LAST, as the indexes do (drizzle-kit writes them so):
// a plain DESC means NULLS FIRST, which no index provides, and the claim would sort every ready
// message instead of reading the first few from the index (priority is never null: same order).
//
// A message with a group key is claimable only from a group locked above, while fewer than
// groupLimit of its group are leased, and only as the first due message of its group (so one
// batch never takes two of a group). Ungrouped messages: SKIP LOCKED alone, so claimers never
// wait on each other's rows. The candidates are picked (and locked) once, in a MATERIALIZED CTE:
// a subquery joined to the UPDATE could be run again by the plan, locking a different batch. The
// UPDATE checks the state again anyway: it must never lease a message that is not ready.
const CLAIM = `
WITH picked AS MATERIALIZED (
  SELECT c.id FROM messages c
  WHERE ${DUE("c")}
    AND (c.group_key IS NULL OR (
      c.group_key = ANY($5::text[])
      AND (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = c.group_key) < $3
      AND NOT EXISTS (
        SELECT 1 FROM messages e
        WHERE ${DUE("e")} AND e.group_key = c.group_key
          AND (e.priority > c.priority OR (e.priority = c.priority AND e.id < c.id)))))
  ORDER BY c.priority DESC NULLS LAST, c.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
)
UPDATE messages m
SET state = 'leased', lease_token = $6, lease_expires_at = $7, worker_id = $8, attempts = m.attempts + 1, started_at = $1
FROM picked
WHERE m.id = picked.id AND m.state = 'ready'
RETURNING m.id, m.queue, m.actor, m.payload, m.priority, m.attempts, m.max_retries AS "maxRetries",
  m.group_key AS "groupKey", m.created_at AS "createdAt"`;

/**
 * A queue table's statistics are rarely right: analyzed while the queue was empty, or never (a new
 * database), the planner thinks few messages are ready, and sorts all of them (a backlog of
 * 50,000: ~20 ms a claim) rather than read the first few in index order (~0.1 ms). A claim's
 * statements never need a sort over messages, so its transaction rules sorting out.
 */
const INDEX_ORDER = { enable_sort: "off" } as const;

/** Leases up to `limit` due messages under `token`, inside the caller's transaction. */
export async function claimIn(c: PgTx, req: ClaimRequest & { token: string }): Promise<ClaimedRow[]> {
  const queues = req.queues ? [...req.queues] : null;
  const base = [req.now, queues, req.groupLimit, req.limit];
  const locked = await c.query<{ groupKey: string }>(LOCK_GROUPS, base);
  const rows = await c.query<Omit<ClaimedRow, "leaseToken">>(CLAIM, [
    ...base, locked.map((g) => g.groupKey), req.token, req.now + req.leaseMs, req.workerId,
  ]);
  // RETURNING gives rows in no promised order; the claim promises priority, then FIFO.
  rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
  return rows.map((r) => ({ ...r, leaseToken: req.token }));
}

/**
 * Completes a worker's finished messages, then claims its next ones, in one transaction: the
 * claim's statements see the completions (a group's next message may follow at once).
 */
export async function completeAndClaim(
  pg: Pg,
  finished: readonly Lease[],
  req: ClaimRequest & { token: string },
): Promise<{ completed: number; claimed: ClaimedRow[] }> {
  // A cheap read first: an idle worker woken by another queue's work opens no transaction.
  if (finished.length === 0 && (req.limit === 0 || !(await anyDue(pg, req)))) return { completed: 0, claimed: [] };
  return pg.tx(
    async (c) => {
      const completed = await markDone(c, req.now, finished);
      const claimed = req.limit > 0 ? await claimIn(c, req) : [];
      return { completed, claimed };
    },
    { local: INDEX_ORDER },
  );
}

async function anyDue(pg: Pg, req: ClaimRequest): Promise<boolean> {
  const rows = await pg.query(`SELECT 1 FROM messages m WHERE ${DUE("m")} LIMIT 1`, [req.now, req.queues ? [...req.queues] : null]);
  return rows.length > 0;
}

/** When the next delayed or retried message comes due, or null; reads only the index of delayed messages. */
export async function nextDueAt(pg: Pg, now: number): Promise<number | null> {
  const [row] = await pg.query<{ at: number | null }>(
    `SELECT min(run_at) AS at FROM messages WHERE state = 'ready' AND run_at > created_at AND run_at > $1`,
    [now],
  );
  return row?.at ?? null;
}
