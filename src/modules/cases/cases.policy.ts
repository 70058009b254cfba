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
  /** Only logged-in users may submit (CC-8); none of the current kinds needs it. */
  requiresAccount: boolean;
  maxPhotos: number;
  maxDescription: number;
}

export const KINDS = {
  signal: { register: 'КЦ01', place: 'required', isPublic: true, requiresAccount: false, maxPhotos: 5, maxDescription: 4000 },
  question: { register: 'КЦ02', place: 'none', isPublic: true, requiresAccount: false, maxPhotos: 5, maxDescription: 4000 },
} as const satisfies Record<string, KindPolicy>;

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
