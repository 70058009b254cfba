import { sql, type SQL } from 'drizzle-orm';
import { DB_NOW } from '../db/clock.js';
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
 * Stand for the parts of a number not yet taken, and for its registration moment, in texts
 * written before the registration statement runs (an email stored in the same statement).
 * URL-safe and HTML-safe, so they survive encoding unchanged.
 */
export const SEQ_PLACEHOLDER = '~0seq0~';
export const YEAR_PLACEHOLDER = '~0yy0~';
const MOMENT_PLACEHOLDER = { bg: '~0at-bg0~', en: '~0at-en0~' } as const;

/** Stands for the registration moment, as formatDateTime would write it in `lang`. */
export function pendingMoment(lang: 'bg' | 'en'): string {
  return MOMENT_PLACEHOLDER[lang];
}

/** A number about to be taken: its register, and its text with placeholders for the year and the sequence. */
export interface PendingNumber {
  registerCode: string;
  text: string;
}

/** The number a document of this register will get, its year and sequence still placeholders. */
export function pendingNumber(registerCode: string): PendingNumber {
  return { registerCode, text: `${REGISTER_PREFIX}${YEAR_PLACEHOLDER}-${registerCode}-${SEQ_PLACEHOLDER}` };
}

/**
 * The counter step as the `t` and `n` members of a WITH statement, for registering a document
 * in one statement: the counter row of the register and Sofia calendar year of the database's
 * moment is locked from this statement until COMMIT, so doing every insert in the same statement
 * keeps that lock to one round trip (bench finding: with the number taken first and five more
 * statements after it, submissions queued on the lock at ~230/s). The moment given is never
 * earlier than that of the previous number of the register and year: a statement that read the
 * clock and then waited for the lock takes its predecessor's moment, so the order of numbers
 * and the order of their dates always agree.
 */
export function counterStep(p: PendingNumber): SQL {
  return sql`t AS (SELECT ${DB_NOW} AS at),
    n AS (INSERT INTO register_counters (register_code, year, last_value, last_at)
      SELECT ${p.registerCode}, extract(year FROM t.at AT TIME ZONE 'Europe/Sofia')::int, 1, t.at FROM t
      ON CONFLICT (register_code, year) DO UPDATE SET
        last_value = register_counters.last_value + 1,
        last_at = greatest(register_counters.last_at, EXCLUDED.last_at)
      RETURNING last_value, year, last_at)`;
}

/** Inside such a statement: the sequence just taken. */
export const takenSeq: SQL = sql`(SELECT last_value FROM n)`;
/** Inside such a statement: the register's year of the number just taken. */
export const takenYear: SQL = sql`(SELECT year FROM n)`;
/** Inside such a statement: the registration moment. */
export const takenAt: SQL = sql`(SELECT last_at FROM n)`;

// As formatRegNumber: at least six digits (lpad alone would cut a seventh), two of the year.
const takenSeqText = sql`lpad((SELECT last_value FROM n)::text, greatest(6, length((SELECT last_value FROM n)::text)), '0')`;
const takenYearText = sql`lpad(((SELECT year FROM n) % 100)::text, 2, '0')`;

/** Inside such a statement: the whole number just taken. */
export function takenNumber(p: PendingNumber): SQL {
  return withTaken(p.text);
}

/** Inside such a statement: a text with the placeholders replaced by the number's parts and the moment just taken. */
export function withTaken(text: string): SQL {
  let out = sql`replace(replace(${text}, ${SEQ_PLACEHOLDER}, ${takenSeqText}), ${YEAR_PLACEHOLDER}, ${takenYearText})`;
  for (const lang of ['bg', 'en'] as const) {
    if (text.includes(MOMENT_PLACEHOLDER[lang])) out = sql`replace(${out}, ${MOMENT_PLACEHOLDER[lang]}, ${sqlDateTime(takenAt, lang)})`;
  }
  return out;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

/** A moment as formatDateTime writes it (Sofia's wall clock, e.g. "5.03.2026 г., 9:04" or "5 Mar 2026, 09:04"), in SQL. */
export function sqlDateTime(at: SQL, lang: 'bg' | 'en'): SQL {
  const local = sql`(${at} AT TIME ZONE 'Europe/Sofia')`;
  if (lang === 'bg') return sql`to_char(${local}, 'FMDD.MM.YYYY "г.", FMHH24:MI')`;
  return sql`(to_char(${local}, 'FMDD') || ' ' || (ARRAY[${sql.join(MONTHS_EN.map((m) => sql`${m}`), sql`, `)}])[extract(month FROM ${local})::int] || ' ' || to_char(${local}, 'YYYY, HH24:MI'))`;
}
