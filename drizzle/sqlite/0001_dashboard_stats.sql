CREATE TABLE `request_counts` (
	`key` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `request_latency` (
	`metric` text NOT NULL,
	`hour` integer NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`metric`, `hour`, `bucket`)
);
--> statement-breakpoint
CREATE TABLE `request_minutes` (
	`minute` integer PRIMARY KEY NOT NULL,
	`submitted` integer DEFAULT 0 NOT NULL,
	`decided` integer DEFAULT 0 NOT NULL,
	`started` integer DEFAULT 0 NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`dead` integer DEFAULT 0 NOT NULL,
	`pending_in` integer DEFAULT 0 NOT NULL,
	`pending_out` integer DEFAULT 0 NOT NULL,
	`queued_in` integer DEFAULT 0 NOT NULL,
	`queued_out` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Triggers that keep request_counts, request_minutes and request_latency in step with requests,
-- so that the dashboard's counters and charts never scan the requests table. Rows inserted in a
-- later state (imports, benchmarks) are accounted from their own timestamps.
CREATE TRIGGER requests_count_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_counts (key, n) VALUES ((CASE WHEN NEW.discarded_at IS NOT NULL THEN NEW.status || ':discarded' ELSE NEW.status END), 1)
    ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER requests_count_update AFTER UPDATE OF status, discarded_at ON requests
WHEN (CASE WHEN OLD.discarded_at IS NOT NULL THEN OLD.status || ':discarded' ELSE OLD.status END) IS NOT (CASE WHEN NEW.discarded_at IS NOT NULL THEN NEW.status || ':discarded' ELSE NEW.status END) BEGIN
  UPDATE request_counts SET n = n - 1 WHERE key = (CASE WHEN OLD.discarded_at IS NOT NULL THEN OLD.status || ':discarded' ELSE OLD.status END);
  INSERT INTO request_counts (key, n) VALUES ((CASE WHEN NEW.discarded_at IS NOT NULL THEN NEW.status || ':discarded' ELSE NEW.status END), 1)
    ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER requests_count_delete AFTER DELETE ON requests BEGIN
  UPDATE request_counts SET n = n - 1 WHERE key = (CASE WHEN OLD.discarded_at IS NOT NULL THEN OLD.status || ':discarded' ELSE OLD.status END);
END;
--> statement-breakpoint
CREATE TRIGGER requests_stats_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_minutes (minute, submitted, pending_in)
    SELECT (NEW.created_at) / 60000, 1, 1 WHERE true
    ON CONFLICT (minute) DO UPDATE SET submitted = submitted + excluded.submitted, pending_in = pending_in + excluded.pending_in;
  INSERT INTO request_minutes (minute, pending_out, decided)
    SELECT (NEW.decided_at) / 60000, 1, 1 WHERE NEW.status <> 'pending' AND NEW.decided_at IS NOT NULL
    ON CONFLICT (minute) DO UPDATE SET pending_out = pending_out + excluded.pending_out, decided = decided + excluded.decided;
  INSERT INTO request_minutes (minute, pending_out)
    SELECT (coalesce(NEW.finished_at, NEW.created_at)) / 60000, 1 WHERE NEW.status <> 'pending' AND NEW.decided_at IS NULL
    ON CONFLICT (minute) DO UPDATE SET pending_out = pending_out + excluded.pending_out;
  INSERT INTO request_minutes (minute, queued_in)
    SELECT (coalesce(NEW.queued_at, NEW.decided_at, NEW.created_at)) / 60000, 1 WHERE NEW.queued_at IS NOT NULL OR NEW.status = 'queued'
    ON CONFLICT (minute) DO UPDATE SET queued_in = queued_in + excluded.queued_in;
  INSERT INTO request_minutes (minute, queued_out, started)
    SELECT (NEW.started_at) / 60000, 1, 1 WHERE NEW.started_at IS NOT NULL
    ON CONFLICT (minute) DO UPDATE SET queued_out = queued_out + excluded.queued_out, started = started + excluded.started;
  INSERT INTO request_minutes (minute, succeeded, failed, dead)
    SELECT (coalesce(NEW.finished_at, NEW.created_at)) / 60000, NEW.status = 'succeeded', NEW.status = 'failed', NEW.status = 'dead' WHERE NEW.status IN ('succeeded', 'failed', 'dead')
    ON CONFLICT (minute) DO UPDATE SET succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, dead = dead + excluded.dead;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'decision', (NEW.decided_at) / 3600000, CAST(floor(log2(max((NEW.decided_at - NEW.created_at), 1)) * 4) AS INTEGER), 1 WHERE NEW.decided_at IS NOT NULL AND NEW.status NOT IN ('pending', 'expired', 'cancelled') AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%'
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'wait', (NEW.started_at) / 3600000, CAST(floor(log2(max((NEW.started_at - NEW.queued_at), 1)) * 4) AS INTEGER), 1 WHERE NEW.started_at IS NOT NULL AND NEW.queued_at IS NOT NULL
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'run', (NEW.finished_at) / 3600000, CAST(floor(log2(max((NEW.finished_at - NEW.started_at), 1)) * 4) AS INTEGER), 1 WHERE NEW.status IN ('succeeded', 'failed') AND NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER requests_stats_update AFTER UPDATE OF status ON requests
WHEN OLD.status IS NOT NEW.status BEGIN
  INSERT INTO request_minutes (minute, pending_out, decided)
    SELECT (coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 60000, 1, NEW.status IN ('queued', 'rejected') WHERE OLD.status = 'pending'
    ON CONFLICT (minute) DO UPDATE SET pending_out = pending_out + excluded.pending_out, decided = decided + excluded.decided;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'decision', (coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 3600000, CAST(floor(log2(max((coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) - NEW.created_at), 1)) * 4) AS INTEGER), 1 WHERE OLD.status = 'pending' AND NEW.status IN ('queued', 'rejected') AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%'
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
  INSERT INTO request_minutes (minute, queued_in)
    SELECT (CASE WHEN OLD.status = 'pending' THEN coalesce(NEW.queued_at, NEW.decided_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) ELSE CAST(unixepoch('subsec') * 1000 AS INTEGER) END) / 60000, 1 WHERE NEW.status = 'queued'
    ON CONFLICT (minute) DO UPDATE SET queued_in = queued_in + excluded.queued_in;
  INSERT INTO request_minutes (minute, queued_out)
    SELECT (CASE WHEN NEW.status = 'running' THEN coalesce(NEW.started_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) ELSE CAST(unixepoch('subsec') * 1000 AS INTEGER) END) / 60000, 1 WHERE OLD.status = 'queued'
    ON CONFLICT (minute) DO UPDATE SET queued_out = queued_out + excluded.queued_out;
  INSERT INTO request_minutes (minute, started)
    SELECT (coalesce(NEW.started_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 60000, 1 WHERE NEW.status = 'running'
    ON CONFLICT (minute) DO UPDATE SET started = started + excluded.started;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'wait', (coalesce(NEW.started_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 3600000, CAST(floor(log2(max((coalesce(NEW.started_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) - NEW.queued_at), 1)) * 4) AS INTEGER), 1 WHERE NEW.status = 'running' AND NEW.queued_at IS NOT NULL
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
  INSERT INTO request_minutes (minute, succeeded, failed, dead)
    SELECT (coalesce(NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 60000, NEW.status = 'succeeded', NEW.status = 'failed', NEW.status = 'dead' WHERE NEW.status IN ('succeeded', 'failed', 'dead')
    ON CONFLICT (minute) DO UPDATE SET succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, dead = dead + excluded.dead;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'run', (coalesce(NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 3600000, CAST(floor(log2(max((coalesce(NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) - NEW.started_at), 1)) * 4) AS INTEGER), 1 WHERE NEW.status IN ('succeeded', 'failed') AND NEW.started_at IS NOT NULL
    ON CONFLICT (metric, hour, bucket) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
-- Counts of requests that already exist when this migration runs.
INSERT INTO request_counts (key, n) SELECT (CASE WHEN requests.discarded_at IS NOT NULL THEN requests.status || ':discarded' ELSE requests.status END), count(*) FROM requests GROUP BY 1;
