ALTER TABLE "users" ADD COLUMN "deadline_digest" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deadline_digest_on" date;--> statement-breakpoint
CREATE INDEX "case_clocks_paused_idx" ON "case_clocks" USING btree ("paused_at") WHERE "case_clocks"."state" = 'paused';