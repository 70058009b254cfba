import type { SessionUser } from '../../platform/auth/index.js';

/** Everything staff do to a case (CC-9, CC-10, CC-17, duplicates). */
export const CASE_ACTIONS = ['view', 'status', 'answer', 'note', 'assign', 'redirect', 'hide', 'reject', 'duplicate'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * Who may do what (AC-5). "Own" means the case is handled by the person's unit or a unit below
 * it. Contact Center operators and administrators may look at any public case (operators answer
 * callers about them), but act only on their own unit's; private documents (CC-8) are seen only by
 * their unit's staff. Inspectors (parking) have no part in cases.
 */
const ON_OWN: Record<CaseAction, readonly string[]> = {
  view: ['operator', 'officer', 'manager', 'clerk', 'admin'],
  status: ['operator', 'officer', 'manager'],
  answer: ['operator', 'officer', 'manager'],
  note: ['operator', 'officer', 'manager', 'clerk'],
  assign: ['manager'],
  redirect: ['operator', 'officer', 'manager', 'clerk'],
  hide: ['operator', 'officer', 'manager', 'admin'],
  reject: ['operator', 'officer', 'manager'],
  duplicate: ['operator', 'officer', 'manager'],
};

/** What a policy decision needs to know about a case. */
export interface CaseScope {
  unitId: number | null;
  isPublic: boolean;
}

/** Whether `user` may do `action` on a case; `subUnits` is the user's unit and all below it. */
export function may(user: SessionUser, action: CaseAction, c: CaseScope, subUnits: ReadonlySet<number>): boolean {
  // Hiding is about the public site: a private document has nothing to hide from.
  if (action === 'hide' && !c.isPublic) return false;
  const own = c.unitId !== null && subUnits.has(c.unitId);
  if (own) return ON_OWN[action].includes(user.role);
  if (!c.isPublic) return false;
  if (action === 'view') return user.role === 'operator' || user.role === 'admin';
  // Abuse is everyone's business: an administrator may hide any public signal (CC-17).
  if (action === 'hide') return user.role === 'admin';
  return false;
}

/** Roles that have a case inbox. */
export const INBOX_ROLES = ['operator', 'officer', 'manager', 'clerk'] as const;
