DROP INDEX "mail_outbox_to_idx";--> statement-breakpoint
CREATE INDEX "mail_outbox_to_lower_idx" ON "mail_outbox" USING btree (lower("to"));--> statement-breakpoint
-- Issue 11: the outbox is not an archive. The hourly clean-up erases bodies 30 days after delivery
-- but looks only at the last 90 days; what was older when this version came is erased here, once.
UPDATE "mail_outbox" SET "text" = '', "html" = '', "last_error" = NULL
  WHERE "status" IN ('sent', 'kept') AND "sent_at" < now() - interval '30 days' AND ("text" <> '' OR "html" <> '');--> statement-breakpoint
UPDATE "mail_outbox" SET "text" = '', "html" = '', "last_error" = NULL, "status" = 'expired'
  WHERE "status" = 'queued' AND "created_at" < now() - interval '30 days';
