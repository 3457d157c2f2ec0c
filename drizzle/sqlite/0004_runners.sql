CREATE TABLE `runner_groups` (
	`group_key` text PRIMARY KEY NOT NULL,
	`runner_id` text NOT NULL,
	FOREIGN KEY (`runner_id`) REFERENCES `runners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runner_groups_runner` ON `runner_groups` (`runner_id`);--> statement-breakpoint
CREATE TABLE `runners` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`sessions` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runners_tokenHash_unique` ON `runners` (`token_hash`);