CREATE INDEX "cases_unit_open_status_idx" ON "cases" USING btree ("unit_id","status") WHERE "cases"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "cases_unit_closed_idx" ON "cases" USING btree ("unit_id","closed_at","status") WHERE "cases"."closed_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_unit_registered_idx" ON "cases" USING btree ("unit_id","registered_at");