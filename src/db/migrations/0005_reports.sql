CREATE TABLE "report_cleanup" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"department_name" text NOT NULL,
	"action" varchar(12) NOT NULL,
	"replaced_by_code" varchar(40),
	"reason" text NOT NULL,
	"times_per_year" integer DEFAULT 12 NOT NULL,
	"minutes_per_fill" integer DEFAULT 0 NOT NULL,
	"decided_on" date NOT NULL,
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_due" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"template_id" integer NOT NULL,
	"template_code" varchar(40) NOT NULL,
	"unit_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"period" varchar(24) NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"deadline" date NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"submission_id" bigint,
	"submitted_at" timestamp with time zone,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reminders" integer DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_form" (
	"id" serial PRIMARY KEY NOT NULL,
	"template_id" integer NOT NULL,
	"file_name" text NOT NULL,
	"content" text NOT NULL,
	"sheet_name" text NOT NULL,
	"mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"uploaded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_reminder" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"due_id" bigint NOT NULL,
	"kind" varchar(12) NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_submission" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"due_id" bigint NOT NULL,
	"template_id" integer NOT NULL,
	"template_code" varchar(40) NOT NULL,
	"unit_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"period" varchar(24) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" varchar(12) DEFAULT 'current' NOT NULL,
	"reference_date" date NOT NULL,
	"result" jsonb NOT NULL,
	"manual" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"digest" varchar(64) NOT NULL,
	"reason" text,
	"submitted_by" integer,
	"submitted_by_name" text NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"compute_ms" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_template" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" varchar(16) DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"department_id" integer,
	"department_code" varchar(32),
	"department_name" text NOT NULL,
	"legal_basis" text NOT NULL,
	"purpose" text NOT NULL,
	"cadence" varchar(12) NOT NULL,
	"deadline_days" integer DEFAULT 5 NOT NULL,
	"once_start" date,
	"once_end" date,
	"submit_level" varchar(12) DEFAULT 'community' NOT NULL,
	"target_node_id" integer NOT NULL,
	"target_path" text COLLATE "C" NOT NULL,
	"entitled_departments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"definition" jsonb NOT NULL,
	"hand_minutes_before" integer DEFAULT 0 NOT NULL,
	"coverage" jsonb,
	"overlaps" jsonb,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_by" integer,
	"created_by_name" text,
	"submitted_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"reviewed_by" integer,
	"reviewed_by_name" text,
	"review_note" text,
	"merged_into_code" varchar(40),
	"retired_at" timestamp with time zone,
	"retired_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "report_cleanup_action_idx" ON "report_cleanup" USING btree ("action");--> statement-breakpoint
CREATE UNIQUE INDEX "report_due_uq" ON "report_due" USING btree ("template_code","unit_node_id","period");--> statement-breakpoint
CREATE INDEX "report_due_path_idx" ON "report_due" USING btree ("tree_path","deadline");--> statement-breakpoint
CREATE INDEX "report_due_status_idx" ON "report_due" USING btree ("status","deadline");--> statement-breakpoint
CREATE UNIQUE INDEX "report_form_template_uq" ON "report_form" USING btree ("template_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_reminder_uq" ON "report_reminder" USING btree ("due_id","kind");--> statement-breakpoint
CREATE INDEX "report_reminder_path_idx" ON "report_reminder" USING btree ("tree_path","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "report_submission_version_uq" ON "report_submission" USING btree ("due_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "report_submission_current_uq" ON "report_submission" USING btree ("due_id") WHERE status = 'current';--> statement-breakpoint
CREATE INDEX "report_submission_path_idx" ON "report_submission" USING btree ("tree_path","template_code","period");--> statement-breakpoint
CREATE UNIQUE INDEX "report_template_code_version_uq" ON "report_template" USING btree ("code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "report_template_approved_uq" ON "report_template" USING btree ("code") WHERE status = 'approved';--> statement-breakpoint
CREATE INDEX "report_template_status_idx" ON "report_template" USING btree ("status");