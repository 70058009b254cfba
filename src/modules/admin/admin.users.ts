import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/index.js';
import { AppError, type Lang } from '../../platform/errors/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { noticeMail } from '../../platform/mail/notice.js';
import { serviceMessages } from '../cases/index.js';
import type { MessageInput } from './admin.schemas.js';

/** CC-17 "after a check": a suspension states its reason in at least this many characters. */
export const MIN_REASON = 10;
/** One send of a service message reaches at most this many people (one transaction, one email each). */
export const MAX_RECIPIENTS = 10_000;

const HELLO = { bg: 'Здравейте,', en: 'Hello,' };

/** Citizens whose username or email contains the search text (closed accounts have neither). */
export async function findCitizens(orm: Orm, q: string) {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  const like = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return orm
    .select({ id: users.id, username: users.displayUsername, email: users.email, firstName: users.firstName, lastName: users.lastName, suspendedAt: users.suspendedAt, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.role, 'citizen'), isNull(users.closedAt), or(ilike(users.username, like), ilike(users.email, like))))
    .orderBy(asc(users.username))
    .limit(50);
}

/** Citizens currently suspended, newest first. */
export function suspendedCitizens(orm: Orm) {
  return orm
    .select({ id: users.id, username: users.displayUsername, email: users.email, firstName: users.firstName, lastName: users.lastName, suspendedAt: users.suspendedAt, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.role, 'citizen'), isNotNull(users.suspendedAt)))
    .orderBy(desc(users.suspendedAt))
    .limit(100);
}

/** One citizen's account, or NOT_FOUND (staff rights are managed in the staff pages). */
export async function getCitizen(orm: Orm, id: string) {
  const [u] = await orm.select().from(users).where(and(eq(users.id, id), eq(users.role, 'citizen'), isNull(users.closedAt)));
  if (!u) throw new AppError('NOT_FOUND');
  return u;
}

function suspensionMail(d: { to: string; lang: Lang; username: string; reason: string | null; lifted: boolean; termsUrl: string }) {
  const bg = d.lang === 'bg';
  if (d.lifted) {
    return noticeMail({
      to: d.to,
      lang: d.lang,
      template: 'account-unsuspended',
      subject: bg ? 'Профилът Ви е възстановен' : 'Your account is restored',
      greeting: HELLO[d.lang],
      paragraphs: [bg ? `Спирането на профила „${d.username}“ е отменено. Отново можете да подавате сигнали и документи.` : `The suspension of the account “${d.username}” is lifted. You can send signals and documents again.`],
    });
  }
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-suspended',
    subject: bg ? 'Профилът Ви е спрян' : 'Your account is suspended',
    greeting: HELLO[d.lang],
    paragraphs: [
      bg
        ? `След проверка администратор спря профила „${d.username}“: докато е спрян, не можете да подавате сигнали и документи.`
        : `After a check an administrator suspended the account “${d.username}”: while it is suspended you cannot send signals or documents.`,
      bg ? `Причина: ${d.reason}` : `Reason: ${d.reason}`,
      bg ? 'Ако смятате, че това е грешка, отговорете на това писмо или се обадете на 0700 17 310.' : 'If you think this is a mistake, reply to this email or call +359 700 17 310.',
    ],
    link: { label: bg ? 'Общи условия' : 'Terms of use', url: d.termsUrl },
  });
}

/**
 * CC-17: suspends a citizen who abused the service, with the reason found in the check; the
 * person is told by email why, in their language, and can no longer submit.
 */
export async function suspendCitizen(ctx: Ctx, actor: Actor, id: string, reason: string): Promise<void> {
  const why = reason.trim();
  if (why.length < MIN_REASON) throw new AppError('VALIDATION', { issues: [{ field: 'reason', code: 'REASON_TOO_SHORT' }] });
  if (why.length > 1000) throw new AppError('VALIDATION', { issues: [{ field: 'reason', code: 'FIELD_TOO_LONG' }] });
  await ctx.db.orm.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), eq(users.role, 'citizen'), isNull(users.closedAt))).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    const [after] = await tx.update(users).set({ suspendedAt: ctx.now(), suspendedReason: why, updatedAt: ctx.now() }).where(eq(users.id, id)).returning();
    await audit(tx, actor, { action: 'user.suspend', entity: 'user', entityId: id, before: snapshot(before), after: snapshot(after) });
    await queueMail(tx, ctx.jobs, suspensionMail({ to: before.email, lang: before.locale === 'en' ? 'en' : 'bg', username: before.displayUsername ?? before.username ?? '', reason: why, lifted: false, termsUrl: `${ctx.config.publicBaseUrl}/terms` }));
  });
}

