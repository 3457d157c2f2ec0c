-- Triggers that keep request_counts, request_minutes and request_latency in step with requests, so
-- that the dashboard's counters and charts never scan the requests table: the PostgreSQL twin of
-- drizzle/sqlite/0001_dashboard_stats.sql, formula for formula. Rows inserted in a later state
-- (imports, benchmarks) are accounted from their own timestamps. Also the NOTIFY on
-- gatehouse_requests that wakes long-polls and live views when a request is added or changes status.

-- The count key of a request: its status, or `<status>:discarded` once a person dropped it.
CREATE FUNCTION gatehouse_count_key(status text, discarded_at bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN discarded_at IS NOT NULL THEN status || ':discarded' ELSE status END $$;
--> statement-breakpoint
-- floor(log2(ms) * 4): quarter-octave buckets, so percentiles read from them are within ~10%.
-- numeric log is exact at powers of two, as SQLite's log2 is.
CREATE FUNCTION gatehouse_latency_bucket(ms bigint) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT floor(log(2, greatest(ms, 1)::numeric) * 4)::integer $$;
--> statement-breakpoint
-- SQLite's CAST(unixepoch('subsec') * 1000 AS INTEGER): the time of a change that carries none.
CREATE FUNCTION gatehouse_now_ms() RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_add_minute(
  at_ms bigint, submitted integer = 0, decided integer = 0, started integer = 0, succeeded integer = 0,
  failed integer = 0, dead integer = 0, pending_in integer = 0, pending_out integer = 0, queued_in integer = 0,
  queued_out integer = 0
) RETURNS void LANGUAGE sql AS $$
  INSERT INTO request_minutes AS m (minute, submitted, decided, started, succeeded, failed, dead, pending_in, pending_out, queued_in, queued_out)
  VALUES ((at_ms / 60000)::integer, submitted, decided, started, succeeded, failed, dead, pending_in, pending_out, queued_in, queued_out)
  ON CONFLICT (minute) DO UPDATE SET
    submitted = m.submitted + excluded.submitted, decided = m.decided + excluded.decided,
    started = m.started + excluded.started, succeeded = m.succeeded + excluded.succeeded,
    failed = m.failed + excluded.failed, dead = m.dead + excluded.dead,
    pending_in = m.pending_in + excluded.pending_in, pending_out = m.pending_out + excluded.pending_out,
    queued_in = m.queued_in + excluded.queued_in, queued_out = m.queued_out + excluded.queued_out
$$;
--> statement-breakpoint
-- One latency sample of `metric` that ended at `at_ms` and began at `from_ms`.
CREATE FUNCTION gatehouse_add_latency(metric text, at_ms bigint, from_ms bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO request_latency AS l (metric, hour, bucket, n)
  VALUES (metric, (at_ms / 3600000)::integer, gatehouse_latency_bucket(at_ms - from_ms), 1)
  ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = l.n + 1
$$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_requests_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE request_counts SET n = n - 1 WHERE key = gatehouse_count_key(OLD.status, OLD.discarded_at);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO request_counts AS c (key, n) VALUES (gatehouse_count_key(NEW.status, NEW.discarded_at), 1)
      ON CONFLICT (key) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER requests_count_insert AFTER INSERT ON requests
  FOR EACH ROW EXECUTE FUNCTION gatehouse_requests_count();
--> statement-breakpoint
CREATE TRIGGER requests_count_update AFTER UPDATE OF status, discarded_at ON requests
  FOR EACH ROW WHEN (gatehouse_count_key(OLD.status, OLD.discarded_at) IS DISTINCT FROM gatehouse_count_key(NEW.status, NEW.discarded_at))
  EXECUTE FUNCTION gatehouse_requests_count();
--> statement-breakpoint
CREATE TRIGGER requests_count_delete AFTER DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION gatehouse_requests_count();
--> statement-breakpoint
CREATE FUNCTION gatehouse_requests_stats_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gatehouse_add_minute(NEW.created_at, submitted => 1, pending_in => 1);
  IF NEW.status <> 'pending' AND NEW.decided_at IS NOT NULL THEN
    PERFORM gatehouse_add_minute(NEW.decided_at, pending_out => 1, decided => 1);
  END IF;
  IF NEW.status <> 'pending' AND NEW.decided_at IS NULL THEN
    PERFORM gatehouse_add_minute(coalesce(NEW.finished_at, NEW.created_at), pending_out => 1);
  END IF;
  IF NEW.queued_at IS NOT NULL OR NEW.status = 'queued' THEN
    PERFORM gatehouse_add_minute(coalesce(NEW.queued_at, NEW.decided_at, NEW.created_at), queued_in => 1);
  END IF;
  IF NEW.started_at IS NOT NULL THEN
    PERFORM gatehouse_add_minute(NEW.started_at, queued_out => 1, started => 1);
  END IF;
  IF NEW.status IN ('succeeded', 'failed', 'dead') THEN
    PERFORM gatehouse_add_minute(coalesce(NEW.finished_at, NEW.created_at),
      succeeded => (NEW.status = 'succeeded')::integer, failed => (NEW.status = 'failed')::integer,
      dead => (NEW.status = 'dead')::integer);
  END IF;
  IF NEW.decided_at IS NOT NULL AND NEW.status NOT IN ('pending', 'expired', 'cancelled')
     AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%' THEN
    PERFORM gatehouse_add_latency('decision', NEW.decided_at, NEW.created_at);
  END IF;
  IF NEW.started_at IS NOT NULL AND NEW.queued_at IS NOT NULL THEN
    PERFORM gatehouse_add_latency('wait', NEW.started_at, NEW.queued_at);
  END IF;
  IF NEW.status IN ('succeeded', 'failed') AND NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL THEN
    PERFORM gatehouse_add_latency('run', NEW.finished_at, NEW.started_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER requests_stats_insert AFTER INSERT ON requests
  FOR EACH ROW EXECUTE FUNCTION gatehouse_requests_stats_insert();
--> statement-breakpoint
CREATE FUNCTION gatehouse_requests_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  now_ms bigint := gatehouse_now_ms();
  decided_ms bigint := coalesce(NEW.decided_at, NEW.finished_at, now_ms);
BEGIN
  IF OLD.status = 'pending' THEN
    PERFORM gatehouse_add_minute(decided_ms, pending_out => 1, decided => (NEW.status IN ('queued', 'rejected'))::integer);
    IF NEW.status IN ('queued', 'rejected') AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%' THEN
      PERFORM gatehouse_add_latency('decision', decided_ms, NEW.created_at);
    END IF;
  END IF;
  IF NEW.status = 'queued' THEN
    PERFORM gatehouse_add_minute(CASE WHEN OLD.status = 'pending' THEN coalesce(NEW.queued_at, NEW.decided_at, now_ms) ELSE now_ms END,
      queued_in => 1);
  END IF;
  IF OLD.status = 'queued' THEN
    PERFORM gatehouse_add_minute(CASE WHEN NEW.status = 'running' THEN coalesce(NEW.started_at, now_ms) ELSE now_ms END,
      queued_out => 1);
  END IF;
  IF NEW.status = 'running' THEN
    PERFORM gatehouse_add_minute(coalesce(NEW.started_at, now_ms), started => 1);
    IF NEW.queued_at IS NOT NULL THEN
      PERFORM gatehouse_add_latency('wait', coalesce(NEW.started_at, now_ms), NEW.queued_at);
    END IF;
  END IF;
  IF NEW.status IN ('succeeded', 'failed', 'dead') THEN
    PERFORM gatehouse_add_minute(coalesce(NEW.finished_at, now_ms),
      succeeded => (NEW.status = 'succeeded')::integer, failed => (NEW.status = 'failed')::integer,
      dead => (NEW.status = 'dead')::integer);
  END IF;
  IF NEW.status IN ('succeeded', 'failed') AND NEW.started_at IS NOT NULL THEN
    PERFORM gatehouse_add_latency('run', coalesce(NEW.finished_at, now_ms), NEW.started_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER requests_stats_update AFTER UPDATE OF status ON requests
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION gatehouse_requests_stats_update();
--> statement-breakpoint
-- Delivered at commit, once per request and transaction (NOTIFY folds identical payloads).
CREATE FUNCTION gatehouse_requests_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_requests', NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER requests_notify_insert AFTER INSERT ON requests
  FOR EACH ROW EXECUTE FUNCTION gatehouse_requests_notify();
--> statement-breakpoint
CREATE TRIGGER requests_notify_update AFTER UPDATE OF status ON requests
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION gatehouse_requests_notify();
--> statement-breakpoint
-- Counts of requests that already exist when this migration runs.
INSERT INTO request_counts (key, n)
  SELECT gatehouse_count_key(status, discarded_at), count(*) FROM requests GROUP BY 1;
