-- Issue 11: a history entry's audience as a typed value instead of a boolean: who may read it is
-- decided in cases.audience.ts from this value. Existing rows keep what they had.
ALTER TABLE "case_events" ADD COLUMN "visibility" text;--> statement-breakpoint
UPDATE "case_events" SET "visibility" = CASE WHEN "is_public" THEN 'public' ELSE 'internal' END;--> statement-breakpoint
ALTER TABLE "case_events" ALTER COLUMN "visibility" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "case_events" DROP COLUMN "is_public";--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_visibility_ck" CHECK ("case_events"."visibility" IN ('public', 'internal'));
