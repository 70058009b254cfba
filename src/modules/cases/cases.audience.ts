import { sql, type SQL } from 'drizzle-orm';
import type { EventVisibility } from './cases.tables.js';

/**
 * Privacy by design (issue 11): what each audience receives of a case is decided here and
 * nowhere else. Every output — the public page, the private link's page, the author's document
 * page, staff pages, the JSON API, Open311, exports, feeds and emails — asks this table; a new
 * kind of document adds nothing here unless it needs a new audience.
 *
 * - `public`: anyone, for a public case that is not hidden (CC-5, CC-6, API-1, API-3).
 * - `submitter`: whoever holds the private link from the confirmation email (CC-4).
 * - `author`: the signed-in registered user who submitted it (CC-8, CC-11).
 * - `staff`: staff of the handling unit or above it, and Contact Center operators for public cases (AC-5).
 * - `admin`: administrators.
 */
export const AUDIENCES = ['public', 'submitter', 'author', 'staff', 'admin'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** What one audience receives of a case. */
export interface AudienceRights {
  /** Which history entries, by their visibility. Reasons (of a redirect, a rejection, hiding) travel with their entry. */
  events: readonly EventVisibility[];
  /** The submitter's name, address, phone and email (PR-1: only those who need them for feedback or handling). */
  submitter: boolean;
  /** Files the submitter attached to a document (a letter's attachments); the files of public answers go with their answer. */
  submittedFiles: boolean;
  /** Photos and files staff hid from the public (CC-17), with the reason. */
  hiddenFiles: boolean;
  /** Internal fields: the assignee, why the case is hidden, the outside organisation, the main case of a duplicate. */
  internal: boolean;
}

export const AUDIENCE: Readonly<Record<Audience, AudienceRights>> = {
  public: { events: ['public'], submitter: false, submittedFiles: false, hiddenFiles: false, internal: false },
  submitter: { events: ['public'], submitter: true, submittedFiles: true, hiddenFiles: false, internal: false },
  author: { events: ['public'], submitter: true, submittedFiles: true, hiddenFiles: false, internal: false },
  staff: { events: ['public', 'internal'], submitter: true, submittedFiles: true, hiddenFiles: true, internal: true },
  admin: { events: ['public', 'internal'], submitter: true, submittedFiles: true, hiddenFiles: true, internal: true },
};

/**
 * Every kind of history entry and who may read it. Written with the entry (`visibility`), so the
 * history carries its audience as data and a later change here does not rewrite the past.
 */
export const EVENT_TYPES = {
  registered: 'public',
  routed: 'public',
  status: 'public',
  answer: 'public',
  // CC-9: the public history says to whom and why a case was sent on.
  redirected: 'public',
  // CC-17: the submitter and the public see the reason of a rejection.
  rejected: 'public',
  duplicate: 'public',
  // Legal clocks (issue 12): the applicant is told of each, with the reason and the new date.
  clarification_requested: 'public',
  clarified: 'public',
  extended: 'public',
  left_without_consideration: 'public',
  // Work inside the unit: never outside it.
  note: 'internal',
  assigned: 'internal',
  // CC-17: the reason for hiding may quote what was abusive; it stays with staff.
  hidden: 'internal',
  shown: 'internal',
} as const satisfies Record<string, EventVisibility>;
export type EventType = keyof typeof EVENT_TYPES;

/** The visibility a new history entry of this type is written with. */
export function visibilityOf(type: EventType): EventVisibility {
  return EVENT_TYPES[type];
}

/** Whether an audience receives a history entry of this visibility (emails ask this too). */
export function receives(audience: Audience, visibility: EventVisibility): boolean {
  return AUDIENCE[audience].events.includes(visibility);
}

/** SQL: the history entries (`case_events` aliased `alias`) an audience receives. */
export function eventsFor(audience: Audience, alias = 'e'): SQL {
  const list = AUDIENCE[audience].events;
  return sql`${sql.raw(alias)}.visibility IN (${sql.join(list.map((v) => sql`${v}`), sql`, `)})`;
}

/** SQL: the files (`case_files` aliased `alias`) an audience receives. */
export function filesFor(audience: Audience, alias = 'f'): SQL {
  const a = AUDIENCE[audience];
  const f = sql.raw(alias);
  const hidden = a.hiddenFiles ? sql`true` : sql`NOT ${f}.hidden`;
  // Files of a history entry (an answer's) go with their entry; photos go with the case; the
  // submitter's own documents only to those who receive them.
  return sql`${hidden} AND CASE
    WHEN ${f}.event_id IS NOT NULL THEN EXISTS (SELECT 1 FROM case_events fe WHERE fe.id = ${f}.event_id AND ${eventsFor(audience, 'fe')})
    WHEN ${f}.kind = 'photo' THEN true
    ELSE ${a.submittedFiles ? sql`true` : sql`false`} END`;
}

/** SQL: the cases (`cases` aliased `alias`) the public may see at all: public kinds, not hidden. */
export function publicCases(alias = 'cases'): SQL {
  const c = sql.raw(alias);
  return sql`${c}.is_public AND NOT ${c}.hidden`;
}
