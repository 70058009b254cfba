import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../../platform/auth/auth.tables.js';

/** API-1: keys of client applications that may POST through Open311; only a hash is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** SHA-256 of the key; the key itself is shown once, when it is created. */
    keyHash: text('key_hash').notNull(),
    /** The first characters, so administrators can tell keys apart. */
    prefix: text('prefix').notNull(),
    createdBy: text('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /**
     * Submissions (POST requests) this key may make per hour, set by an administrator; 0 blocks the
     * key's submissions without revoking it. One client's bug or abuse must not fill the official
     * register (issue 11).
     */
    hourlyQuota: integer('hourly_quota').notNull().default(500),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_created_idx').on(t.createdAt)],
);
