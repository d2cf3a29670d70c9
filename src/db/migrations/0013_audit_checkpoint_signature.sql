ALTER TABLE "audit_checkpoint" ADD COLUMN "purged_rows" bigint;--> statement-breakpoint
ALTER TABLE "audit_checkpoint" ADD COLUMN "signature" text;