import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { caseTypes, categories, organisations, units } from '../catalog/catalog.tables.js';
import { districts, neighbourhoods } from '../../platform/geo/geo.tables.js';
import { pointColumn } from '../../platform/db/types.js';
import { users } from '../../platform/auth/auth.tables.js';

/**
 * One register, one case model: a signal, a question and (later) letters, complaints and
 * public-information requests are rows of this table distinguished by `kind`; the per-kind
 * rules live in cases.policy.ts.
 */
export const cases = pgTable(
  'cases',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    registerCode: text('register_code').notNull(),
    regYear: smallint('reg_year').notNull(),
    regSeq: integer('reg_seq').notNull(),
    regNumber: text('reg_number').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    channel: text('channel').notNull().default('web'),
    categoryId: integer('category_id').references(() => categories.id),
    typeId: integer('type_id').references(() => caseTypes.id),
    status: text('status').notNull().default('pending'),
    /** Letters, complaints, proposals and requests have a subject; signals do not. */
    subject: text('subject'),
    description: text('description').notNull(),
    address: text('address'),
    location: pointColumn('location'),
    districtId: integer('district_id').references(() => districts.id),
    neighbourhoodId: integer('neighbourhood_id').references(() => neighbourhoods.id),
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
    /** The registered user who submitted it (CC-11); null for anonymous web and phone submissions. */
    authorId: text('author_id').references(() => users.id),
    submitterName: text('submitter_name'),
    submitterAddress: text('submitter_address'),
    submitterPhone: text('submitter_phone'),
    submitterEmail: text('submitter_email'),
    lang: text('lang').notNull().default('bg'),
    /** АПК art. 111(4): no name and no contact — handled, but marked and kept out of deadline reports. */
    anonymous: boolean('anonymous').notNull().default(false),
    /** SHA-256 of the private link's token; the token itself is only in the submitter's email. */
    accessTokenHash: text('access_token_hash'),
    isPublic: boolean('is_public').notNull(),
    hidden: boolean('hidden').notNull().default(false),
    unitId: integer('unit_id').references(() => units.id),
    /** CC-9: set when the case was sent to an outside organisation (a utility, the police …). */
    organisationId: integer('organisation_id').references(() => organisations.id),
    /** The officer a unit manager gave it to; never shown publicly. */
    assigneeId: text('assignee_id').references(() => users.id),
    /** CC-17: why it was hidden from the public (staff only). */
    hiddenReason: text('hidden_reason'),
    /** Status "Съвпадащ с друг сигнал": the main case this one duplicates. */
    duplicateOfId: bigint('duplicate_of_id', { mode: 'number' }),
    /** CC-7: the first public answer, for "days to first real answer". */
    firstAnswerAt: timestamp('first_answer_at', { withTimezone: true }),
    /** Open311 POST extras (API-1): a photo's address, the client device and its account id. */
    mediaUrl: text('media_url'),
    deviceId: text('device_id'),
    clientAccountId: text('client_account_id'),
    /** The Open311 client (API key) that sent it. */
    apiKeyId: bigint('api_key_id', { mode: 'number' }),
    photoCount: smallint('photo_count').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * When the earliest running clock of the case ends (issue 12), kept by the deadline engine in
     * the transaction of every change that moves a clock: the inbox sorts and filters by it.
     */
    dueAt: timestamp('due_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('cases_reg_number_uq').on(t.regNumber),
    uniqueIndex('cases_register_seq_uq').on(t.registerCode, t.regYear, t.regSeq),
    uniqueIndex('cases_access_token_uq').on(t.accessTokenHash),
    index('cases_kind_registered_idx').on(t.kind, t.registeredAt),
    index('cases_author_idx').on(t.authorId, t.registeredAt).where(sql`${t.authorId} IS NOT NULL`),
    // The map reads only public, visible signals of recent weeks: keep that index small.
    index('cases_map_gix')
      .using('gist', t.location)
      .where(sql`${t.isPublic} AND NOT ${t.hidden} AND ${t.location} IS NOT NULL`),
    index('cases_unit_open_idx').on(t.unitId, t.registeredAt).where(sql`${t.closedAt} IS NULL`),
    // The inbox counts (CC-10) read only index entries: open cases per status, recently closed ones per status.
    index('cases_unit_open_status_idx').on(t.unitId, t.status).where(sql`${t.closedAt} IS NULL`),
    index('cases_unit_closed_idx').on(t.unitId, t.closedAt, t.status).where(sql`${t.closedAt} IS NOT NULL`),
    // The inbox's closed and all-states views, oldest or newest first.
    index('cases_unit_registered_idx').on(t.unitId, t.registeredAt),
    // The inbox's "due soonest" and "overdue" views of open work.
    index('cases_unit_due_idx').on(t.unitId, t.dueAt).where(sql`${t.closedAt} IS NULL`),
    index('cases_submitter_phone_idx').on(t.submitterPhone).where(sql`${t.submitterPhone} IS NOT NULL`),
    index('cases_submitter_email_idx').on(t.submitterEmail).where(sql`${t.submitterEmail} IS NOT NULL`),
    index('cases_updated_idx').on(t.updatedAt),
    // The overview's "closed per week" (CC-7) reads only closed public cases.
    index('cases_public_closed_idx')
      .on(t.closedAt)
      .where(sql`${t.isPublic} AND NOT ${t.hidden} AND ${t.closedAt} IS NOT NULL`),
    index('cases_public_recent_idx')
      .on(t.registeredAt)
      .where(sql`${t.isPublic} AND NOT ${t.hidden}`),
  ],
);

