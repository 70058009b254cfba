import { and, asc, count, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import type { SessionUser } from '../../platform/auth/index.js';
import { users } from '../../platform/auth/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { AppError, type Lang } from '../../platform/errors/index.js';
import { cleanText, textProblem } from '../../platform/errors/validation.js';
import { checkAndStoreDocuments, removeDocuments } from '../../platform/files/documents.js';
import { isFileId, type Bytes } from '../../platform/files/storage.js';
import { databaseNow } from '../../platform/db/clock.js';
import { clockAction } from './backoffice.clocks.js';
import { endOfSofiaDay, loadCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { clockLine, clocksOf, type ClockLine } from '../deadlines/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { noticeMail } from '../../platform/mail/notice.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import {
  STATUSES,
  STAFF_ACTIONS,
  audienceOf,
  callTransfers,
  isStatus,
  mapChanged,
  caseChanged,
  caseEvents,
  caseFiles,
  cases,
  kindName,
  may,
  myCaseUrl,
  receives,
  statusLabel,
  subscriptions,
  unitOpenCounts,
  unitWithSubUnits,
  unsubscribeUrl,
  visibilityOf,
  whereNumber,
  type Audience,
  type CaseAccess,
  type CaseStatus,
  type CaseView,
  type EventVisibility,
  type Principal,
  type StaffAction,
} from '../cases/index.js';

/** A case as staff see it, with what this person may do to it. */
export interface StaffCase {
  view: CaseView;
  allowed: Set<StaffAction>;
  assignee: { id: string; name: string } | null;
  organisation: { bg: string; en: string } | null;
  hiddenReason: string | null;
  duplicateOf: string | null;
  photos: { id: string; hidden: boolean; hiddenReason: string | null }[];
  unitStaff: { id: string; name: string; role: string }[];
  /** The case's legal clocks and internal targets (issue 12), as the page shows them. */
  clocks: ClockLine[];
}

async function caseRow(orm: Orm | Tx, number: string) {
  const w = whereNumber(number);
  if (!w) return null;
  const [r] = await orm.select().from(cases).where(w).limit(1);
  return r ?? null;
}

/**
 * The staff case page's data for a case the guard (cases.guard.ts) let this person see: the case
 * as the staff audience receives it, what this person may do to it, and the names its internal
 * fields refer to.
 */
export async function staffCase(ctx: Ctx, access: CaseAccess): Promise<StaffCase> {
  const orm = ctx.db.orm;
  const view = access.view!;
  const internal = view.internal!;
  const allowed = new Set(STAFF_ACTIONS.filter((a) => may(access.principal, a, access.scope)));
  const [assignee] = internal.assigneeId ? await orm.select({ id: users.id, first: users.firstName, last: users.lastName }).from(users).where(eq(users.id, internal.assigneeId)) : [];
  const [org] = internal.organisationId ? await orm.select({ bg: organisations.nameBg, en: organisations.nameEn }).from(organisations).where(eq(organisations.id, internal.organisationId)) : [];
  const [dup] = internal.duplicateOfId ? await orm.select({ n: cases.regNumber }).from(cases).where(eq(cases.id, internal.duplicateOfId)) : [];
  // The clocks are materialised rows (case_clocks): one query, the policies and the calendar are cached.
  const [clockRows, cal] = await Promise.all([clocksOf(orm, view.id, orm), loadCalendar(orm)]);
  const now = ctx.now();
  const unitStaff = view.unitId
    ? (await orm.select({ id: users.id, first: users.firstName, last: users.lastName, role: users.role }).from(users).where(and(eq(users.unitId, view.unitId), inArray(users.role, ['officer', 'manager', 'operator'])))).map((u) => ({ id: u.id, name: `${u.first} ${u.last}`.trim(), role: u.role }))
    : [];
  return {
    view,
    allowed,
    assignee: assignee ? { id: assignee.id, name: `${assignee.first} ${assignee.last}`.trim() } : null,
    organisation: org ?? null,
    hiddenReason: internal.hiddenReason,
    duplicateOf: dup?.n ?? null,
    photos: view.photos.map((p) => ({ id: p.id, hidden: p.hidden, hiddenReason: p.hiddenReason })),
    unitStaff,
    clocks: clockRows.map(({ row, spec }) => clockLine(row, spec, view.anonymous, cal, now)),
  };
}

/** The public name of a unit, which the history shows instead of a person (CC-9). */
async function unitLabel(orm: Orm | Tx, unitId: number | null): Promise<string> {
  if (unitId === null) return 'Столична община';
  const [u] = await orm.select({ bg: units.nameBg }).from(units).where(eq(units.id, unitId));
  return u?.bg ?? 'Столична община';
}

/** What a staff action carries. */
export interface ActionInput {
  status?: string;
  text?: string;
  assigneeId?: string;
  unitId?: number;
  organisationId?: number;
  mainNumber?: string;
  photoId?: string;
  hide?: boolean;
  /** An extension of a legal clock (issue 12): which, and by how many days. */
  extension?: string;
  days?: number;
}

/** A file attached to a public answer. */
export interface AnswerFile {
  field: string;
  filename: string;
  data: Bytes;
}

const TEXT_MAX = 8000;

/** A staff text (answer, note, reason): the shared text rules (no NUL or control characters, limits named in the message). */
function need(text: string | undefined, field: string, min = 1): string {
  const t = cleanText(typeof text === 'string' ? text : '');
  const problem = textProblem(t, { max: TEXT_MAX, min, multiline: true });
  if (problem) throw new AppError('VALIDATION', { issues: [{ field, ...problem }] });
  return t;
}

/**
 * Performs one staff action on a case (CC-9, CC-10, CC-17, duplicates): the change, its history
 * entry, its audit record and the notification emails are written in one transaction. Anything
 * this person may not do — including on a case they cannot see, or one that does not exist —
 * is FORBIDDEN and changes nothing.
 */
export async function act(ctx: Ctx, principal: Principal, number: string, action: StaffAction, input: ActionInput, files: AnswerFile[] = [], ip?: string): Promise<void> {
  const orm = ctx.db.orm;
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
  const user = principal.user;
  const subUnits = principal.units;
  const row0 = await caseRow(orm, number);
  if (!row0 || !may(principal, action, row0)) throw new AppError('FORBIDDEN');
  const actor: Actor = { id: user.id, label: user.username, ip };

  // Files are checked and stored before the transaction, one at a time, like photos on submission.
  const docs = await checkAndStoreDocuments(ctx.files, files);

  try {
    await orm.transaction(async (tx) => {
      // Lock the row: two officers answering at once must not interleave their status changes.
      const [row] = await tx.select().from(cases).where(eq(cases.id, row0.id)).for('update');
      // Decided again on the locked row: a redirect that committed meanwhile may have taken the case out of this unit.
      if (!row || !may(principal, action, row)) throw new AppError('FORBIDDEN');
      // The moment of the change is the database's, read after the lock: the history of a case is
      // in the order its changes were made, whichever instance made them.
      const now = await databaseNow(tx);
      const label = await unitLabel(tx, row.unitId);
      const before = { status: row.status, unitId: row.unitId, organisationId: row.organisationId, assigneeId: row.assigneeId, hidden: row.hidden, duplicateOfId: row.duplicateOfId };
      // The audit log is read by administrators, who are no audience of a private document (CC-8):
      // its records keep who did what and when, but of the document's texts only their length.
      const recorded = (text: string | null) => (row.isPublic || text === null ? text : `‹${text.length} ${text.length === 1 ? 'знак' : 'знака'}›`);
      const setStatus = (s: CaseStatus) => ({ status: s, updatedAt: now, closedAt: STATUSES[s].open ? null : (row.closedAt ?? now) });
      // The legal clocks (and anything else that follows a case) hear of the change in its transaction.
      const changed = (events: string[]) => caseChanged(tx, ctx, { caseId: row.id, kind: row.kind, anonymous: row.anonymous, hasEmail: !!row.submitterEmail, events, at: now });
      const closing = (st: CaseStatus) => (STATUSES[st].open ? [] : st === 'notified' ? ['closed', 'notified'] : ['closed']);

      switch (action) {
        case 'extend':
        case 'clarify':
        case 'clarified':
          return clockAction(action, input, {
            tx, ctx, row, userId: user.id, actor, now, label, need, changed,
            notify: (ev) => notify(tx, ctx, row, ev),
          });
        case 'status': {
          const s = input.status ?? '';
          if (!(s in STATUSES) || s === 'rejected' || s === 'duplicate') throw new AppError('VALIDATION', { issues: [{ field: 'status', code: 'NOT_IN_LIST' }] });
          if (s === row.status) return;
          const text = typeof input.text === 'string' && cleanText(input.text) ? need(input.text, 'text') : null;
          await tx.update(cases).set({ ...setStatus(s as CaseStatus), ...(text && !row.firstAnswerAt ? { firstAnswerAt: now } : {}) }).where(eq(cases.id, row.id));
          const [ev] = await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'status', statusFrom: row.status, statusTo: s, text, visibility: visibilityOf('status'), actorLabel: label, actorId: user.id }).returning({ id: caseEvents.id });
          await audit(tx, actor, { action: 'case.status', entity: 'case', entityId: row.regNumber, before, after: { status: s } });
          await notify(tx, ctx, row, { visibility: visibilityOf('status'), statusTo: s as CaseStatus, text, eventId: ev!.id });
          await changed(['status', ...closing(s as CaseStatus)]);
          return;
        }
        case 'answer': {
          const text = need(input.text, 'text');
          const s = input.status && input.status in STATUSES && input.status !== 'rejected' && input.status !== 'duplicate' ? (input.status as CaseStatus) : (row.status as CaseStatus);
          await tx.update(cases).set({ ...setStatus(s), firstAnswerAt: row.firstAnswerAt ?? now }).where(eq(cases.id, row.id));
          const [ev] = await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'answer', statusFrom: row.status, statusTo: s !== row.status ? s : null, text, visibility: visibilityOf('answer'), actorLabel: label, actorId: user.id }).returning({ id: caseEvents.id });
          if (docs.length) {
            await tx.insert(caseFiles).values(docs.map((d, i) => ({ id: d.id, caseId: row.id, kind: 'document', position: 100 + i, mime: d.mime, filename: d.filename, originalKind: d.type, bytes: d.bytes, eventId: ev!.id })));
          }
          await audit(tx, actor, { action: 'case.answer', entity: 'case', entityId: row.regNumber, before, after: { status: s, answer: recorded(text), files: docs.map((d) => recorded(d.filename)) } });
          await notify(tx, ctx, row, { visibility: visibilityOf('answer'), statusTo: s !== row.status ? s : null, text, eventId: ev!.id, answer: true });
          await changed(['answer', ...closing(s)]);
          return;
        }
        case 'note': {
          const text = need(input.text, 'text');
          await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'note', text, visibility: visibilityOf('note'), actorLabel: label, actorId: user.id });
          await audit(tx, actor, { action: 'case.note', entity: 'case', entityId: row.regNumber, after: { note: recorded(text) } });
          return;
        }
        case 'assign': {
          const id = input.assigneeId ?? '';
          if (id) {
            const [a] = await tx.select({ unitId: users.unitId, role: users.role }).from(users).where(eq(users.id, id));
            if (!a || a.unitId === null || !subUnits.has(a.unitId) || !['officer', 'manager'].includes(a.role)) throw new AppError('VALIDATION', { issues: [{ field: 'assigneeId', code: 'NOT_IN_LIST' }] });
          }
          await tx.update(cases).set({ assigneeId: id || null, updatedAt: now }).where(eq(cases.id, row.id));
          await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'assigned', text: null, visibility: visibilityOf('assigned'), actorLabel: label, actorId: user.id });
          await audit(tx, actor, { action: 'case.assign', entity: 'case', entityId: row.regNumber, before, after: { assigneeId: id || null } });
          return;
        }
        case 'redirect': {
          const reason = need(input.text, 'text', 5);
          let toUnit: number | null = null;
          let toOrg: number | null = null;
          let target = '';
          if (input.unitId) {
            const [u] = await tx.select({ id: units.id, bg: units.nameBg, active: units.active }).from(units).where(eq(units.id, input.unitId));
            if (!u || !u.active) throw new AppError('VALIDATION', { issues: [{ field: 'unitId', code: 'NOT_IN_LIST' }] });
            toUnit = u.id;
            target = u.bg;
          } else if (input.organisationId) {
            const [o] = await tx.select({ id: organisations.id, bg: organisations.nameBg }).from(organisations).where(eq(organisations.id, input.organisationId));
            if (!o) throw new AppError('VALIDATION', { issues: [{ field: 'organisationId', code: 'NOT_IN_LIST' }] });
            toOrg = o.id;
            target = o.bg;
            // An outside body takes it over; the Contact Center keeps watch over the answer.
            toUnit = (await tx.select({ id: units.id }).from(units).where(eq(units.code, 'KC')))[0]!.id;
          } else {
            throw new AppError('VALIDATION', { issues: [{ field: 'unitId', code: 'FIELD_REQUIRED' }] });
          }
          await tx.update(cases).set({ unitId: toUnit, organisationId: toOrg, assigneeId: null, updatedAt: now }).where(eq(cases.id, row.id));
          const [ev] = await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'redirected', text: reason, visibility: visibilityOf('redirected'), actorLabel: target, actorId: user.id }).returning({ id: caseEvents.id });
          await audit(tx, actor, { action: 'case.redirect', entity: 'case', entityId: row.regNumber, before, after: { unitId: toUnit, organisationId: toOrg, reason: recorded(reason) } });
          await notify(tx, ctx, row, { visibility: visibilityOf('redirected'), statusTo: null, text: `${target}: ${reason}`, eventId: ev!.id });
          await changed(['redirected']);
          return;
        }
        case 'hide': {
          const hide = input.hide !== false;
          const reason = hide ? need(input.text, 'text', 5) : null;
          if (input.photoId) {
            const [f] = isFileId(input.photoId) ? await tx.select({ id: caseFiles.id }).from(caseFiles).where(and(eq(caseFiles.id, input.photoId), eq(caseFiles.caseId, row.id))) : [];
            if (!f) throw new AppError('VALIDATION', { issues: [{ field: 'photoId', code: 'NOT_IN_LIST' }] });
            await tx.update(caseFiles).set({ hidden: hide, hiddenReason: reason }).where(eq(caseFiles.id, f.id));
            await audit(tx, actor, { action: hide ? 'photo.hide' : 'photo.show', entity: 'case', entityId: row.regNumber, after: { photoId: f.id, reason } });
            return;
          }
          await tx.update(cases).set({ hidden: hide, hiddenReason: reason, updatedAt: now }).where(eq(cases.id, row.id));
          await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: hide ? 'hidden' : 'shown', text: reason, visibility: visibilityOf(hide ? 'hidden' : 'shown'), actorLabel: label, actorId: user.id });
          await audit(tx, actor, { action: hide ? 'case.hide' : 'case.show', entity: 'case', entityId: row.regNumber, before, after: { hidden: hide, reason } });
          return;
        }
        case 'reject': {
          const reason = need(input.text, 'text', 5);
          await tx.update(cases).set({ ...setStatus('rejected'), firstAnswerAt: row.firstAnswerAt ?? now }).where(eq(cases.id, row.id));
          const [ev] = await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'rejected', statusFrom: row.status, statusTo: 'rejected', text: reason, visibility: visibilityOf('rejected'), actorLabel: label, actorId: user.id }).returning({ id: caseEvents.id });
          await audit(tx, actor, { action: 'case.reject', entity: 'case', entityId: row.regNumber, before, after: { status: 'rejected', reason: recorded(reason) } });
          await notify(tx, ctx, row, { visibility: visibilityOf('rejected'), statusTo: 'rejected', text: reason, eventId: ev!.id });
          await changed(['rejected', 'closed']);
          return;
        }
        case 'duplicate': {
          const main = await caseRow(tx, input.mainNumber ?? '');
          if (!main || main.id === row.id || !main.isPublic || main.hidden || main.kind !== row.kind || main.duplicateOfId) {
            throw new AppError('VALIDATION', { issues: [{ field: 'mainNumber', code: 'CASE_NOT_FOUND' }] });
          }
          await tx.update(cases).set({ ...setStatus('duplicate'), duplicateOfId: main.id }).where(eq(cases.id, row.id));
          const text = `${main.regNumber}`;
          const [ev] = await tx.insert(caseEvents).values({ caseId: row.id, at: now, type: 'duplicate', statusFrom: row.status, statusTo: 'duplicate', text, visibility: visibilityOf('duplicate'), actorLabel: label, actorId: user.id }).returning({ id: caseEvents.id });
          // Followers and photos count towards the main case from now on.
          const subs = await tx.select({ userId: subscriptions.userId }).from(subscriptions).where(eq(subscriptions.caseId, row.id));
          if (subs.length) await tx.insert(subscriptions).values(subs.map((s) => ({ userId: s.userId, caseId: main.id }))).onConflictDoNothing();
          const [{ n }] = (await tx.select({ n: count() }).from(caseFiles).where(and(eq(caseFiles.caseId, main.id), eq(caseFiles.kind, 'photo')))) as [{ n: number }];
          const moved = await tx
            .update(caseFiles)
            .set({ caseId: main.id, position: sql`${caseFiles.position} + ${Number(n) + 10}` })
            .where(and(eq(caseFiles.caseId, row.id), eq(caseFiles.kind, 'photo')))
            .returning({ id: caseFiles.id });
          if (moved.length) {
            await tx.update(cases).set({ photoCount: sql`${cases.photoCount} + ${moved.length}` }).where(eq(cases.id, main.id));
            await tx.update(cases).set({ photoCount: 0 }).where(eq(cases.id, row.id));
          }
          await audit(tx, actor, { action: 'case.duplicate', entity: 'case', entityId: row.regNumber, before, after: { status: 'duplicate', duplicateOf: main.regNumber, movedPhotos: moved.length, movedSubscriptions: subs.length } });
          await notify(tx, ctx, row, { visibility: visibilityOf('duplicate'), statusTo: 'duplicate', text: main.regNumber, eventId: ev!.id, mainNumber: main.regNumber });
          await changed(['duplicate', 'closed']);
          return;
        }
      }
    });
  } catch (err) {
    await removeDocuments(ctx.files, docs);
    throw err;
  }
  mapChanged();
}

