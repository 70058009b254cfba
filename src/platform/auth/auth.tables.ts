import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * People who log in: citizens of the e-services portal and staff (AC-1..AC-6). The first
 * columns are better-auth's user model (its CLI needs Node 22, so the tables are written
 * here); the rest are what the seeds need beyond it.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** better-auth's display name: "first last". */
    name: text('name').notNull(),
    email: text('email').notNull(),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    username: text('username'),
    displayUsername: text('display_username'),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    phone: text('phone'),
    address: text('address'),
    locale: text('locale').notNull().default('bg'),
    /** citizen, or a staff role (AC-5). */
    role: text('role').notNull().default('citizen'),
    unitId: integer('unit_id'),
    termsVersion: text('terms_version'),
    termsAcceptedAt: timestamp('terms_accepted_at', { withTimezone: true }),
    /**
     * Unused since issue 11: failed logins are counted per login name and client address in
     * rate_limits (accounts.service.ts, login), so that nobody can lock an account from everywhere.
     * The three columns stay only to avoid a migration.
     */
    failedLogins: integer('failed_logins').notNull().default(0),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    suspendedReason: text('suspended_reason'),
    /** AC-6: set when the account was closed; personal columns are then blanked. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Issue 12: officers and managers get a daily digest of their unit's deadlines unless they opt out on /account. */
    deadlineDigest: boolean('deadline_digest').notNull().default(true),
    /** The Sofia day of the last digest written for this person: at most one a day, across retries and instances. */
    deadlineDigestOn: date('deadline_digest_on', { mode: 'string' }),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), uniqueIndex('users_username_uq').on(t.username), index('users_staff_idx').on(t.role).where(sql`${t.role} <> 'citizen'`)],
);

/** Server-side sessions (better-auth): the cookie holds only a signed random token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    token: text('token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('sessions_token_uq').on(t.token), index('sessions_user_idx').on(t.userId)],
);

/** Credentials (better-auth's "account"): the scrypt password hash lives here. */
export const authAccounts = pgTable(
  'auth_accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_accounts_user_idx').on(t.userId)],
);

/** Single-use tokens: password resets (better-auth) and our email-change confirmations. */
export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

/** Secrets the instances of one deployment share (the session-signing key), created once. */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/**
 * AC-6: a closed account's username and email, kept only as SHA-256 hashes until they may be
 * registered again, so the personal data are gone at once while the identity is not re-issued.
 */
export const reservedIdentities = pgTable('reserved_identities', {
  hash: text('hash').primaryKey(),
  releaseAt: timestamp('release_at', { withTimezone: true }).notNull(),
});
