CREATE TABLE "runner_groups" (
	"group_key" text PRIMARY KEY NOT NULL,
	"runner_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runners" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"sessions" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "runners_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "runner_groups" ADD CONSTRAINT "runner_groups_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runner_groups_runner" ON "runner_groups" USING btree ("runner_id");