ALTER TABLE `requests` ADD `kind` text DEFAULT 'run' NOT NULL;--> statement-breakpoint
ALTER TABLE `requests` ADD `agent_waited_at` integer;--> statement-breakpoint
-- A gate request a person or the policy allows leaves pending for `allowed`: a decision, counted
-- and timed like an approval.
DROP TRIGGER requests_stats_update;--> statement-breakpoint
CREATE TRIGGER requests_stats_update AFTER UPDATE OF status ON requests
WHEN OLD.status IS NOT NEW.status BEGIN
  INSERT INTO request_minutes (minute, pending_out, decided)
    SELECT (coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 60000, 1, NEW.status IN ('queued', 'rejected', 'allowed') WHERE OLD.status = 'pending'
    ON CONFLICT (minute) DO UPDATE SET pending_out = pending_out + excluded.pending_out, decided = decided + excluded.decided;
  INSERT INTO request_latency (metric, hour, bucket, n)
    SELECT 'decision', (coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER))) / 3600000, CAST(floor(log2(max((coalesce(NEW.decided_at, NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) - NEW.created_at), 1)) * 4) AS INTEGER), 1 WHERE OLD.status = 'pending' AND NEW.status IN ('queued', 'rejected', 'allowed') AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%'
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
