CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`client` text NOT NULL,
	`name` text,
	`deliverables_json` text NOT NULL,
	`cpm_target_cents` integer NOT NULL,
	`leniency_bps` integer NOT NULL,
	`max_rounds` integer NOT NULL,
	`min_cost_cents` integer,
	`max_cost_cents` integer,
	`usage_rights` text,
	`product_offer` text,
	`payment_terms` text,
	`follow_up_json` text,
	`raw_json` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`gmail_message_id` text,
	`thread_id` text NOT NULL,
	`negotiation_id` text,
	`direction` text NOT NULL,
	`from_addr` text NOT NULL,
	`to_addr` text NOT NULL,
	`subject` text NOT NULL,
	`body_text` text NOT NULL,
	`rfc822_message_id` text,
	`state` text,
	`offer_cents` integer,
	`ask_cents` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "emails_direction_check" CHECK("emails"."direction" in ('in', 'out'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `emails_gmail_message_id_unique` ON `emails` (`gmail_message_id`);--> statement-breakpoint
CREATE INDEX `emails_thread_idx` ON `emails` (`thread_id`);--> statement-breakpoint
CREATE INDEX `emails_negotiation_idx` ON `emails` (`negotiation_id`,`at`);--> statement-breakpoint
CREATE INDEX `emails_rfc822_idx` ON `emails` (`rfc822_message_id`);--> statement-breakpoint
CREATE TABLE `gmail_sync` (
	`mailbox` text PRIMARY KEY NOT NULL,
	`history_id` text,
	`watch_expiration` integer,
	`last_push_at` integer,
	`last_poll_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`source` text NOT NULL,
	`external_id` text NOT NULL,
	`negotiation_id` text,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`source`, `external_id`),
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `negotiations` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text,
	`thread_id` text,
	`influencer_email` text NOT NULL,
	`influencer_name` text,
	`influencer_handle` text,
	`platform` text NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`machine_version` integer NOT NULL,
	`snapshot_json` text NOT NULL,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "negotiations_status_check" CHECK("negotiations"."status" in ('active', 'done', 'error'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `negotiations_thread_id_unique` ON `negotiations` (`thread_id`);--> statement-breakpoint
CREATE INDEX `negotiations_status_idx` ON `negotiations` (`status`);--> statement-breakpoint
CREATE INDEX `negotiations_campaign_idx` ON `negotiations` (`campaign_id`);--> statement-breakpoint
CREATE INDEX `negotiations_influencer_idx` ON `negotiations` (`influencer_email`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`negotiation_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload_json` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`result_json` text,
	`request_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "outbox_status_check" CHECK("outbox"."status" in ('pending', 'in_flight', 'done', 'dead'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_key_unique` ON `outbox` (`key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_negotiation_idx` ON `outbox` (`negotiation_id`);--> statement-breakpoint
CREATE TABLE `timers` (
	`negotiation_id` text NOT NULL,
	`key` text NOT NULL,
	`due_at` integer NOT NULL,
	`generation` integer NOT NULL,
	`event_json` text NOT NULL,
	PRIMARY KEY(`negotiation_id`, `key`),
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timers_due_idx` ON `timers` (`due_at`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`negotiation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event_type` text NOT NULL,
	`event_json` text NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`note` text,
	`at` integer NOT NULL,
	`request_id` text,
	FOREIGN KEY (`negotiation_id`) REFERENCES `negotiations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transitions_negotiation_seq_idx` ON `transitions` (`negotiation_id`,`seq`);--> statement-breakpoint
CREATE INDEX `transitions_at_idx` ON `transitions` (`at`);