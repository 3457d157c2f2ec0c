CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`kind` text NOT NULL,
	`secret` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
