import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The last number given per register and year. Taken with UPDATE … RETURNING inside the
 * transaction that stores the document, so a rolled-back submission gives its number back
 * and numbers stay gap-free across processes (the row lock serialises them).
 */
export const registerCounters = pgTable(
  'register_counters',
  {
    registerCode: text('register_code').notNull(),
    year: integer('year').notNull(),
    lastValue: integer('last_value').notNull().default(0),
    /**
     * The registration moment of the last number, from the database clock: a later number never
     * carries an earlier moment, whichever instance or connection took it (issue 11).
     */
    lastAt: timestamp('last_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.registerCode, t.year] })],
);
