ALTER TABLE "report_template" ADD COLUMN "filing_year" integer;--> statement-breakpoint
ALTER TABLE "report_template" ADD COLUMN "filing_seq" integer;--> statement-breakpoint
ALTER TABLE "report_template" ADD COLUMN "en" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "report_template_filing_uq" ON "report_template" USING btree ("filing_year","filing_seq");