import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.js';
import type { Jobs } from '../../platform/jobs/index.js';
import { outboxRows, reserveMail, type MailMessage } from '../../platform/mail/index.js';
import { counterStep, pendingNumber, takenNumber, takenSeq, withTakenSeq, type PendingNumber } from '../../platform/register/index.js';
import { caseEvents, caseFiles, cases } from './cases.tables.js';

type CaseValues = Omit<typeof cases.$inferInsert, 'id' | 'registerCode' | 'regYear' | 'regSeq' | 'regNumber'>;
type EventValues = Omit<typeof caseEvents.$inferInsert, 'id' | 'caseId'>;
type FileValues = Omit<typeof caseFiles.$inferInsert, 'caseId'>;

/** A document to register: the case, its first history entries, its files and the emails it causes. */
export interface NewRegistration {
  registerCode: string;
  at: Date;
  values: CaseValues;
  events: EventValues[];
  files?: FileValues[];
  /** Emails written with `number` (from `pending`) in their texts; the number is put in by SQL. */
  mails?: (number: string) => MailMessage[];
}

/**
 * Registers a document (CC-3): one statement takes the next number of its register and inserts
 * the case, its events, its files and its emails; the delivery jobs are queued before it in the
 * same transaction, and the statement goes to the server together with COMMIT. The register's
 * counter row is locked from that statement to the end of COMMIT and nothing else waits behind it.
 */
export async function insertRegistered(db: Database, jobs: Jobs, r: NewRegistration): Promise<{ id: number; number: string; seq: number }> {
  const rows = await db.transactionEndingWith(async (tx) => {
    const pending: PendingNumber = pendingNumber(r.registerCode, r.at);
    const mails = r.mails?.(pending.text) ?? [];
    const mailIds = await reserveMail(tx, jobs, mails.length);
    const caseId = sql`(SELECT id FROM c)`;
    const parts = [
      sql`n AS (${counterStep(tx, pending).getSQL()})`,
      sql`c AS (${tx
        .insert(cases)
        .values({ ...r.values, registerCode: pending.registerCode, regYear: pending.year, regSeq: takenSeq, regNumber: takenNumber(pending) })
        .returning({ id: cases.id, regNumber: cases.regNumber, regSeq: cases.regSeq })
        .getSQL()})`,
    ];
    if (r.events.length) parts.push(sql`e AS (${tx.insert(caseEvents).values(r.events.map((e) => ({ ...e, caseId }))).getSQL()})`);
    if (r.files?.length) parts.push(sql`f AS (${tx.insert(caseFiles).values(r.files.map((f) => ({ ...f, caseId }))).getSQL()})`);
    if (mails.length) parts.push(sql`o AS (${outboxRows(tx, mails.map((msg, i) => ({ id: mailIds[i]!, msg })), withTakenSeq).getSQL()})`);
    return sql`WITH ${sql.join(parts, sql`, `)} SELECT id, reg_number, reg_seq FROM c`;
  });
  const row = rows[0] as { id: string | number; reg_number: string; reg_seq: number };
  return { id: Number(row.id), number: row.reg_number, seq: Number(row.reg_seq) };
}
