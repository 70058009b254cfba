/**
 * Per-kind rules of the one case model. A new kind (letter, complaint, public-information
 * request, a utility's complaint) is a new entry here, not a copy of the signal code.
 */
export interface KindPolicy {
  /** Register code in the number, e.g. СО26-КЦ01-000123. */
  register: string;
  /** Whether a map point is required, optional or not asked. */
  place: 'required' | 'none';
  /** Visible to anyone by number and on the map. */
  isPublic: boolean;
  /** Only logged-in users may submit (CC-8). */
  requiresAccount: boolean;
  maxPhotos: number;
  /** Documents (PDF, office files, images) attached by a registered user. */
  maxFiles: number;
  maxDescription: number;
}

export const KINDS = {
  signal: { register: 'КЦ01', place: 'required', isPublic: true, requiresAccount: false, maxPhotos: 5, maxFiles: 0, maxDescription: 4000 },
  question: { register: 'КЦ02', place: 'none', isPublic: true, requiresAccount: false, maxPhotos: 5, maxFiles: 0, maxDescription: 4000 },
  // CC-8: never public; only the author and the staff of the handling unit see them.
  letter: { register: 'КЦ03', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000 },
  complaint: { register: 'КЦ04', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000 },
  proposal: { register: 'КЦ05', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000 },
  // Access to Public Information Act (ЗДОИ): its own register.
  info_request: { register: 'ДИ01', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000 },
} as const satisfies Record<string, KindPolicy>;

/** The kinds only registered users submit, in the order the form offers them. */
export const DOCUMENT_KINDS = ['letter', 'complaint', 'proposal', 'info_request'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Roles of staff (AC-5); everyone else is a citizen. */
export const STAFF_ROLES = ['operator', 'officer', 'manager', 'clerk', 'inspector', 'admin'] as const;

/** Whether a person works for the municipality. */
export function isStaff(role: string): boolean {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

/**
 * CC-8: staff see a case only when it is handled by their unit or one of its sub-units.
 * `subUnits` is the staff member's unit with all units below it.
 */
export function staffMaySee(role: string, subUnits: ReadonlySet<number>, caseUnitId: number | null): boolean {
  return isStaff(role) && caseUnitId !== null && subUnits.has(caseUnitId);
}

export type CaseKind = keyof typeof KINDS;

/** The Call Sofia statuses, each open or closed. */
export const STATUSES = {
  pending: { bg: 'Чакащ обработка', en: 'Awaiting processing', open: true },
  in_progress: { bg: 'В процес', en: 'In progress', open: true },
  awaiting_reply: { bg: 'Очакващ отговор', en: 'Awaiting reply', open: true },
  notified: { bg: 'Получил уведомление', en: 'Submitter notified', open: false },
  closed: { bg: 'Приключен', en: 'Closed', open: false },
  rejected: { bg: 'Отхвърлен', en: 'Rejected', open: false },
  duplicate: { bg: 'Съвпадащ с друг сигнал', en: 'Duplicate of another signal', open: false },
} as const;

export type CaseStatus = keyof typeof STATUSES;

export const STATUS_CODES = Object.keys(STATUSES) as CaseStatus[];

/** Whether a string is one of the known statuses. */
export function isStatus(s: string): s is CaseStatus {
  return s in STATUSES;
}

/** Which register a number's code belongs to, and so which kind it is. */
export function kindOfRegister(code: string): CaseKind | null {
  for (const [kind, p] of Object.entries(KINDS)) if (p.register === code) return kind as CaseKind;
  return null;
}
