CREATE TABLE "label_proposal" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"resident_id" bigint NOT NULL,
	"label_code" varchar(32) NOT NULL,
	"owner" varchar(32) NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"source" varchar(12) NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"note" text,
	"since" date,
	"proposed_by" integer,
	"proposed_by_name" text NOT NULL,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_by_name" text,
	"department_id" integer,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "label_kind" ADD COLUMN "rules" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "import_template" ADD COLUMN "default_grid_id" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "label_proposal_open_uq" ON "label_proposal" USING btree ("resident_id","label_code") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "label_proposal_path_idx" ON "label_proposal" USING btree ("tree_path","id");--> statement-breakpoint
CREATE INDEX "label_proposal_queue_idx" ON "label_proposal" USING btree ("owner","status","tree_path");--> statement-breakpoint
CREATE INDEX "label_proposal_resident_idx" ON "label_proposal" USING btree ("resident_id");