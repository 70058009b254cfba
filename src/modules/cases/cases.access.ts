import type { SessionUser } from '../../platform/auth/index.js';
import type { Audience } from './cases.audience.js';

/**
 * Who may do what with a case (AC-5, CC-4, CC-8, CC-17): the one policy every route that
 * touches a case, a document, its files or photos, or a private link asks. What each of them
 * then receives of the case is the audience table's business (cases.audience.ts).
 */

/** Who is asking: a visitor, the holder of a private link, or a signed-in person with the units they work in. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'link' }
  | { kind: 'user'; user: SessionUser; /** The person's unit and every unit below it. */ units: ReadonlySet<number> };

/** Everything anyone does to a case. `read` is seeing it at all; the rest are staff actions, and following it. */
export const CASE_ACTIONS = ['read', 'subscribe', 'status', 'answer', 'note', 'assign', 'redirect', 'hide', 'reject', 'duplicate', 'extend', 'clarify', 'clarified'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
/** The actions of the back office (CC-9, CC-10, CC-17, duplicates). */
export const STAFF_ACTIONS = ['status', 'answer', 'note', 'assign', 'redirect', 'hide', 'reject', 'duplicate', 'extend', 'clarify', 'clarified'] as const satisfies readonly CaseAction[];
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/** What a decision needs to know about a case. */
export interface CaseScope {
  unitId: number | null;
  isPublic: boolean;
  hidden: boolean;
  authorId: string | null;
}

/** Roles with a part in cases; inspectors (parking) and citizens have none (AC-5). */
export const CASE_ROLES = ['operator', 'officer', 'manager', 'clerk', 'admin'] as const;

/**
 * Which staff role may do which action on a case of their own unit (the unit or one below it).
 * Contact Center operators and administrators may also look at any public case (operators answer
 * callers about them); administrators may hide any public signal (abuse is everyone's business).
 */
const ON_OWN: Record<StaffAction | 'read', readonly string[]> = {
  read: CASE_ROLES,
  status: ['operator', 'officer', 'manager'],
  answer: ['operator', 'officer', 'manager'],
  note: ['operator', 'officer', 'manager', 'clerk'],
  assign: ['manager'],
  redirect: ['operator', 'officer', 'manager', 'clerk'],
  hide: ['operator', 'officer', 'manager', 'admin'],
  reject: ['operator', 'officer', 'manager'],
  duplicate: ['operator', 'officer', 'manager'],
  // Legal clocks (issue 12): extending a period and asking for a clarification are decisions of the
  // handling officer; the registry clerk records a clarification that came in.
  extend: ['officer', 'manager'],
  clarify: ['officer', 'manager'],
  clarified: ['officer', 'manager', 'clerk'],
};

function ownCase(p: Principal, c: CaseScope): boolean {
  return p.kind === 'user' && c.unitId !== null && p.units.has(c.unitId);
}

/**
 * The audience a principal is for a case, or null when they may not see it at all — which every
 * route answers exactly like a case that does not exist. The strongest applicable one wins.
 */
export function audienceOf(p: Principal, c: CaseScope): Audience | null {
  if (p.kind === 'user') {
    const role = p.user.role;
    if (ownCase(p, c) && ON_OWN.read.includes(role)) return role === 'admin' ? 'admin' : 'staff';
    // CC-8: private documents only for their unit's staff; public cases for the whole Contact Center and administrators.
    if (c.isPublic && role === 'admin') return 'admin';
    if (c.isPublic && role === 'operator') return 'staff';
    if (c.authorId !== null && c.authorId === p.user.id) return 'author';
  }
  if (p.kind === 'link') return 'submitter';
  return c.isPublic && !c.hidden ? 'public' : null;
}

/** Whether a principal may do an action on a case. */
export function may(p: Principal, action: CaseAction, c: CaseScope): boolean {
  if (action === 'read') return audienceOf(p, c) !== null;
  if (p.kind !== 'user' || p.user.suspendedReason) return false;
  // CC-13: registered users follow public signals and questions.
  if (action === 'subscribe') return c.isPublic && !c.hidden;
  // Hiding is about the public site: a private document has nothing to hide from.
  if (action === 'hide' && !c.isPublic) return false;
  if (ownCase(p, c)) return ON_OWN[action].includes(p.user.role);
  if (action === 'hide') return c.isPublic && p.user.role === 'admin';
  return false;
}

/** Whether a signed-in person has any part in cases (an inbox, case pages). */
export function hasCaseRole(user: SessionUser): boolean {
  return (CASE_ROLES as readonly string[]).includes(user.role);
}