/** Lifts a suspension; the person is told by email. */
export async function liftSuspension(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), eq(users.role, 'citizen'), isNull(users.closedAt))).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    // Lifting what is not suspended would write a misleading record and email.
    if (!before.suspendedAt && !before.suspendedReason) return;
    const [after] = await tx.update(users).set({ suspendedAt: null, suspendedReason: null, updatedAt: ctx.now() }).where(eq(users.id, id)).returning();
    await audit(tx, actor, { action: 'user.unsuspend', entity: 'user', entityId: id, before: snapshot(before), after: snapshot(after) });
    await queueMail(tx, ctx.jobs, suspensionMail({ to: before.email, lang: before.locale === 'en' ? 'en' : 'bg', username: before.displayUsername ?? before.username ?? '', reason: null, lifted: true, termsUrl: `${ctx.config.publicBaseUrl}/terms` }));
  });
}

function snapshot(u: { suspendedAt: Date | null; suspendedReason: string | null } | undefined) {
  return u ? { suspendedAt: u.suspendedAt?.toISOString() ?? null, suspendedReason: u.suspendedReason } : undefined;
}

function messageMail(d: { to: string; lang: Lang; subject: string; body: string; url: string }) {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'service-message',
    subject: d.subject,
    greeting: HELLO[d.lang],
    paragraphs: d.body.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean),
    link: { label: bg ? 'Съобщението в портала' : 'The message on the portal', url: d.url },
    after: [bg ? 'Това е служебно съобщение от Столична община.' : 'This is a service message from Sofia Municipality.'],
  });
}

/**
 * CC-18: a service message to one user or to everyone holding a role: a row each, readable at
 * /messages, and an email each, all in one transaction (at most MAX_RECIPIENTS). Answers how
 * many people it reached.
 */
export async function sendServiceMessage(ctx: Ctx, actor: Actor, input: MessageInput): Promise<number> {
  const orm = ctx.db.orm;
  const open = and(isNull(users.closedAt), eq(users.emailVerified, true));
  let where;
  let recipient: string;
  if (input.to === 'user') {
    const name = (input.username ?? '').trim().toLowerCase();
    if (!name) throw new AppError('VALIDATION', { issues: [{ field: 'username', code: 'FIELD_REQUIRED' }] });
    const [u] = await orm.select({ id: users.id }).from(users).where(and(eq(users.username, name), isNull(users.closedAt)));
    if (!u) throw new AppError('VALIDATION', { issues: [{ field: 'username', code: 'USER_UNKNOWN' }] });
    where = eq(users.id, u.id);
    recipient = `user:${name}`;
  } else {
    if (!input.role) throw new AppError('VALIDATION', { issues: [{ field: 'role', code: 'FIELD_REQUIRED' }] });
    // Unconfirmed addresses may belong to someone else: a broadcast goes only to confirmed ones.
    where = and(eq(users.role, input.role), open);
    recipient = `role:${input.role}`;
  }
  const people = await orm.select({ id: users.id, email: users.email, locale: users.locale }).from(users).where(where).orderBy(asc(users.id)).limit(MAX_RECIPIENTS + 1);
  if (people.length > MAX_RECIPIENTS) throw new AppError('VALIDATION', { issues: [{ field: 'role', code: 'TOO_MANY_RECIPIENTS' }] });
  if (!people.length) return 0;
  await orm.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < people.length; i += 500) {
      const rows = await tx
        .insert(serviceMessages)
        .values(people.slice(i, i + 500).map((p) => ({ userId: p.id, subject: input.subject, body: input.body, sentBy: actor.id, createdAt: ctx.now() })))
        .returning({ id: serviceMessages.id });
      ids.push(...rows.map((r) => r.id));
    }
    await audit(tx, actor, { action: 'message.send', entity: 'service_message', entityId: ids[0]!, after: { recipient, recipients: people.length, firstId: ids[0], lastId: ids.at(-1), subject: input.subject, body: input.body } });
    for (const [i, p] of people.entries()) {
      await queueMail(tx, ctx.jobs, messageMail({ to: p.email, lang: p.locale === 'en' ? 'en' : 'bg', subject: input.subject, body: input.body, url: `${ctx.config.publicBaseUrl}/messages/${ids[i]}` }));
    }
  });
  return people.length;
}

/** A person's service messages, newest first. */
export function myMessages(orm: Orm, userId: string) {
  return orm
    .select({ id: serviceMessages.id, subject: serviceMessages.subject, createdAt: serviceMessages.createdAt, readAt: serviceMessages.readAt })
    .from(serviceMessages)
    .where(eq(serviceMessages.userId, userId))
    .orderBy(desc(serviceMessages.createdAt), desc(serviceMessages.id))
    .limit(200);
}

/** Opens one of the person's own messages and marks it read; anyone else's is NOT_FOUND. */
export async function openMessage(ctx: Ctx, userId: string, id: number) {
  const [m] = await ctx.db.orm
    .update(serviceMessages)
    .set({ readAt: sql`coalesce(${serviceMessages.readAt}, ${ctx.now().toISOString()}::timestamptz)` })
    .where(and(eq(serviceMessages.id, id), eq(serviceMessages.userId, userId)))
    .returning();
  if (!m) throw new AppError('NOT_FOUND');
  return m;
}
