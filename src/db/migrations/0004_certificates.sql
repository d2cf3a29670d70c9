CREATE TABLE "assisted_request" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"resident_id" bigint NOT NULL,
	"subject_name" text NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"community_node_id" integer NOT NULL,
	"category" varchar(24) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"description" text NOT NULL,
	"help_reason" text,
	"vulnerability" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" varchar(12) DEFAULT 'open' NOT NULL,
	"due_on" date NOT NULL,
	"taken_by" integer,
	"taken_by_name" text NOT NULL,
	"result" text,
	"done_at" timestamp with time zone,
	"certificate_id" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assisted_step" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"by_id" integer,
	"by_name" text NOT NULL,
	"action" varchar(16) NOT NULL,
	"status" varchar(12),
	"note" text
);
--> statement-breakpoint
CREATE TABLE "certificate_counter" (
	"unit_node_id" integer NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "certificate_counter_unit_node_id_year_pk" PRIMARY KEY("unit_node_id","year")
);
--> statement-breakpoint
CREATE TABLE "certificate_kind_version" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind_code" varchar(40) NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"basis" text NOT NULL,
	"purpose" text NOT NULL,
	"process" text NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"preconditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"needs_related" boolean DEFAULT false NOT NULL,
	"issuer_roles" jsonb NOT NULL,
	"validity_days" integer NOT NULL,
	"template" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"change_note" text,
	"changed_by" integer,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificate_kind" (
	"code" varchar(40) PRIMARY KEY NOT NULL,
	"current_version" integer NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificate" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"number" varchar(40) NOT NULL,
	"verify_code" char(10) NOT NULL,
	"kind_code" varchar(40) NOT NULL,
	"kind_version" integer NOT NULL,
	"title" text NOT NULL,
	"resident_id" bigint NOT NULL,
	"related_resident_id" bigint,
	"subject_name" text NOT NULL,
	"subject_id_masked" text NOT NULL,
	"unit_node_id" integer NOT NULL,
	"unit_name" text NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"purpose" text NOT NULL,
	"recipient" text,
	"body_enc" text NOT NULL,
	"public_text" text NOT NULL,
	"statement" text NOT NULL,
	"signature" text NOT NULL,
	"kid" varchar(16) NOT NULL,
	"algorithm" varchar(12) NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_on" date NOT NULL,
	"valid_until" date NOT NULL,
	"issued_by" integer,
	"issued_by_name" text NOT NULL,
	"status" varchar(12) DEFAULT 'issued' NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by_name" text,
	"revoke_reason" text,
	"print_count" integer DEFAULT 0 NOT NULL,
	"last_printed_at" timestamp with time zone,
	"verify_count" integer DEFAULT 0 NOT NULL,
	"last_verified_at" timestamp with time zone,
	"assisted_request_id" bigint
);
--> statement-breakpoint
CREATE TABLE "handbook_entry" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" varchar(40) NOT NULL,
	"title" text NOT NULL,
	"authority" text NOT NULL,
	"place" text NOT NULL,
	"contact" text NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"online" boolean DEFAULT false NOT NULL,
	"online_how" text,
	"basis" text NOT NULL,
	"notes" text,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_key" (
	"id" serial PRIMARY KEY NOT NULL,
	"kid" varchar(16) NOT NULL,
	"unit_node_id" integer NOT NULL,
	"unit_code" varchar(15) NOT NULL,
	"unit_name" text NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"algorithm" varchar(12) NOT NULL,
	"signer_id" varchar(64),
	"public_key_hex" text NOT NULL,
	"public_key_pem" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"status" varchar(12) DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_name" text NOT NULL,
	"retired_at" timestamp with time zone,
	"retire_reason" text
);
--> statement-breakpoint
CREATE INDEX "assisted_request_path_idx" ON "assisted_request" USING btree ("tree_path","created_at");--> statement-breakpoint
CREATE INDEX "assisted_request_resident_idx" ON "assisted_request" USING btree ("resident_id");--> statement-breakpoint
CREATE INDEX "assisted_request_community_idx" ON "assisted_request" USING btree ("community_node_id","status");--> statement-breakpoint
CREATE INDEX "assisted_step_request_idx" ON "assisted_step" USING btree ("request_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_kind_version_uq" ON "certificate_kind_version" USING btree ("kind_code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_number_uq" ON "certificate" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_verify_code_uq" ON "certificate" USING btree ("verify_code");--> statement-breakpoint
CREATE INDEX "certificate_path_idx" ON "certificate" USING btree ("tree_path","issued_at");--> statement-breakpoint
CREATE INDEX "certificate_resident_idx" ON "certificate" USING btree ("resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "handbook_entry_code_uq" ON "handbook_entry" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "signing_key_kid_uq" ON "signing_key" USING btree ("kid");--> statement-breakpoint
CREATE UNIQUE INDEX "signing_key_active_uq" ON "signing_key" USING btree ("unit_node_id") WHERE status = 'active';