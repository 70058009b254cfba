import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { caseTypes, organisations } from '../catalog/catalog.tables.js';
import { cases } from '../cases/cases.tables.js';
import { users } from '../../platform/auth/auth.tables.js';
import type { ClockSpec } from './deadlines.policy.js';

/**
 * Deadline policies as data: an organisation's clocks for a kind of document (and optionally one
 * type), valid for documents registered from `valid_from` on. A change is a new row with a later
 * `valid_from`: documents already registered keep the policy they were registered under.
 */
export const deadlinePolicies = pgTable(
  'deadline_policies',
  {
    id: serial('id').primaryKey(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').notNull(),
    typeId: integer('type_id').references(() => caseTypes.id),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    clocks: jsonb('clocks').$type<ClockSpec[]>().notNull(),
    note: text('note'),
    createdBy: text('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('deadline_policies_uq').on(t.organisationId, t.kind, sql`coalesce(${t.typeId}, 0)`, t.validFrom)],
);

export const CLOCK_STATES = ['waiting', 'running', 'paused', 'stopped', 'expired'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/**
 * The clocks of one case, materialised: each with its due date, so that pages and the inbox read
 * them without computing (issue 12), recomputed by the events that move them in the transaction of
 * the event. `due_at` is the end of the due day in Sofia (23:59:59), or an exact moment for clocks
 * measured in hours.
 */
export const caseClocks = pgTable(
  'case_clocks',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    policyId: integer('policy_id')
      .notNull()
      .references(() => deadlinePolicies.id),
    code: text('code').notNull(),
    /** A legal deadline, or an internal target (anonymous signals: АПК art. 111(4) opens no proceedings). */
    legal: boolean('legal').notNull(),
    state: text('state').$type<ClockState>().notNull(),
    /** The day the period runs from (its first day is the next one). */
    startedOn: date('started_on', { mode: 'string' }),
    dueOn: date('due_on', { mode: 'string' }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    /** Calendar days added by extensions (ЗДОИ art. 30, 31), and how many extensions were granted. */
    extendedDays: integer('extended_days').notNull().default(0),
    extensions: smallint('extensions').notNull().default(0),
    /** Which of the policy's extensions were granted: each once (ЗДОИ art. 30, 31 allow one of each). */
    extensionCodes: text('extension_codes').array().notNull().default(sql`'{}'::text[]`),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('case_clocks_case_code_uq').on(t.caseId, t.code),
    // The reminder sweep reads only running clocks by due moment.
    index('case_clocks_running_due_idx').on(t.dueAt).where(sql`${t.state} = 'running'`),
    // The expiry sweep (ЗДОИ art. 29(2)) reads only paused clocks by when they paused.
    index('case_clocks_paused_idx').on(t.pausedAt).where(sql`${t.state} = 'paused'`),
    check('case_clocks_state_ck', sql`${t.state} IN ('waiting', 'running', 'paused', 'stopped', 'expired')`),
  ],
);

/**
 * Reminders and escalations sent, one row per clock and step: the unique index makes each step
 * happen exactly once, across restarts and instances (a replay inserts nothing and sends nothing).
 */
export const clockNotices = pgTable(
  'clock_notices',
  {
    clockId: bigint('clock_id', { mode: 'number' })
      .notNull()
      .references(() => caseClocks.id),
    step: text('step').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('clock_notices_uq').on(t.clockId, t.step)],
);
