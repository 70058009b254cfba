import { and, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import type { SessionUser } from '../../platform/auth/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { checkAndStoreDocuments, removeDocuments } from '../../platform/files/documents.js';
import type { Bytes } from '../../platform/files/storage.js';
import { queueMail } from '../../platform/mail/index.js';
import { noticeMail } from '../../platform/mail/notice.js';
import { insertRegistered } from './cases.store.js';
import { expectedAnswersOf, registrationExtension, type ExpectedAnswer } from './cases.hooks.js';
import { documentHits } from './cases.limits.js';
import { hitLimits } from '../../platform/ratelimit/index.js';
import { visibilityOf } from './cases.audience.js';
import { unitAndBelow } from './cases.routing.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { KINDS, STATUSES, agree, kindName, type CaseKind, type DocumentKind } from './cases.policy.js';
import { caseUrl as caseUrlOf } from './cases.service.js';
import { cases, subscriptions } from './cases.tables.js';

/** An uploaded document as the edge received it. */
export interface DocumentUpload {
  field: string;
  filename: string;
  data: Bytes;
}

/** A letter, complaint, proposal or public-information request (CC-8). */
export interface DocumentInput {
  kind: DocumentKind;
  subject: string;
  description: string;
  unitId: number;
}

/** The addressees a registered user can choose: every unit, grouped by its organisation. */
export async function listAddressees(orm: Orm) {
  return orm
    .select({ id: units.id, nameBg: units.nameBg, nameEn: units.nameEn, orgBg: organisations.nameBg, orgEn: organisations.nameEn, orgKind: organisations.kind })
    .from(units)
    .innerJoin(organisations, eq(organisations.id, units.organisationId))
    .orderBy(organisations.id, units.id);
}

/** The page of a private document for its author. */
export function myCaseUrl(number: string): string {
  return `/documents/${encodeURIComponent(number)}`;
}

/**
 * Registers a private document of a logged-in user (CC-8): checks each file by its bytes,
 * gives a number from the register, routes it to the chosen unit, writes the history and
 * queues the email with the number, date and link, in one transaction.
 */
export async function submitDocument(ctx: Ctx, user: SessionUser, input: DocumentInput, uploads: DocumentUpload[], ip?: string): Promise<{ number: string; registeredAt: Date }> {
  if (user.suspendedReason) throw new AppError('ACCOUNT_SUSPENDED');
  return registerDocument(
    ctx,
    { userId: user.id, name: `${user.firstName} ${user.lastName}`.trim() || null, email: user.email, phone: user.phone, address: user.address, locale: user.locale, firstName: user.firstName },
    input,
    uploads,
    'web',
    { ip },
  );
}

/** Who sends a document: a registered user, or a caller an operator registers it for (CC-14). */
export interface Sender {
  userId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  locale: 'bg' | 'en';
  firstName: string;
}

/** Registers a private document for a sender through a channel; see submitDocument. */
export async function registerDocument(
  ctx: Ctx,
  sender: Sender,
  input: DocumentInput,
  uploads: DocumentUpload[],
  channel: 'web' | 'phone',
  client: { ip?: string } = {},
): Promise<{ number: string; registeredAt: Date }> {
  const policy = KINDS[input.kind];
  // Issue 11: per account and per client address, before the files are examined and the register is
  // touched, so a refused document takes no number. Operators registering a call (phone) are staff: not limited.
  if (channel === 'web' && sender.userId) await hitLimits(ctx.db.orm, documentHits(sender.userId, client.ip), ctx.now());
  const issues: FieldIssue[] = [];
  const [unit] = await ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
  if (!unit) issues.push({ field: 'unitId', code: 'NOT_IN_LIST' });
  if (uploads.length > policy.maxFiles) issues.push({ field: 'files', code: 'TOO_MANY_FILES' });
  // Each file is checked by its bytes and stored before the register is touched, one at a time.
  const docs = await checkAndStoreDocuments(ctx.files, uploads, issues);
  try {
    const [unitName] = await ctx.db.orm.select({ bg: units.nameBg }).from(units).where(eq(units.id, input.unitId));
    const lang = sender.locale;
    const bg = lang === 'bg';
    const extension = await registrationExtension(ctx, { kind: input.kind, typeId: null, unitId: input.unitId, anonymous: false, hasEmail: !!sender.email, now: ctx.now() });
    const reg = await insertRegistered(ctx.db, ctx.jobs, {
      extension,
      registerCode: policy.register,
      values: {
        kind: input.kind,
        channel,
        status: 'pending',
        subject: input.subject,
        description: input.description,
        authorId: sender.userId,
        submitterName: sender.name,
        submitterAddress: sender.address,
        submitterPhone: sender.phone,
        submitterEmail: sender.email,
        lang: sender.locale,
        anonymous: false,
        isPublic: false,
        unitId: input.unitId,
      },
      events: [
        { type: 'registered', statusTo: 'pending', visibility: visibilityOf('registered'), actorLabel: 'Деловодство' },
        { type: 'routed', visibility: visibilityOf('routed'), actorLabel: unitName?.bg ?? null },
      ],
      files: docs.map((d, i) => ({ id: d.id, kind: 'document', position: i, mime: d.mime, filename: d.filename, originalKind: d.type, bytes: d.bytes })),
      mails: (number, at) =>
        sender.email
          ? [
              noticeMail({
                to: sender.email,
                lang,
                template: 'document-registered',
                subject: bg ? `${kindName(input.kind, 'bg')} № ${number} е ${agree(input.kind, 'регистриран')}` : `${kindName(input.kind, 'en')} ${number} is registered`,
                greeting: sender.firstName ? (bg ? `Здравейте, ${sender.firstName},` : `Dear ${sender.firstName},`) : bg ? 'Здравейте,' : 'Hello,',
                paragraphs: [
                  bg ? `Вашият документ „${input.subject}“ е регистриран.` : `Your document “${input.subject}” is registered.`,
                  `${bg ? 'Входящ номер' : 'Registration number'}: ${number}`,
                  `${bg ? 'Дата на регистрация' : 'Registered on'}: ${at[lang]}`,
                ],
                link: { label: bg ? 'Отворете документа (след вход в профила)' : 'Open the document (after logging in)', url: `${ctx.config.publicBaseUrl}${myCaseUrl(number)}` },
              }),
            ]
          : [],
    });
    return { number: reg.number, registeredAt: reg.registeredAt };
  } catch (err) {
    await removeDocuments(ctx.files, docs);
    throw err;
  }
}

/** The units at and below a unit: what its staff may see (AC-5). */
export async function unitWithSubUnits(orm: Orm, unitId: number | null): Promise<Set<number>> {
  return unitId === null ? new Set() : unitAndBelow(orm, unitId);
}

/** One row of "Моите сигнали". */
export interface MyCaseRow {
  number: string;
  kind: CaseKind;
  registeredAt: Date;
  status: string;
  subject: string | null;
  description: string;
  isPublic: boolean;
  /** Issue 12: when to expect the answer (or that its period is suspended); null when no clock shown to the submitter runs. */
  expected: ExpectedAnswer | null;
}

/** CC-11: everything a user submitted, of every kind, newest first, with the expected answer dates (one more query). */
export async function listMyCases(orm: Orm, userId: string, page: number, pageSize = 20): Promise<{ rows: MyCaseRow[]; total: number }> {
  const [rows, [tot]] = await Promise.all([
    orm
      .select({ id: cases.id, number: cases.regNumber, kind: cases.kind, registeredAt: cases.registeredAt, status: cases.status, subject: cases.subject, description: cases.description, isPublic: cases.isPublic })
      .from(cases)
      .where(eq(cases.authorId, userId))
      .orderBy(desc(cases.registeredAt), desc(cases.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    orm.select({ n: count() }).from(cases).where(eq(cases.authorId, userId)),
  ]);
  const expected = await expectedAnswersOf(orm, rows.map((r) => r.id));
  return {
    rows: rows.map(({ id, ...r }) => ({ ...r, kind: r.kind as CaseKind, description: r.description.slice(0, 140), expected: expected.get(id) ?? null })),
    total: Number(tot?.n ?? 0),
  };
}

// ---------------------------------------------------------------- subscriptions (CC-13)

/** Follows a public signal or question; following twice is still one subscription. */
export async function subscribe(orm: Orm, userId: string, caseId: number): Promise<void> {
  const [c] = await orm.select({ isPublic: cases.isPublic, hidden: cases.hidden }).from(cases).where(eq(cases.id, caseId));
  if (!c || !c.isPublic || c.hidden) throw new AppError('CASE_NOT_FOUND');
  await orm.insert(subscriptions).values({ userId, caseId }).onConflictDoNothing();
}

/** Stops following; unknown or someone else's subscriptions change nothing. */
export async function unsubscribe(orm: Orm, userId: string, caseId: number): Promise<void> {
  await orm.delete(subscriptions).where(and(eq(subscriptions.userId, userId), eq(subscriptions.caseId, caseId)));
}

/** Removes one subscription by id (from an email link that proved its owner). */
export async function unsubscribeById(orm: Orm, id: number): Promise<{ number: string } | null> {
  const [row] = await orm
    .delete(subscriptions)
    .where(eq(subscriptions.id, id))
    .returning({ caseId: subscriptions.caseId });
  if (!row) return null;
  const [c] = await orm.select({ number: cases.regNumber }).from(cases).where(eq(cases.id, row.caseId));
  return c ?? null;
}

/** Follows a public case and emails the follower the unsubscribe link, in one transaction; a second follow changes nothing. */
export async function startSubscription(ctx: Ctx, user: SessionUser, view: { id: number; number: string }, unsubscribeLink: (id: number) => string): Promise<void> {
  const [c] = await ctx.db.orm.select({ isPublic: cases.isPublic, hidden: cases.hidden }).from(cases).where(eq(cases.id, view.id));
  if (!c || !c.isPublic || c.hidden) throw new AppError('CASE_NOT_FOUND');
  await ctx.db.orm.transaction(async (tx) => {
    const [sub] = await tx.insert(subscriptions).values({ userId: user.id, caseId: view.id }).onConflictDoNothing().returning({ id: subscriptions.id });
    if (!sub) return;
    const bg = user.locale === 'bg';
    await queueMail(
      tx,
      ctx.jobs,
      noticeMail({
        to: user.email,
        lang: user.locale,
        template: 'subscription-started',
        subject: bg ? `Абонамент за сигнал ${view.number}` : `Subscribed to signal ${view.number}`,
        greeting: bg ? `Здравейте, ${user.firstName},` : `Dear ${user.firstName},`,
        paragraphs: [bg ? `Ще получавате имейл при всяка промяна на сигнал ${view.number}.` : `You will get an email on every change of signal ${view.number}.`],
        link: { label: bg ? 'Сигналът' : 'The signal', url: `${ctx.config.publicBaseUrl}${caseUrlOf(view.number)}` },
        after: [`${bg ? 'Прекратяване на абонамента' : 'Unsubscribe'}: ${unsubscribeLink(sub.id)}`],
      }),
    );
  });
}

/** Ends one of the user's own subscriptions by its id; someone else's changes nothing. */
export async function endSubscriptionOf(orm: Orm, userId: string, id: number): Promise<void> {
  await orm.delete(subscriptions).where(and(eq(subscriptions.userId, userId), eq(subscriptions.id, id)));
}

/** The number of the case a subscription follows, or null when it no longer exists. */
export async function subscriptionNumber(orm: Orm, id: number): Promise<string | null> {
  const [r] = await orm.select({ number: cases.regNumber }).from(subscriptions).innerJoin(cases, eq(cases.id, subscriptions.caseId)).where(eq(subscriptions.id, id));
  return r?.number ?? null;
}

/** Whether a user follows a case. */
export async function isSubscribed(orm: Orm, userId: string, caseId: number): Promise<boolean> {
  const [r] = await orm.select({ id: subscriptions.id }).from(subscriptions).where(and(eq(subscriptions.userId, userId), eq(subscriptions.caseId, caseId)));
  return !!r;
}

/** "Моите абонаменти": followed cases with their current status. */
export async function listSubscriptions(orm: Orm, userId: string) {
  return orm
    .select({ id: subscriptions.id, since: subscriptions.createdAt, number: cases.regNumber, kind: cases.kind, status: cases.status, description: cases.description, registeredAt: cases.registeredAt, hidden: cases.hidden })
    .from(subscriptions)
    .innerJoin(cases, eq(cases.id, subscriptions.caseId))
    .where(eq(subscriptions.userId, userId))
    .orderBy(desc(subscriptions.createdAt));
}

/** AC-6: a closing account's subscriptions go with it. */
export async function deleteSubscriptionsOf(tx: Tx, userId: string): Promise<void> {
  await tx.delete(subscriptions).where(eq(subscriptions.userId, userId));
}

/**
 * AC-6: a closing account's documents lose their contact data. Public signals keep their text
 * and place but no personal data at all; private documents keep the sender's name, which the
 * register must hold for incoming correspondence.
 */
export async function anonymiseAuthorCases(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(cases)
    .set({ submitterName: null, submitterAddress: null, submitterPhone: null, submitterEmail: null, anonymous: true, accessTokenHash: null })
    .where(and(eq(cases.authorId, userId), eq(cases.isPublic, true)));
  await tx
    .update(cases)
    .set({ submitterAddress: null, submitterPhone: null, submitterEmail: null })
    .where(and(eq(cases.authorId, userId), eq(cases.isPublic, false)));
}

/** Counts of a user's documents by open/closed, for the account page. */
export async function myCaseCounts(orm: Orm, userId: string): Promise<{ open: number; closed: number }> {
  const openStatuses = Object.entries(STATUSES)
    .filter(([, s]) => s.open)
    .map(([k]) => k);
  const rows = await orm
    .select({ open: sql<boolean>`${inArray(cases.status, openStatuses)}`, n: count() })
    .from(cases)
    .where(and(isNotNull(cases.authorId), eq(cases.authorId, userId)))
    .groupBy(sql`1`);
  let open = 0;
  let closed = 0;
  for (const r of rows) (r.open ? (open += Number(r.n)) : (closed += Number(r.n)));
  return { open, closed };
}
