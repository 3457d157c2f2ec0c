ALTER TABLE "requests" ADD COLUMN "kind" text DEFAULT 'run' NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "agent_waited_at" bigint;--> statement-breakpoint
-- A gate request a person or the policy allows leaves pending for `allowed`: a decision, counted
-- and timed like an approval.
CREATE OR REPLACE FUNCTION gatehouse_requests_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  now_ms bigint := gatehouse_now_ms();
  decided_ms bigint := coalesce(NEW.decided_at, NEW.finished_at, now_ms);
BEGIN
  IF OLD.status = 'pending' THEN
    PERFORM gatehouse_add_minute(decided_ms, pending_out => 1, decided => (NEW.status IN ('queued', 'rejected', 'allowed'))::integer);
    IF NEW.status IN ('queued', 'rejected', 'allowed') AND coalesce(NEW.decided_by, '') NOT LIKE 'policy:%' THEN
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
