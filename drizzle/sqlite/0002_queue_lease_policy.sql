ALTER TABLE `messages` ADD `on_lease_lost` text DEFAULT 'retry' NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_ready_group` ON `messages` (`group_key`,priority DESC,`id`) WHERE state = 'ready' AND group_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_delayed` ON `messages` (`run_at`) WHERE state = 'ready' AND run_at > created_at;