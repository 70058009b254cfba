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
 * the case, its events, its files and its emails; it goes to the server in one batch with the
 * delivery jobs' inserts, BEGIN and COMMIT. The register's counter row is locked only while the
 * server runs that batch: nothing on this side is awaited in between.
 */
export async function insertRegistered(db: Database, jobs: Jobs, r: NewRegistration): Promise<{ id: number; number: string; seq: number }> {
  const pending: PendingNumber = pendingNumber(r.registerCode, r.at);
  const mails = r.mails?.(pending.text) ?? [];
  const reserved = await reserveMail(db, jobs, mails.length);
  // The query builder only builds here: the statement runs in the batch below.
  const b = db.orm;
  const caseId = sql`(SELECT id FROM c)`;
  const parts = [
    sql`n AS (${counterStep(b, pending).getSQL()})`,
    sql`c AS (${b
      .insert(cases)
      .values({ ...r.values, registerCode: pending.registerCode, regYear: pending.year, regSeq: takenSeq, regNumber: takenNumber(pending) })
      .returning({ id: cases.id, regNumber: cases.regNumber, regSeq: cases.regSeq })
      .getSQL()})`,
  ];
  if (r.events.length) parts.push(sql`e AS (${b.insert(caseEvents).values(r.events.map((e) => ({ ...e, caseId }))).getSQL()})`);
  if (r.files?.length) parts.push(sql`f AS (${b.insert(caseFiles).values(r.files.map((f) => ({ ...f, caseId }))).getSQL()})`);
  if (mails.length) parts.push(sql`o AS (${outboxRows(b, mails.map((msg, i) => ({ id: reserved[i]!.id, msg })), withTakenSeq).getSQL()})`);
  const registration = sql`WITH ${sql.join(parts, sql`, `)} SELECT id, reg_number, reg_seq FROM c`;
  const rows = await db.batch([registration, ...reserved.map((m) => m.queue)], { group: `register:${pending.registerCode}` });
  const row = rows[0] as { id: string | number; reg_number: string; reg_seq: number };
  return { id: Number(row.id), number: row.reg_number, seq: Number(row.reg_seq) };
}
