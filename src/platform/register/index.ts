import { sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../db/index.js';
import { registerCounters } from './register.tables.js';

export { registerCounters };

/** The prefix of Sofia Municipality's registers, as in Call Sofia numbers (СО25-КЦ01-12345). */
export const REGISTER_PREFIX = 'СО';

/** The calendar year in Sofia at a moment: a document registered at 00:30 on 1 January local time belongs to the new year. */
// One formatter for the process: creating it per call cost 83 µs and leaked native memory (bench finding).
const SOFIA_YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Sofia', year: 'numeric' });

export function sofiaYear(at: Date): number {
  return Number(SOFIA_YEAR.format(at));
}

/** Formats a registration number, e.g. СО26-КЦ01-000123. */
export function formatRegNumber(registerCode: string, year: number, seq: number): string {
  return numberWith(registerCode, year, String(seq).padStart(6, '0'));
}

function numberWith(registerCode: string, year: number, seq: string): string {
  return `${REGISTER_PREFIX}${String(year % 100).padStart(2, '0')}-${registerCode}-${seq}`;
}

const NUMBER_RE = /^СО(\d{2})-([А-Я]{2}\d{2})-(\d{1,9})$/u;

/** Parses a typed registration number leniently (spaces, lower case, Latin look-alikes); null when malformed. */
export function parseRegNumber(input: string): { yy: number; registerCode: string; seq: number } | null {
  const cleaned = input
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '')
    // People type the Cyrillic prefix with Latin look-alike letters; the register has only Cyrillic.
    .replace(/C/g, 'С')
    .replace(/O/g, 'О')
    .replace(/K/g, 'К')
    .replace(/[–—]/g, '-');
  const m = NUMBER_RE.exec(cleaned);
  if (!m) return null;
  return { yy: Number(m[1]), registerCode: m[2]!, seq: Number(m[3]) };
}

/**
 * Stands for the sequence part of a number not yet taken, in texts written before it is (an
 * email stored in the same statement). URL-safe and HTML-safe, so it survives encoding unchanged.
 */
export const SEQ_PLACEHOLDER = '~0seq0~';

/** A number about to be taken: its register and year, and its text with SEQ_PLACEHOLDER for the sequence. */
export interface PendingNumber {
  registerCode: string;
  year: number;
  text: string;
}

/** The number a document registered at `at` will get, with the sequence still a placeholder. */
export function pendingNumber(registerCode: string, at: Date): PendingNumber {
  const year = sofiaYear(at);
  return { registerCode, year, text: numberWith(registerCode, year, SEQ_PLACEHOLDER) };
}

/**
 * The counter step as the `n` member of a WITH statement, for registering a document in one
 * statement: the counter row is locked from this statement until COMMIT, so doing every insert
 * in the same statement keeps that lock to one round trip (bench finding: with the number taken
 * first and five more statements after it, submissions queued on the lock at ~230/s).
 */
export function counterStep(orm: Orm, p: PendingNumber) {
  return orm
    .insert(registerCounters)
    .values({ registerCode: p.registerCode, year: p.year, lastValue: 1 })
    .onConflictDoUpdate({
      target: [registerCounters.registerCode, registerCounters.year],
      set: { lastValue: sql`${registerCounters.lastValue} + 1` },
    })
    .returning({ lastValue: registerCounters.lastValue });
}

/** Inside such a statement: the sequence just taken. */
export const takenSeq: SQL = sql`(SELECT last_value FROM n)`;

// As formatRegNumber: at least six digits (lpad alone would cut a seventh).
const takenSeqText = sql`lpad((SELECT last_value FROM n)::text, greatest(6, length((SELECT last_value FROM n)::text)), '0')`;

/** Inside such a statement: the whole number just taken. */
export function takenNumber(p: PendingNumber): SQL {
  return withTakenSeq(p.text);
}

/** Inside such a statement: a text with the placeholder replaced by the six-digit sequence just taken. */
export function withTakenSeq(text: string): SQL {
  return sql`replace(${text}, ${SEQ_PLACEHOLDER}, ${takenSeqText})`;
}
