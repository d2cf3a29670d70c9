CREATE TABLE "duty_admission" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"title" text NOT NULL,
	"title_key" text NOT NULL,
	"list_kind" varchar(16) NOT NULL,
	"category" text,
	"purpose" text NOT NULL,
	"basis" text NOT NULL,
	"cooperation" text,
	"targets" jsonb NOT NULL,
	"township_ids" jsonb NOT NULL,
	"township_paths" jsonb NOT NULL,
	"community_involved" boolean DEFAULT false NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"resources" text NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"findings" jsonb NOT NULL,
	"applicant_id" bigint,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"admitted_item_ids" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_catalogue_item" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"list_kind" varchar(16) NOT NULL,
	"seq" integer DEFAULT 0 NOT NULL,
	"name" text NOT NULL,
	"category" text,
	"basis" text,
	"carrier" text,
	"department_id" integer,
	"department_name" text,
	"cooperation" text,
	"community_involved" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_handback" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"township_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"item_id" bigint NOT NULL,
	"item_name" text NOT NULL,
	"from_list" varchar(16) NOT NULL,
	"department_id" integer NOT NULL,
	"reason_kind" varchar(16) NOT NULL,
	"reason_text" text NOT NULL,
	"evidence" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'pending_department' NOT NULL,
	"requested_by" bigint,
	"department_agrees" boolean,
	"department_comment" text,
	"department_by" bigint,
	"department_at" timestamp with time zone,
	"decision_reason" text,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"version_no" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_item" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"township_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"list_kind" varchar(16) NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"category" text,
	"basis" text,
	"carrier" text,
	"department_id" integer,
	"department_name" text,
	"cooperation" text,
	"community_involved" boolean DEFAULT false NOT NULL,
	"catalogue_item_id" bigint,
	"source" varchar(16) NOT NULL,
	"admission_id" bigint,
	"added_in_version" integer NOT NULL,
	"removed_in_version" integer,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_list_version" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"township_node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"version_no" integer NOT NULL,
	"kind" varchar(16) NOT NULL,
	"reason" text NOT NULL,
	"effective_date" date NOT NULL,
	"created_by" bigint,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"snapshot" jsonb NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_township" (
	"node_id" integer PRIMARY KEY NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"current_version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "duty_admission_status_idx" ON "duty_admission" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "duty_admission_dept_idx" ON "duty_admission" USING btree ("department_id","title_key");--> statement-breakpoint
CREATE INDEX "duty_catalogue_item_kind_idx" ON "duty_catalogue_item" USING btree ("list_kind","seq");--> statement-breakpoint
CREATE INDEX "duty_handback_path_idx" ON "duty_handback" USING btree ("tree_path");--> statement-breakpoint
CREATE INDEX "duty_handback_dept_idx" ON "duty_handback" USING btree ("department_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "duty_handback_open_uq" ON "duty_handback" USING btree ("item_id") WHERE status IN ('pending_department', 'pending_review');--> statement-breakpoint
CREATE INDEX "duty_item_township_idx" ON "duty_item" USING btree ("township_node_id","list_kind","seq");--> statement-breakpoint
CREATE INDEX "duty_item_path_idx" ON "duty_item" USING btree ("tree_path");--> statement-breakpoint
CREATE UNIQUE INDEX "duty_item_current_name_uq" ON "duty_item" USING btree ("township_node_id","name_key") WHERE removed_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "duty_list_version_no_uq" ON "duty_list_version" USING btree ("township_node_id","version_no");