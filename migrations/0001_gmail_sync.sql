CREATE TABLE `gmail_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`mailbox` text NOT NULL,
	`thread_id` text,
	`history_id` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`outcome` text,
	`last_error` text,
	`recorded_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "gmail_messages_status_check" CHECK("gmail_messages"."status" in ('pending', 'done', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `gmail_messages_due_idx` ON `gmail_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `emails` ADD `cc_addr` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `references_chain` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `latest_reply` text;--> statement-breakpoint
ALTER TABLE `gmail_sync` ADD `pushed_history_id` text;--> statement-breakpoint
ALTER TABLE `gmail_sync` ADD `last_resync_at` integer;