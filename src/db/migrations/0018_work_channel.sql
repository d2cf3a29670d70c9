CREATE TABLE "work_calendar_day" (
	"day" date PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"kind" varchar(8) NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_calendar_year" (
	"year" integer PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"loaded_by" integer,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_attachment" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" bigint,
	"file_name" text NOT NULL,
	"size" integer NOT NULL,
	"digest" varchar(64) NOT NULL,
	"uploaded_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" varchar(12) NOT NULL,
	"source_key" varchar(80) NOT NULL,
	"task_id" bigint,
	"unit_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"title" text NOT NULL,
	"from_name" text NOT NULL,
	"item_name" text NOT NULL,
	"link" jsonb,
	"deadline" date,
	"amount" integer,
	"delivered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	"read_by" integer,
	"done_at" timestamp with time zone,
	"done_by" integer,
	"done_by_name" text,
	"result" text,
	"reminders" integer DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_reminder" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"inbox_id" bigint NOT NULL,
	"kind" varchar(16) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_task" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" varchar(8) NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"sender_user_id" integer,
	"sender_name" text NOT NULL,
	"sender_unit" text NOT NULL,
	"sender_node_id" integer NOT NULL,
	"sender_path" text COLLATE "C" NOT NULL,
	"sender_department_id" integer,
	"duty_item_id" integer NOT NULL,
	"duty_item_name" text NOT NULL,
	"duty_list_kind" varchar(12) NOT NULL,
	"link" jsonb,
	"sent_on" date NOT NULL,
	"working_days" integer NOT NULL,
	"deadline" date NOT NULL,
	"units" integer NOT NULL,
	"status" varchar(12) DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_whistle_call" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"whistle_id" bigint NOT NULL,
	"department_id" integer NOT NULL,
	"department_name" text NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"status" varchar(12) DEFAULT 'summoned' NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"on_site_at" timestamp with time zone,
	"staff_note" text,
	"acted_at" timestamp with time zone,
	"action_note" text,
	"last_by" integer,
	"last_by_name" text
);
--> statement-breakpoint
CREATE TABLE "channel_whistle" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"street_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"reason" varchar(16) NOT NULL,
	"problem" text NOT NULL,
	"place_text" text NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"deadline_hours" integer,
	"deadline_working_days" integer,
	"deadline_at" timestamp with time zone NOT NULL,
	"raised_by" integer,
	"raised_by_name" text NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" varchar(8) DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone,
	"closing_note" text
);
--> statement-breakpoint
CREATE INDEX "work_calendar_day_year_idx" ON "work_calendar_day" USING btree ("year");--> statement-breakpoint
CREATE INDEX "channel_attachment_task_idx" ON "channel_attachment" USING btree ("task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_inbox_source_uq" ON "channel_inbox" USING btree ("source_key");--> statement-breakpoint
CREATE INDEX "channel_inbox_path_idx" ON "channel_inbox" USING btree ("tree_path","deadline");--> statement-breakpoint
CREATE INDEX "channel_inbox_task_idx" ON "channel_inbox" USING btree ("task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_reminder_uq" ON "channel_reminder" USING btree ("inbox_id","kind");--> statement-breakpoint
CREATE INDEX "channel_task_sender_idx" ON "channel_task" USING btree ("sender_path","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_whistle_call_uq" ON "channel_whistle_call" USING btree ("whistle_id","department_id");--> statement-breakpoint
CREATE INDEX "channel_whistle_call_dept_idx" ON "channel_whistle_call" USING btree ("department_id","whistle_id");--> statement-breakpoint
CREATE INDEX "channel_whistle_call_path_idx" ON "channel_whistle_call" USING btree ("tree_path");--> statement-breakpoint
CREATE INDEX "channel_whistle_path_idx" ON "channel_whistle" USING btree ("tree_path","raised_at");