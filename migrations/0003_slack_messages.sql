CREATE TABLE `slack_messages` (
	`key` text PRIMARY KEY NOT NULL,
	`negotiation_id` text,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`ts` text NOT NULL,
	`thread_ts` text,
	`posted_at` integer NOT NULL,
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `slack_messages_negotiation_idx` ON `slack_messages` (`negotiation_id`,`posted_at`);--> statement-breakpoint
ALTER TABLE `negotiations` ADD `average_views` integer;