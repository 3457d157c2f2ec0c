CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`sessions` text NOT NULL,
	`auto_approve` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_tokenHash_unique` ON `agents` (`token_hash`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`actor` text NOT NULL,
	`payload` text NOT NULL,
	`priority` integer DEFAULT 1 NOT NULL,
	`state` text DEFAULT 'ready' NOT NULL,
	`run_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_retries` integer NOT NULL,
	`group_key` text,
	`idempotency_key` text,
	`lease_token` text,
	`lease_expires_at` integer,
	`worker_id` text,
	`last_error` text,
	`dead_reason` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`discarded_at` integer
);
--> statement-breakpoint
CREATE INDEX `messages_ready` ON `messages` (priority DESC,`id`) WHERE state = 'ready';--> statement-breakpoint
CREATE INDEX `messages_leased` ON `messages` (`lease_expires_at`) WHERE state = 'leased';--> statement-breakpoint
CREATE INDEX `messages_leased_group` ON `messages` (`group_key`) WHERE state = 'leased' AND group_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_finished` ON `messages` (`state`,`finished_at`) WHERE state IN ('done', 'dead');--> statement-breakpoint
CREATE UNIQUE INDEX `messages_idempotency` ON `messages` (`idempotency_key`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `request_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `request_events_request` ON `request_events` (`request_id`,`id`);--> statement-breakpoint
CREATE INDEX `request_events_at` ON `request_events` (`at`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`session` text NOT NULL,
	`command` text NOT NULL,
	`cwd` text,
	`reason` text,
	`priority` text DEFAULT 'NORMAL' NOT NULL,
	`status` text NOT NULL,
	`timeout_sec` integer,
	`auto_approve` integer DEFAULT false NOT NULL,
	`idempotency_key` text,
	`decided_by` text,
	`decided_at` integer,
	`decision_comment` text,
	`exit_code` integer,
	`output` text,
	`output_truncated` integer DEFAULT false NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`queued_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`discarded_at` integer
);
--> statement-breakpoint
CREATE INDEX `requests_status` ON `requests` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `requests_agent` ON `requests` (`agent_id`,`id`);--> statement-breakpoint
CREATE INDEX `requests_session` ON `requests` (`session`,`id`);--> statement-breakpoint
CREATE INDEX `requests_pending_expiry` ON `requests` (`expires_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `requests_finished` ON `requests` (`finished_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `requests_idempotency` ON `requests` (`agent_id`,`idempotency_key`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`pattern` text NOT NULL,
	`agent_id` text,
	`session` text,
	`created_by` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`token_hash` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_unique` ON `users` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_tokenHash_unique` ON `users` (`token_hash`);--> statement-breakpoint
CREATE TABLE `web_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `web_sessions_user` ON `web_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`queues` text NOT NULL,
	`actors` text NOT NULL,
	`concurrency` integer NOT NULL,
	`in_flight` integer DEFAULT 0 NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`stopped_at` integer
);
