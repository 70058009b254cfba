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
  /** What the kind is called, and the Bulgarian grammatical gender its words agree with ("регистриран/а/о"). */
  name: { bg: string; en: string; gender: 'm' | 'f' | 'n' };
}

export const KINDS = {
  signal: { register: 'КЦ01', place: 'required', isPublic: true, requiresAccount: false, maxPhotos: 5, maxFiles: 0, maxDescription: 4000, name: { bg: 'Сигнал', en: 'Signal', gender: 'm' } },
  question: { register: 'КЦ02', place: 'none', isPublic: true, requiresAccount: false, maxPhotos: 5, maxFiles: 0, maxDescription: 4000, name: { bg: 'Искане за информация', en: 'Information request', gender: 'n' } },
  // CC-8: never public; only the author and the staff of the handling unit see them.
  letter: { register: 'КЦ03', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000, name: { bg: 'Писмо', en: 'Letter', gender: 'n' } },
  complaint: { register: 'КЦ04', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000, name: { bg: 'Жалба', en: 'Complaint', gender: 'f' } },
  proposal: { register: 'КЦ05', place: 'none', isPublic: false, requiresAccount: true, maxPhotos: 0, maxFiles: 10, maxDescription: 20000, name: { bg: 'Предложение', en: 'Proposal', gender: 'n' } },
  // Access to Public Information Act (ЗДОИ): its own register.
  info_request: {
    register: 'ДИ01',
    place: 'none',
    isPublic: false,
    requiresAccount: true,
    maxPhotos: 0,
    maxFiles: 10,
    maxDescription: 20000,
    name: { bg: 'Заявление за достъп до обществена информация', en: 'Request for access to public information', gender: 'n' },
  },
} as const satisfies Record<string, KindPolicy>;

/** The kinds only registered users submit, in the order the form offers them. */
export const DOCUMENT_KINDS = ['letter', 'complaint', 'proposal', 'info_request'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

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

/** The name of a kind in a language (unknown kinds as they are). */
export function kindName(kind: string, lang: 'bg' | 'en'): string {
  return (KINDS as Record<string, KindPolicy>)[kind]?.name[lang] ?? kind;
}

/** A Bulgarian participle agreeing with a kind's gender: `agree(kind, 'регистриран')` → "регистрирана" for a complaint. */
export function agree(kind: string, masculine: string): string {
  const g = (KINDS as Record<string, KindPolicy>)[kind]?.name.gender ?? 'm';
  return g === 'f' ? `${masculine}а` : g === 'n' ? `${masculine}о` : masculine;
}
