CREATE TABLE "api_token" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"digest" varchar(64) NOT NULL,
	"kind" varchar(16) NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"department_id" integer,
	"permissions" jsonb NOT NULL,
	"created_by" integer NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "role_policy" (
	"role" varchar(32) PRIMARY KEY NOT NULL,
	"mfa_required" boolean DEFAULT false NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session" (
	"digest" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"mfa_satisfied" boolean DEFAULT false NOT NULL,
	"ip" text,
	"user_agent" text,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_account" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" varchar(64) NOT NULL,
	"display_name" text NOT NULL,
	"role" varchar(32) NOT NULL,
	"grid_worker_kind" varchar(16),
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"department_id" integer,
	"password_hash" text NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"totp_secret_enc" text,
	"totp_enabled" boolean DEFAULT false NOT NULL,
	"totp_last_step" integer,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoint" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"first_kept_id" bigint NOT NULL,
	"last_hash" char(64) NOT NULL,
	"purged_before" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" integer,
	"actor_name" text NOT NULL,
	"actor_role" varchar(32) NOT NULL,
	"department_id" integer,
	"category" varchar(12) NOT NULL,
	"action" varchar(64) NOT NULL,
	"entity_type" varchar(32),
	"entity_id" text,
	"subject_id" bigint,
	"tree_path" text COLLATE "C",
	"district_code" char(6),
	"ip" text,
	"request_id" text,
	"reason" text,
	"result" varchar(12) NOT NULL,
	"detail" jsonb,
	"prev_hash" char(64) NOT NULL,
	"hash" char(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" varchar(64) NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "data_grant" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"record_kind" varchar(24) NOT NULL,
	"read_fields" jsonb NOT NULL,
	"write_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"unmasked_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"purpose" text NOT NULL,
	"valid_from" date DEFAULT CURRENT_DATE NOT NULL,
	"valid_to" date,
	"granted_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" integer
);
--> statement-breakpoint
CREATE TABLE "department" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_leader" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"tier" varchar(20) NOT NULL,
	"person_name" text NOT NULL,
	"title" text,
	"user_id" integer,
	"since" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_party_org" (
	"grid_id" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"org_type" varchar(16) DEFAULT 'branch' NOT NULL,
	"secretary_name" text,
	"member_count" integer DEFAULT 0 NOT NULL,
	"established_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tree_node_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"node_id" integer NOT NULL,
	"code" varchar(15) NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"path" text COLLATE "C" NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"change" varchar(16) NOT NULL,
	"related_node_ids" jsonb,
	"reason" text,
	"changed_by" integer,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tree_node" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" varchar(15) NOT NULL,
	"name" text NOT NULL,
	"level" varchar(12) NOT NULL,
	"kind" varchar(24) NOT NULL,
	"special_kind" varchar(24),
	"parent_id" integer,
	"path" text COLLATE "C" NOT NULL,
	"depth" smallint NOT NULL,
	"district_code" char(6),
	"boundary" jsonb,
	"center_lat" double precision,
	"center_lng" double precision,
	"area_km2" double precision,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"valid_from" date DEFAULT '2000-01-01' NOT NULL,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "building" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"kind" varchar(16) DEFAULT 'residential' NOT NULL,
	"floors" integer,
	"unit_count" integer,
	"built_year" integer,
	"lat" double precision,
	"lng" double precision,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facility" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"node_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"kind" varchar(24) NOT NULL,
	"operator" text,
	"opening_hours" text,
	"address" text,
	"capacity" integer,
	"lat" double precision,
	"lng" double precision,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "field_policy" (
	"id" serial PRIMARY KEY NOT NULL,
	"record_kind" varchar(24) NOT NULL,
	"field_group" varchar(32) NOT NULL,
	"fields" jsonb NOT NULL,
	"label_code" varchar(32),
	"owner" varchar(32) DEFAULT 'community' NOT NULL,
	"review_days" integer NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"household_no" varchar(32) NOT NULL,
	"house_id" bigint,
	"kind" varchar(16) DEFAULT 'family' NOT NULL,
	"head_resident_id" bigint,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "house" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"building_id" bigint NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"unit_no" varchar(16),
	"floor" integer,
	"room_no" varchar(16) NOT NULL,
	"area_m2" double precision,
	"usage" varchar(16) DEFAULT 'owner_occupied' NOT NULL,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "label_kind" (
	"code" varchar(32) PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"applies_to" varchar(16) DEFAULT 'resident' NOT NULL,
	"owner" varchar(32) DEFAULT 'community' NOT NULL,
	"review_days" integer DEFAULT 365 NOT NULL,
	"attribute_schema" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sensitive" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisation" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"kind" varchar(16) NOT NULL,
	"credit_code" varchar(18),
	"legal_rep_name" text,
	"phone_enc" text,
	"phone_hash" char(64),
	"address" text,
	"building_id" bigint,
	"employees" integer,
	"lat" double precision,
	"lng" double precision,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_review" (
	"record_kind" varchar(24) NOT NULL,
	"record_id" bigint NOT NULL,
	"policy_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"owner" varchar(32) NOT NULL,
	"reviewed_at" timestamp with time zone NOT NULL,
	"reviewed_by" integer,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "record_review_record_kind_record_id_policy_id_pk" PRIMARY KEY("record_kind","record_id","policy_id")
);
--> statement-breakpoint
CREATE TABLE "record_version" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_kind" varchar(24) NOT NULL,
	"record_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"operation" varchar(16) NOT NULL,
	"data" jsonb NOT NULL,
	"changed_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" varchar(16) NOT NULL,
	"reason" text,
	"changed_by" integer,
	"changed_by_name" text,
	"department_id" integer,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resident_label" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"resident_id" bigint NOT NULL,
	"label_code" varchar(32) NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"since" date NOT NULL,
	"until" date,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" varchar(16) DEFAULT 'community' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE TABLE "resident" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"household_id" bigint,
	"house_id" bigint,
	"relation_to_head" varchar(2),
	"name" text NOT NULL,
	"id_type" varchar(2) DEFAULT '01' NOT NULL,
	"id_number_enc" text,
	"id_number_hash" char(64),
	"birth_date" date,
	"sex" char(1) DEFAULT '0' NOT NULL,
	"id_address_code" char(6),
	"phone_enc" text,
	"phone_hash" char(64),
	"ethnicity" varchar(2),
	"marital_status" varchar(2),
	"political_status" varchar(2),
	"education" varchar(2),
	"residence_status" varchar(16) DEFAULT 'registered' NOT NULL,
	"hukou_address" text,
	"address" text,
	"occupation" text,
	"employer" text,
	"resident_since" date,
	"notes" text,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"merged_into" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE TABLE "visit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"resident_id" bigint,
	"household_id" bigint,
	"grid_id" integer NOT NULL,
	"tree_path" text COLLATE "C" NOT NULL,
	"district_code" char(6) NOT NULL,
	"visited_at" timestamp with time zone NOT NULL,
	"visitor_id" integer NOT NULL,
	"kind" varchar(16) DEFAULT 'routine' NOT NULL,
	"notes" text,
	"confirmed_policies" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_token_digest_uq" ON "api_token" USING btree ("digest");--> statement-breakpoint
CREATE INDEX "session_user_idx" ON "session" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_account_username_uq" ON "user_account" USING btree (lower("username"));--> statement-breakpoint
CREATE INDEX "user_account_path_idx" ON "user_account" USING btree ("tree_path");--> statement-breakpoint
CREATE INDEX "user_account_role_idx" ON "user_account" USING btree ("role");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "job_due_idx" ON "job" USING btree ("status","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_dedupe_uq" ON "job" USING btree ("dedupe_key") WHERE status IN ('pending','running');--> statement-breakpoint
CREATE INDEX "data_grant_department_idx" ON "data_grant" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "data_grant_path_idx" ON "data_grant" USING btree ("tree_path");--> statement-breakpoint
CREATE UNIQUE INDEX "department_node_code_uq" ON "department" USING btree ("node_id","code");--> statement-breakpoint
CREATE INDEX "grid_leader_grid_idx" ON "grid_leader" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "tree_node_history_node_idx" ON "tree_node_history" USING btree ("node_id","valid_from");--> statement-breakpoint
CREATE INDEX "tree_node_path_idx" ON "tree_node" USING btree ("path");--> statement-breakpoint
CREATE INDEX "tree_node_parent_idx" ON "tree_node" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tree_node_code_current_uq" ON "tree_node" USING btree ("code") WHERE valid_to IS NULL;--> statement-breakpoint
CREATE INDEX "tree_node_level_idx" ON "tree_node" USING btree ("level");--> statement-breakpoint
CREATE INDEX "building_path_idx" ON "building" USING btree ("tree_path","id");--> statement-breakpoint
CREATE INDEX "building_grid_idx" ON "building" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "facility_path_idx" ON "facility" USING btree ("tree_path","id");--> statement-breakpoint
CREATE UNIQUE INDEX "field_policy_uq" ON "field_policy" USING btree ("record_kind","field_group",coalesce(label_code, ''));--> statement-breakpoint
CREATE INDEX "household_path_idx" ON "household" USING btree ("tree_path","id");--> statement-breakpoint
CREATE INDEX "household_house_idx" ON "household" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "house_path_idx" ON "house" USING btree ("tree_path","id");--> statement-breakpoint
CREATE INDEX "house_building_idx" ON "house" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "organisation_path_idx" ON "organisation" USING btree ("tree_path","id");--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_credit_uq" ON "organisation" USING btree ("credit_code") WHERE status <> 'deleted' AND credit_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX "record_review_due_idx" ON "record_review" USING btree ("tree_path","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "record_version_uq" ON "record_version" USING btree ("record_kind","record_id","version");--> statement-breakpoint
CREATE INDEX "record_version_at_idx" ON "record_version" USING btree ("record_kind","record_id","changed_at");--> statement-breakpoint
CREATE INDEX "resident_label_resident_idx" ON "resident_label" USING btree ("resident_id");--> statement-breakpoint
CREATE INDEX "resident_label_code_path_idx" ON "resident_label" USING btree ("label_code","tree_path");--> statement-breakpoint
CREATE INDEX "resident_path_idx" ON "resident" USING btree ("tree_path","id");--> statement-breakpoint
CREATE UNIQUE INDEX "resident_id_number_uq" ON "resident" USING btree ("id_number_hash") WHERE status NOT IN ('deleted','merged') AND id_number_hash IS NOT NULL;--> statement-breakpoint
CREATE INDEX "resident_phone_idx" ON "resident" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "resident_household_idx" ON "resident" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "resident_grid_idx" ON "resident" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "resident_dedupe_idx" ON "resident" USING btree ("name","birth_date");--> statement-breakpoint
CREATE INDEX "resident_district_idx" ON "resident" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "visit_resident_idx" ON "visit" USING btree ("resident_id","visited_at");--> statement-breakpoint
CREATE INDEX "visit_path_idx" ON "visit" USING btree ("tree_path","visited_at");--> statement-breakpoint
CREATE INDEX "visit_visitor_idx" ON "visit" USING btree ("visitor_id","visited_at");