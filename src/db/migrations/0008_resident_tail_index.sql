ALTER TABLE "resident" ADD COLUMN "id_number_tail_hash" char(16);--> statement-breakpoint
ALTER TABLE "resident" ADD COLUMN "phone_tail_hash" char(16);--> statement-breakpoint
CREATE INDEX "resident_id_tail_idx" ON "resident" USING btree ("id_number_tail_hash");--> statement-breakpoint
CREATE INDEX "resident_phone_tail_idx" ON "resident" USING btree ("phone_tail_hash");--> statement-breakpoint
CREATE INDEX "resident_tail_backfill_idx" ON "resident" USING btree ("id") WHERE (id_number_enc IS NOT NULL AND id_number_tail_hash IS NULL) OR (phone_enc IS NOT NULL AND phone_tail_hash IS NULL);