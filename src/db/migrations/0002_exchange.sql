CREATE TABLE "import_job" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_kind" varchar(24) NOT NULL,
	"status" varchar(12) DEFAULT 'uploaded' NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"default_grid_id" integer,
	"file_name" text NOT NULL,
	"file_size" bigint NOT NULL,
	"format" varchar(8) NOT NULL,
	"encoding" varchar(16),
	"file_digest" char(64) NOT NULL,
	"preview" jsonb,
	"mapping" jsonb,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"committed_row" integer DEFAULT 0 NOT NULL,
	"counts" jsonb DEFAULT '{"created":0,"updated":0,"unchanged":0,"failed":0,"warned":0,"blank":0}'::jsonb NOT NULL,
	"error_code" varchar(64),
	"error_message" jsonb,
	"created_by" integer,
	"created_by_name" text NOT NULL,
	"runner" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_row_issue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" bigint NOT NULL,
	"row_no" integer NOT NULL,
	"severity" varchar(8) NOT NULL,
	"reasons" jsonb NOT NULL,
	"cells_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_template" (
	"id" serial PRIMARY KEY NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"record_kind" varchar(24) NOT NULL,
	"signature" char(64) NOT NULL,
	"name" text NOT NULL,
	"headers" jsonb NOT NULL,
	"mapping" jsonb NOT NULL,
	"use_count" integer DEFAULT 1 NOT NULL,
	"created_by" integer,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "import_job_path_idx" ON "import_job" USING btree ("tree_path","id");--> statement-breakpoint
CREATE INDEX "import_job_status_idx" ON "import_job" USING btree ("status");--> statement-breakpoint
CREATE INDEX "import_row_issue_import_idx" ON "import_row_issue" USING btree ("import_id","row_no");--> statement-breakpoint
CREATE UNIQUE INDEX "import_template_uq" ON "import_template" USING btree ("node_id","record_kind","signature");--> statement-breakpoint
CREATE INDEX "import_template_path_idx" ON "import_template" USING btree ("tree_path");