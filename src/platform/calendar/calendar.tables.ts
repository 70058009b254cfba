import { sql } from 'drizzle-orm';
import { check, date, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.tables.js';

/**
 * Day swaps decided by the Council of Ministers (issue 12): a Saturday made a working day
 * ('working') or a bridge day made a non-working day ('holiday'), each with the act that decided it
 * ("РМС № 123/2026"). The Labour Code's holidays (art. 154) are computed, never stored; only
 * these exceptions are data. One swap per day.
 */
export const calendarDays = pgTable(
  'calendar_days',
  {
    day: date('day', { mode: 'string' }).primaryKey(),
    kind: text('kind').notNull().$type<'working' | 'holiday'>(),
    reference: text('reference').notNull(),
    createdBy: text('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('calendar_days_kind_ck', sql`${t.kind} IN ('working', 'holiday')`)],
);
