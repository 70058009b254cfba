import { and, desc, eq, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Database, Orm, Tx } from '../db/index.js';
import type { Jobs } from '../jobs/index.js';
import { mailOutbox } from './mail.tables.js';

export { mailOutbox };

export const MAIL_QUEUE = 'mail-send';

/** A rendered email, ready to store and send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  lang: 'bg' | 'en';
  template: string;
}

/**
 * Stores an email and queues its delivery in the caller's transaction: the email exists
 * if and only if the event that caused it was committed.
 */
export async function queueMail(tx: Tx, jobs: Jobs, msg: MailMessage): Promise<number> {
  const [row] = await tx.insert(mailOutbox).values(msg).returning({ id: mailOutbox.id });
  await jobs.send(MAIL_QUEUE, { id: row!.id }, { tx });
  return row!.id;
}

// Outbox ids for emails written inside a batch are taken from the sequence in blocks: a gap in
// outbox ids means nothing (they are not a register), a round trip per email would.
const ID_BLOCK = 64;
const idPools = new WeakMap<Database, number[]>();

/**
 * For emails written in a batch statement later (a registration number taken in that same
 * statement): reserves outbox ids and answers, for each, the statement that queues its delivery.
 * A job never finds its row missing: both are in the one batch that commits.
 */
export async function reserveMail(db: Database, jobs: Jobs, count: number): Promise<{ id: number; queue: { text: string; values: unknown[] } }[]> {
  if (count === 0) return [];
  let pool = idPools.get(db);
  if (!pool) idPools.set(db, (pool = []));
  if (pool.length < count) {
    const { rows } = await db.raw.executeSql("SELECT nextval(pg_get_serial_sequence('mail_outbox', 'id'))::bigint AS id FROM generate_series(1, $1::int)", [Math.max(ID_BLOCK, count)]);
    pool.push(...rows.map((r: { id: string | number }) => Number(r.id)));
  }
  const ids = pool.splice(0, count);
  return Promise.all(ids.map(async (id) => ({ id, queue: await jobs.sendStatement(MAIL_QUEUE, { id }) })));
}

/** The INSERT of reserved outbox rows, to embed in a statement; `fill` finishes each text in SQL. */
export function outboxRows(orm: Orm, rows: { id: number; msg: MailMessage }[], fill: (text: string) => SQL) {
  return orm
    .insert(mailOutbox)
    .overridingSystemValue()
    .values(rows.map(({ id, msg }) => ({ id, to: msg.to, lang: msg.lang, template: msg.template, subject: fill(msg.subject), text: fill(msg.text), html: fill(msg.html) })));
}

/** Delivers queued emails: over SMTP when configured, otherwise they stay readable in the outbox. */
export function mailDelivery(db: Database, opts: { smtpUrl?: string; from: string }) {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
  return async function deliver({ id }: { id: number }): Promise<void> {
    const [m] = await db.orm.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    // A retried job whose email already went out must not send it twice.
    if (!m || m.status !== 'queued') return;
    if (!transport) {
      await db.orm.update(mailOutbox).set({ status: 'kept', sentAt: new Date() }).where(eq(mailOutbox.id, id));
      return;
    }
    try {
      await transport.sendMail({
        from: opts.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'Content-Language': m.lang, 'X-Sofia-Outbox-Id': String(m.id) },
      });
    } catch (err) {
      await db.orm
        .update(mailOutbox)
        .set({ attempts: m.attempts + 1, lastError: err instanceof Error ? err.message : String(err) })
        .where(eq(mailOutbox.id, id));
      throw err; // pg-boss retries with back-off: a refusing server delays mail, never loses it
    }
    await db.orm.update(mailOutbox).set({ status: 'sent', sentAt: new Date(), attempts: m.attempts + 1 }).where(eq(mailOutbox.id, id));
  };
}

/** The latest outbox messages, newest first, for the development mailbox page. */
export async function listOutbox(db: Database, limit = 50) {
  // Newest first by when they were written: ids are reserved in blocks per process, so an
  // instance can write a new email with an id lower than another instance's older ones.
  return db.orm.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(limit);
}

/** One outbox message by id. */
export async function getOutboxMessage(db: Database, id: number) {
  const [m] = await db.orm.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return m ?? null;
}

/** How long a delivered email keeps its body (and one that could not be delivered, its whole body). */
export const MAIL_BODY_DAYS = 30;

/**
 * AC-6: every email to a closed account's addresses loses, in the closing transaction, what
 * could identify the person or act for them: the address (replaced by the closed placeholder),
 * the subject, the text and HTML (names, private links, tokens) and the last SMTP error (which
 * may quote the address). The row stays as a record that an email of that template was written
 * and when; one still waiting for delivery is marked 'erased' and is never sent.
 */
export async function eraseMailTo(tx: Tx, addresses: string[], placeholder: string): Promise<number> {
  // As the mailbox reads them: an anonymous form keeps the address as it was typed.
  const list = [...new Set(addresses.filter(Boolean).map((a) => a.toLowerCase()))];
  if (!list.length) return 0;
  const rows = await tx
    .update(mailOutbox)
    .set({ to: placeholder, subject: '', text: '', html: '', lastError: null, status: sql`CASE WHEN ${mailOutbox.status} = 'queued' THEN 'erased' ELSE ${mailOutbox.status} END` })
    .where(inArray(sql`lower(${mailOutbox.to})`, list))
    .returning({ id: mailOutbox.id });
  return rows.length;
}

/**
 * The outbox is not an archive: MAIL_BODY_DAYS after delivery (or after it was kept in the
 * outbox without SMTP) the text and HTML of an email are erased — they carry names, private
 * links and tokens — keeping the address, subject, template, dates and status. An email still
 * undelivered that long (SMTP refusing, or none configured on a server) is erased too and marked
 * 'expired', so that a server configured later does not send month-old links. Only rows written in
 * the last 3 × MAIL_BODY_DAYS are looked at: every row is due by 2 × MAIL_BODY_DAYS after it was
 * written, and the hourly run must not read the whole history each time.
 */
export async function eraseOldMailBodies(orm: Orm, now: Date): Promise<{ delivered: number; expired: number }> {
  const due = new Date(now.getTime() - MAIL_BODY_DAYS * 86400_000);
  const from = new Date(now.getTime() - 3 * MAIL_BODY_DAYS * 86400_000);
  const recent = and(gte(mailOutbox.createdAt, from), lt(mailOutbox.createdAt, due), ne(mailOutbox.text, ''));
  const delivered = await orm
    .update(mailOutbox)
    .set({ text: '', html: '', lastError: null })
    .where(and(recent, inArray(mailOutbox.status, ['sent', 'kept']), lt(mailOutbox.sentAt, due)))
    .returning({ id: mailOutbox.id });
  const expired = await orm
    .update(mailOutbox)
    .set({ text: '', html: '', lastError: null, status: 'expired' })
    .where(and(recent, eq(mailOutbox.status, 'queued')))
    .returning({ id: mailOutbox.id });
  return { delivered: delivered.length, expired: expired.length };
}
