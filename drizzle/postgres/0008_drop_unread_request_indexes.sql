-- No query reads these (requests are kept, not pruned; the dashboard's counts come from triggers),
-- and each cost every new request a page write.
DROP INDEX "request_events_at";--> statement-breakpoint
DROP INDEX "requests_finished";
