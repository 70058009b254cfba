import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.js';
import type { Jobs } from '../../platform/jobs/index.js';
import { outboxRows, reserveMail, type MailMessage } from '../../platform/mail/index.js';
import { counterStep, pendingMoment, pendingNumber, takenAt, takenNumber, takenSeq, takenYear, withTaken } from '../../platform/register/index.js';
import { caseEvents, caseFiles, cases } from './cases.tables.js';
import type { RegistrationExtension } from './cases.hooks.js';

type Moment = 'registeredAt' | 'updatedAt';
type CaseValues = Omit<typeof cases.$inferInsert, 'id' | 'registerCode' | 'regYear' | 'regSeq' | 'regNumber' | Moment>;
type EventValues = Omit<typeof caseEvents.$inferInsert, 'id' | 'caseId' | 'at'>;
type FileValues = Omit<typeof caseFiles.$inferInsert, 'caseId'>;

/** A document to register: the case, its first history entries, its files and the emails it causes. */
export interface NewRegistration {
  registerCode: string;
  values: CaseValues;
  /** History entries written at the registration moment. */
  events: EventValues[];
  files?: FileValues[];
  /**
   * Emails, written with the number and the registration moment as texts that stand for them
   * (`number`, and `at` per language); the database puts in both.
   */
  mails?: (number: string, at: { bg: string; en: string }) => MailMessage[];
  /** What other modules add to the statement (cases.hooks.ts): their rows, and case columns computed from them. */
  extension?: RegistrationExtension | null;
}

/**
 * Registers a document (CC-3): one statement reads the database clock, takes the next number of
 * its register for that moment's Sofia year, and inserts the case, its events, its files and its
 * emails, all with that moment; it goes to the server in one batch with the delivery jobs'
 * inserts, BEGIN and COMMIT. The register's counter row is locked only while the server runs that
 * batch: nothing on this side is awaited in between. The moment and the year are the database's,
 * never this process's, so instances whose clocks differ still agree (issue 11).
 */
export async function insertRegistered(db: Database, jobs: Jobs, r: NewRegistration): Promise<{ id: number; number: string; seq: number; registeredAt: Date }> {
  const pending = pendingNumber(r.registerCode);
  const mails = r.mails?.(pending.text, { bg: pendingMoment('bg'), en: pendingMoment('en') }) ?? [];
  const reserved = await reserveMail(db, jobs, mails.length);
  // The query builder only builds here: the statement runs in the batch below.
  const b = db.orm;
  const caseId = sql`(SELECT id FROM c)`;
  const ext = r.extension;
  const parts = [
    counterStep(pending),
    ...(ext?.before ?? []),
    sql`c AS (${b
      .insert(cases)
      .values({ ...r.values, ...(ext?.caseValues ?? {}), registerCode: pending.registerCode, regYear: takenYear, regSeq: takenSeq, regNumber: takenNumber(pending), registeredAt: takenAt, updatedAt: takenAt })
      .returning({ id: cases.id, regNumber: cases.regNumber, regSeq: cases.regSeq, registeredAt: cases.registeredAt })
      .getSQL()})`,
  ];
  if (r.events.length) parts.push(sql`e AS (${b.insert(caseEvents).values(r.events.map((e) => ({ ...e, caseId, at: takenAt }))).getSQL()})`);
  if (r.files?.length) parts.push(sql`f AS (${b.insert(caseFiles).values(r.files.map((f) => ({ ...f, caseId }))).getSQL()})`);
  if (ext) parts.push(...ext.after(caseId));
  if (mails.length) parts.push(sql`o AS (${outboxRows(b, mails.map((msg, i) => ({ id: reserved[i]!.id, msg })), withTaken).getSQL()})`);
  const registration = sql`WITH ${sql.join(parts, sql`, `)} SELECT id, reg_number, reg_seq, registered_at FROM c`;
  const rows = await db.batch([registration, ...reserved.map((m) => m.queue)], { group: `register:${pending.registerCode}` });
  const row = rows[0] as { id: string | number; reg_number: string; reg_seq: number; registered_at: string | Date };
  return { id: Number(row.id), number: row.reg_number, seq: Number(row.reg_seq), registeredAt: new Date(row.registered_at) };
}
