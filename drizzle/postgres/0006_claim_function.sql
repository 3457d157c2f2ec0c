-- A worker's claim as one function: it completes the worker's finished messages and leases its
-- next ones in a single round trip (each statement of a transaction sent from Node costs ~0.2 ms
-- here, and re-planning these statements on every call as much again; a function's plans are
-- cached for the life of the connection).
--
-- The per-group limit must hold across claimers on different hosts. Row locks cannot give it: two
-- claimers whose snapshots disagree on a group's first message (an URGENT one just enqueued, a
-- delayed one due for one claimer's clock and not the other's, different queue filters) would each
-- lease a different message of the group. So the claim first takes a transaction-scoped advisory
-- lock on each group it means to take from, without waiting (a group another claimer is taking from
-- is left to it), and only then, in a new statement whose snapshot is taken after the lock (each
-- statement of a VOLATILE function takes its own, under READ COMMITTED), counts the group's leased
-- messages and finds its first due one: whoever held the lock before has committed, and no one else
-- can lease from the group until we commit. The groups tried are those whose first due message
-- would be among the first max_claims taken, leaving out the groups a runner has (runner_groups):
-- those messages are the runner's alone.
--
-- A message with a group key is claimable only from a group locked above, while fewer than
-- group_limit of its group are leased, and only as the first due message of its group (so one batch
-- never takes two of a group). Ungrouped messages: SKIP LOCKED alone, so claimers never wait on
-- each other's rows. The candidates are picked (and locked) once, in a MATERIALIZED CTE: a subquery
-- joined to the UPDATE could be run again by the plan, locking a different batch. The UPDATE checks
-- the state again anyway: it must never lease a message that is not ready.
--
-- enable_sort = off: a queue table's statistics are rarely right (analyzed while the queue was
-- empty, or never), and a planner that thinks few messages are ready sorts all of them (a backlog
-- of 50,000: ~20 ms a claim) instead of reading the first few in index order. ORDER BY says
-- DESC NULLS LAST, as the indexes do (priority is never null: the same order).
--
-- synchronous_commit = off for this transaction alone: like SQLite's synchronous = NORMAL, a crash
-- of the server may forget the last few claims and completions (never a message: enqueues and
-- every decision commit synchronously, and a synchronous commit makes all earlier ones durable).
-- A forgotten claim leaves its message ready, a forgotten completion leaves it leased until its
-- lease runs out: it runs again or ends dead as interrupted, as after a worker crash.
--
-- Returns the claimed messages, each with how many finished ones were completed; one row with a
-- null id when none was claimed.
CREATE FUNCTION gatehouse_complete_and_claim(
  now_ms bigint, done_ids bigint[], done_tokens text[], only_queues text[], group_limit integer,
  max_claims integer, token text, lease_until bigint, worker text)
RETURNS TABLE (completed integer, id bigint, queue text, actor text, payload text, priority integer,
  attempts integer, max_retries integer, group_key text, created_at bigint)
LANGUAGE plpgsql VOLATILE SET enable_sort = off AS $$
DECLARE
  n_done integer := 0;
  locked text[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  IF cardinality(done_ids) > 0 THEN
    UPDATE messages m SET state = 'done', finished_at = now_ms, lease_token = NULL, lease_expires_at = NULL
    FROM unnest(done_ids, done_tokens) AS held(lease_id, held_token)
    WHERE m.id = held.lease_id AND m.lease_token = held.held_token AND m.state = 'leased';
    GET DIAGNOSTICS n_done = ROW_COUNT;
  END IF;
  IF max_claims > 0 THEN
    SELECT coalesce(array_agg(wanted.group_key), '{}') INTO locked FROM (
      SELECT firsts.group_key FROM (
        SELECT DISTINCT ON (m.group_key) m.group_key, m.priority, m.id FROM messages m
        WHERE m.state = 'ready' AND m.run_at <= now_ms AND (only_queues IS NULL OR m.queue = ANY(only_queues))
          AND m.group_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM runner_groups g WHERE g.group_key = m.group_key)
        ORDER BY m.group_key, m.priority DESC NULLS LAST, m.id
      ) firsts
      WHERE (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = firsts.group_key) < group_limit
      ORDER BY firsts.priority DESC NULLS LAST, firsts.id
      LIMIT max_claims
    ) wanted
    WHERE pg_try_advisory_xact_lock(hashtext('gatehouse.group'), hashtext(wanted.group_key));

    RETURN QUERY
    WITH picked AS MATERIALIZED (
      SELECT c.id FROM messages c
      WHERE c.state = 'ready' AND c.run_at <= now_ms AND (only_queues IS NULL OR c.queue = ANY(only_queues))
        AND (c.group_key IS NULL OR (
          c.group_key = ANY(locked)
          AND (SELECT count(*) FROM messages l WHERE l.state = 'leased' AND l.group_key = c.group_key) < group_limit
          AND NOT EXISTS (
            SELECT 1 FROM messages e
            WHERE e.state = 'ready' AND e.run_at <= now_ms AND (only_queues IS NULL OR e.queue = ANY(only_queues))
              AND e.group_key = c.group_key
              AND (e.priority > c.priority OR (e.priority = c.priority AND e.id < c.id)))))
      ORDER BY c.priority DESC NULLS LAST, c.id
      LIMIT max_claims
      FOR UPDATE SKIP LOCKED
    )
    UPDATE messages m
    SET state = 'leased', lease_token = token, lease_expires_at = lease_until, worker_id = worker,
      attempts = m.attempts + 1, started_at = now_ms
    FROM picked
    WHERE m.id = picked.id AND m.state = 'ready'
    RETURNING n_done, m.id, m.queue, m.actor, m.payload, m.priority, m.attempts, m.max_retries, m.group_key, m.created_at;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT n_done, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer,
    NULL::integer, NULL::text, NULL::bigint;
END
$$;