type CaseRow = typeof cases.$inferSelect;

/**
 * Emails the submitter (when an email was given) and every subscriber about one history entry,
 * each as the audience they are (the submitter of a signal, the author of a document, a
 * subscriber as the public) and only when that audience receives the entry (cases.audience.ts);
 * each in their language and each exactly once (an address that is both gets one email, as the
 * closer audience). The emails are outbox rows with delivery jobs in the caller's transaction: a
 * failing mail server delays them, never loses them, and never blocks the staff action.
 */
async function notify(tx: Tx, ctx: Ctx, c: CaseRow, ev: { visibility: EventVisibility; statusTo: CaseStatus | null; text: string | null; eventId: number; answer?: boolean; mainNumber?: string }): Promise<void> {
  const recipients = new Map<string, { lang: Lang; audience: Audience; subscriptionId: number | null; firstName: string | null }>();
  if (c.submitterEmail) recipients.set(c.submitterEmail.toLowerCase(), { lang: c.lang === 'en' ? 'en' : 'bg', audience: c.authorId ? 'author' : 'submitter', subscriptionId: null, firstName: null });
  // Subscribers follow as the public: a case the public may no longer see (hidden, CC-17) tells them nothing more.
  if (audienceOf({ kind: 'anonymous' }, c) === 'public') {
    const subs = await tx
      .select({ id: subscriptions.id, email: users.email, locale: users.locale, first: users.firstName, closedAt: users.closedAt })
      .from(subscriptions)
      .innerJoin(users, eq(users.id, subscriptions.userId))
      .where(eq(subscriptions.caseId, c.id));
    for (const s of subs) {
      if (s.closedAt || recipients.has(s.email.toLowerCase())) continue;
      recipients.set(s.email.toLowerCase(), { lang: s.locale === 'en' ? 'en' : 'bg', audience: 'public', subscriptionId: s.id, firstName: s.first });
    }
  }
  const base = ctx.config.publicBaseUrl;
  const link = c.isPublic ? `${base}/cases/${encodeURIComponent(c.regNumber)}` : `${base}${myCaseUrl(c.regNumber)}`;
  for (const [to, r] of recipients) {
    if (!receives(r.audience, ev.visibility)) continue;
    const bg = r.lang === 'bg';
    const kind = kindName(c.kind, r.lang).toLowerCase();
    const paragraphs: string[] = [];
    if (ev.statusTo) paragraphs.push(`${bg ? 'Нов статус' : 'New status'}: ${statusLabel(ev.statusTo, r.lang)}`);
    if (ev.mainNumber) paragraphs.push(bg ? `Сигналът съвпада с вече подаден сигнал ${ev.mainNumber} и ще бъде разгледан заедно с него.` : `The signal duplicates signal ${ev.mainNumber} and will be handled together with it.`);
    else if (ev.text) paragraphs.push(`${ev.answer ? (bg ? 'Отговор' : 'Answer') : bg ? 'Основание' : 'Reason'}: ${ev.text}`);
    await queueMail(
      tx,
      ctx.jobs,
      noticeMail({
        to,
        lang: r.lang,
        template: r.subscriptionId ? 'case-update-subscriber' : 'case-update',
        subject: bg ? `Промяна по ${kind} ${c.regNumber}` : `Update on ${kind} ${c.regNumber}`,
        greeting: r.firstName ? (bg ? `Здравейте, ${r.firstName},` : `Dear ${r.firstName},`) : bg ? 'Здравейте,' : 'Hello,',
        paragraphs,
        link: { label: bg ? 'Вижте документа' : 'See the document', url: link },
        after: r.subscriptionId ? [`${bg ? 'Прекратяване на абонамента' : 'Unsubscribe'}: ${unsubscribeUrl(base, ctx.secret, r.subscriptionId)}`] : [],
      }),
    );
  }
}