/**
 * Who may read a history entry: `public` entries reach everyone who may see the case (for a
 * private document: its author and the handling unit), `internal` ones only staff. Which
 * audience receives which is decided in cases.audience.ts.
 */
export const EVENT_VISIBILITIES = ['public', 'internal'] as const;
export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

/** Append-only history of a case; its `visibility` says who may read an entry. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    type: text('type').notNull(),
    statusFrom: text('status_from'),
    statusTo: text('status_to'),
    text: text('text'),
    visibility: text('visibility').$type<EventVisibility>().notNull(),
    /** Who acted, as the public may see it: a unit or organisation, never a staff member's name. */
    actorLabel: text('actor_label'),
    /** The staff member who acted (internal; the audit log has the details). */
    actorId: text('actor_id'),
  },
  (t) => [
    index('case_events_case_idx').on(t.caseId, t.at),
    check('case_events_visibility_ck', sql`${t.visibility} IN ('public', 'internal')`),
  ],
);

/** Files attached to a case: photos now, documents later. Ids are random so URLs are unguessable. */
export const caseFiles = pgTable(
  'case_files',
  {
    id: uuid('id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    kind: text('kind').notNull(),
    position: smallint('position').notNull(),
    mime: text('mime').notNull(),
    /** The name the file had on the sender's computer, for documents; shown only to those who may see the case. */
    filename: text('filename'),
    originalKind: text('original_kind').notNull(),
    width: integer('width'),
    height: integer('height'),
    bytes: integer('bytes').notNull(),
    hidden: boolean('hidden').notNull().default(false),
    hiddenReason: text('hidden_reason'),
    /** Files attached to a staff answer belong to that history entry. */
    eventId: bigint('event_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('case_files_case_idx').on(t.caseId, t.position)],
);

/** CC-13: a registered user follows a signal; notified of its changes until they unsubscribe. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('subscriptions_user_case_uq').on(t.userId, t.caseId), index('subscriptions_case_idx').on(t.caseId)],
);

/** CC-14: a call the Contact Center transferred to an outside organisation. */
export const callTransfers = pgTable(
  'call_transfers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => users.id),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    callerName: text('caller_name'),
    callerPhone: text('caller_phone'),
    note: text('note'),
  },
  (t) => [index('call_transfers_at_idx').on(t.at)],
);

/** CC-16: current works and problems the city tells citizens about, with an optional area. */
export const announcements = pgTable(
  'announcements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    titleBg: text('title_bg').notNull(),
    titleEn: text('title_en').notNull(),
    textBg: text('text_bg').notNull(),
    textEn: text('text_en').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** Optional area: a centre and a radius in metres. */
    center: pointColumn('center'),
    radiusM: integer('radius_m'),
    unitId: integer('unit_id').references(() => units.id),
    createdBy: text('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('announcements_period_idx').on(t.endsAt, t.startsAt)],
);

/** CC-18: service and administrative messages to users (also sent by email). */
export const serviceMessages = pgTable(
  'service_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    sentBy: text('sent_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('service_messages_user_idx').on(t.userId, t.createdAt)],
);

/**
 * How many open cases (closed_at IS NULL) each unit holds per status, kept by a trigger on cases
 * (migration 0007) in the transaction of every change. The inbox reads its counts here: counting
 * a district administration's ~10,000 open cases per request read every one of them, and their
 * pages are mostly too recent to be all-visible for an index-only count (bench finding).
 */
export const unitOpenCounts = pgTable(
  'unit_open_counts',
  {
    unitId: integer('unit_id').notNull(),
    status: text('status').notNull(),
    n: integer('n').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.status] })],
);
