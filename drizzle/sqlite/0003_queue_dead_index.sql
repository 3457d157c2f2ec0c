DROP INDEX `messages_finished`;--> statement-breakpoint
CREATE INDEX `messages_dead` ON `messages` (`finished_at`) WHERE state = 'dead';