// ---------------------------------------------------------------- inbox (CC-10)

/** The inbox filters. */
export interface InboxFilter {
  /** Open work (the default), closed cases, or both; a status narrows it further. */
  state: 'open' | 'closed' | 'all';
  status?: string;
  category?: number;
  district?: number;
  olderThanDays?: number;
  assignee?: 'me' | 'none';
  q?: string;
  /** Oldest or newest registered first, or the earliest due date first (issue 12). */
  sort?: 'oldest' | 'newest' | 'due';
  /** Past their due date, or due by the end of the third calendar day from today (Sofia). */
  due?: 'overdue' | 'soon';
  page: number;
}

/** One inbox row. */
export interface InboxRow {
  number: string;
  kind: string;
  status: string;
  registeredAt: Date;
  subject: string | null;
  description: string;
  address: string | null;
  categoryId: number | null;
  districtId: number | null;
  assigneeId: string | null;
  hidden: boolean;
  /** When the earliest running clock ends (cases.due_at, issue 12); the operator console leaves it out. */
  dueAt?: Date | null;
}

const PAGE = 50;

/** LIKE patterns for each word of a search, so "Черни връх 51" finds "бул. „Черни връх“ 51". */
function words(q: string): string[] {
  const list = q
    .split(/[\s,.;:„“"'()]+/u)
    .filter((w) => w.length >= 2)
    .slice(0, 8)
    .map((w) => `%${w.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
  return list.length ? list : [`%${q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`];
}

/** How far back the inbox counts closed cases: the unit's recent output, not its whole history. */
export const CLOSED_COUNT_DAYS = 30;

/** Counts per status in an inbox: every open case, and the cases closed in the last CLOSED_COUNT_DAYS days. */
export interface InboxCounts {
  open: Record<string, number>;
  closedRecently: Record<string, number>;
  /** Open documents past their due date, and due within DUE_SOON_DAYS days (issue 12). */
  overdue: number;
  dueSoon: number;
}

/** "Due soon" in the inbox: by the end of the third calendar day from today, Sofia time. */
export const DUE_SOON_DAYS = 3;

/** The end of the "due soon" window: 23:59:59 Sofia time, DUE_SOON_DAYS calendar days after today. */
export function dueSoonEnd(now: Date): Date {
  const day = new Date(Date.parse(`${sofiaDay(now)}T00:00:00Z`) + DUE_SOON_DAYS * 86_400_000).toISOString().slice(0, 10);
  return endOfSofiaDay(day);
}

/**
 * A unit's inbox (CC-10): its cases and its sub-units', filtered, oldest first, with counts per
 * status. At city scale a district administration holds ~180,000 cases of which ~10,000 are
 * open: the default view reads a partial index of open cases, the open counts come from
 * unit_open_counts (kept by a trigger), the recently closed ones from a partial index (bench
 * finding: counting every case of the unit per request took 290 ms, the open ones 3–120 ms).
 */
export async function inbox(ctx: Ctx, user: SessionUser, f: InboxFilter): Promise<{ rows: InboxRow[]; total: number; counts: InboxCounts; pageSize: number }> {
  const orm = ctx.db.orm;
  const subUnits = [...(await unitWithSubUnits(orm, user.unitId))];
  const noCounts = { open: {}, closedRecently: {}, overdue: 0, dueSoon: 0 };
  if (!subUnits.length) return { rows: [], total: 0, counts: noCounts, pageSize: PAGE };
  const scope = inArray(cases.unitId, subUnits);
  const conds: SQL[] = [scope];
  const q = f.q?.trim();
  const byNumber = q ? whereNumber(q) : null;
  // A number is looked up whatever its state: the caller has it in hand.
  if (!byNumber) {
    if (f.status && isStatus(f.status)) conds.push(STATUSES[f.status].open ? isNull(cases.closedAt) : isNotNull(cases.closedAt));
    else if (f.state === 'open') conds.push(isNull(cases.closedAt));
    else if (f.state === 'closed') conds.push(isNotNull(cases.closedAt));
  }
  if (f.status) conds.push(eq(cases.status, f.status));
  if (f.category) conds.push(eq(cases.categoryId, f.category));
  if (f.district) conds.push(eq(cases.districtId, f.district));
  if (f.olderThanDays) conds.push(lte(cases.registeredAt, new Date(ctx.now().getTime() - f.olderThanDays * 86400_000)));
  if (f.assignee === 'me') conds.push(eq(cases.assigneeId, user.id));
  if (f.assignee === 'none') conds.push(isNull(cases.assigneeId));
  // Due dates are materialised on the case (cases.due_at, the earliest running clock's end).
  const now = ctx.now();
  const soonEnd = dueSoonEnd(now);
  if (f.due === 'overdue') conds.push(lt(cases.dueAt, now));
  if (f.due === 'soon') conds.push(and(gte(cases.dueAt, now), lte(cases.dueAt, soonEnd))!);
  if (q) conds.push(byNumber ?? and(...words(q).map((w) => or(ilike(cases.address, w), ilike(cases.description, w), ilike(cases.subject, w))!))!);
  const where = and(...conds)!;
  const plainOpen = f.state === 'open' && !f.status && !f.category && !f.district && !f.olderThanDays && !f.assignee && !f.due && !q;
  const since = new Date(ctx.now().getTime() - CLOSED_COUNT_DAYS * 86400_000);
  const order =
    f.sort === 'due'
      ? [sql`${cases.dueAt} ASC NULLS LAST`, asc(cases.registeredAt), asc(cases.id)]
      : [f.sort === 'newest' ? desc(cases.registeredAt) : asc(cases.registeredAt), asc(cases.id)];
  const [rows, tot, open, closed, due] = await Promise.all([
    orm
      .select({
        number: cases.regNumber,
        kind: cases.kind,
        status: cases.status,
        registeredAt: cases.registeredAt,
        subject: cases.subject,
        description: sql<string>`left(${cases.description}, 160)`,
        address: cases.address,
        categoryId: cases.categoryId,
        districtId: cases.districtId,
        assigneeId: cases.assigneeId,
        hidden: cases.hidden,
        dueAt: cases.dueAt,
      })
      .from(cases)
      .where(where)
      .orderBy(...order)
      .limit(PAGE)
      .offset((f.page - 1) * PAGE),
    // The open view's total is the sum of the open counts: no second pass over the same rows.
    plainOpen ? Promise.resolve(null) : orm.select({ n: count() }).from(cases).where(where),
    orm
      .select({ status: unitOpenCounts.status, n: sql<number>`sum(${unitOpenCounts.n})::int` })
      .from(unitOpenCounts)
      .where(inArray(unitOpenCounts.unitId, subUnits))
      .groupBy(unitOpenCounts.status),
    orm
      .select({ status: cases.status, n: count() })
      .from(cases)
      .where(and(scope, isNotNull(cases.closedAt), gte(cases.closedAt, since)))
      .groupBy(cases.status),
    // Overdue and due-soon open work: one range of cases_unit_due_idx (unit_id, due_at) WHERE closed_at IS NULL.
    orm
      .select({ overdue: sql<number>`count(*) FILTER (WHERE ${cases.dueAt} < ${now.toISOString()}::timestamptz)::int`, soon: sql<number>`count(*) FILTER (WHERE ${cases.dueAt} >= ${now.toISOString()}::timestamptz)::int` })
      .from(cases)
      .where(and(scope, isNull(cases.closedAt), lte(cases.dueAt, soonEnd))),
  ]);
  const counts: InboxCounts = {
    open: Object.fromEntries(open.filter((c) => Number(c.n) > 0).map((c) => [c.status, Number(c.n)])),
    closedRecently: Object.fromEntries(closed.map((c) => [c.status, Number(c.n)])),
    overdue: Number(due[0]?.overdue ?? 0),
    dueSoon: Number(due[0]?.soon ?? 0),
  };
  const total = tot ? Number(tot[0]?.n ?? 0) : Object.values(counts.open).reduce((a, b) => a + b, 0);
  return { rows, total, counts, pageSize: PAGE };
}

// ---------------------------------------------------------------- operator console (CC-14)

/** Finds documents for a caller by number, phone, email or address: public ones, and private ones of the operator's unit. */
export async function findForCaller(ctx: Ctx, user: SessionUser, q: { number?: string; phone?: string; email?: string; address?: string }): Promise<InboxRow[]> {
  const orm = ctx.db.orm;
  const subUnits = [...(await unitWithSubUnits(orm, user.unitId))];
  const visible = subUnits.length ? or(eq(cases.isPublic, true), inArray(cases.unitId, subUnits))! : eq(cases.isPublic, true);
  const conds: SQL[] = [];
  if (q.number?.trim()) {
    const w = whereNumber(q.number);
    if (!w) return [];
    conds.push(w);
  }
  const digits = (q.phone ?? '').replace(/\D/g, '');
  // The last 9 digits match "+359 88…" and "088…" alike.
  if (digits.length >= 6) conds.push(sql`regexp_replace(${cases.submitterPhone}, '[^0-9]', '', 'g') LIKE ${`%${digits.slice(-9)}`}`);
  if (q.email?.trim()) conds.push(eq(sql`lower(${cases.submitterEmail})`, q.email.trim().toLowerCase()));
  if (q.address?.trim() && q.address.trim().length >= 3) conds.push(and(...words(q.address).map((w) => ilike(cases.address, w)))!);
  if (!conds.length) return [];
  return orm
    .select({
      number: cases.regNumber,
      kind: cases.kind,
      status: cases.status,
      registeredAt: cases.registeredAt,
      subject: cases.subject,
      description: cases.description,
      address: cases.address,
      categoryId: cases.categoryId,
      districtId: cases.districtId,
      assigneeId: cases.assigneeId,
      hidden: cases.hidden,
    })
    .from(cases)
    .where(and(visible, ...conds))
    .orderBy(desc(cases.registeredAt))
    .limit(50);
}

/** Records that a call was transferred to an outside organisation (CC-14). */
export async function recordTransfer(ctx: Ctx, user: SessionUser, input: { organisationId: number; callerName?: string; callerPhone?: string; note?: string }, ip?: string): Promise<void> {
  const [o] = await ctx.db.orm.select({ id: organisations.id, ok: organisations.callTransfer }).from(organisations).where(eq(organisations.id, input.organisationId));
  if (!o || !o.ok) throw new AppError('VALIDATION', { issues: [{ field: 'organisationId', code: 'NOT_IN_LIST' }] });
  await ctx.db.orm.transaction(async (tx) => {
    const [t] = await tx
      .insert(callTransfers)
      .values({ at: ctx.now(), operatorId: user.id, organisationId: o.id, callerName: input.callerName || null, callerPhone: input.callerPhone || null, note: input.note || null })
      .returning({ id: callTransfers.id });
    await audit(tx, { id: user.id, label: user.username, ip }, { action: 'call.transfer', entity: 'call_transfer', entityId: t!.id, after: input });
  });
}

/** The latest transfers, for the console. */
export async function recentTransfers(ctx: Ctx, since: Date) {
  return ctx.db.orm
    .select({ at: callTransfers.at, org: organisations.nameBg, orgEn: organisations.nameEn, phone: organisations.phone, callerName: callTransfers.callerName, callerPhone: callTransfers.callerPhone, note: callTransfers.note })
    .from(callTransfers)
    .innerJoin(organisations, eq(organisations.id, callTransfers.organisationId))
    .where(gte(callTransfers.at, since))
    .orderBy(desc(callTransfers.at))
    .limit(20);
}
