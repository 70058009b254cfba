import { desc, eq, type SQL } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { txExecutor, type Database, type Tx } from '../db/index.js';
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

/**
 * For an email whose text is finished in SQL later in the same transaction (a registration
 * number taken in the statement that stores it): reserves outbox ids and queues their delivery
 * now; `outboxRows` writes the rows. A job never finds its row missing: both commit together.
 */
export async function reserveMail(tx: Tx, jobs: Jobs, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await txExecutor(tx).executeSql("SELECT nextval(pg_get_serial_sequence('mail_outbox', 'id'))::bigint AS id FROM generate_series(1, $1::int)", [count]);
  const ids = rows.map((r: { id: string | number }) => Number(r.id));
  for (const id of ids) await jobs.send(MAIL_QUEUE, { id }, { tx });
  return ids;
}

/** The INSERT of reserved outbox rows, to embed in a statement; `fill` finishes each text in SQL. */
export function outboxRows(tx: Tx, rows: { id: number; msg: MailMessage }[], fill: (text: string) => SQL) {
  return tx
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
  return db.orm.select().from(mailOutbox).orderBy(desc(mailOutbox.id)).limit(limit);
}

/** One outbox message by id. */
export async function getOutboxMessage(db: Database, id: number) {
  const [m] = await db.orm.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return m ?? null;
}
