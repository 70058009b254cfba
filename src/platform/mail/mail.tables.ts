import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every email the platform writes. Rows are inserted in the transaction of the event that
 * causes them; a durable job delivers them (SMTP) or leaves them readable at /dev/mailbox.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    lang: text('lang').notNull().default('bg'),
    template: text('template').notNull(),
    /**
     * queued → sent (SMTP accepted it) or kept (no SMTP configured: stays in the outbox);
     * erased (its account was closed before it went out) or expired (undelivered for 30 days):
     * never sent. Bodies are erased 30 days after delivery (eraseOldMailBodies).
     */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  // By address as the mailbox reads it: a confirmation keeps the address as it was typed.
  (t) => [index('mail_outbox_created_idx').on(t.createdAt), index('mail_outbox_to_lower_idx').on(sql`lower(${t.to})`)],
);
