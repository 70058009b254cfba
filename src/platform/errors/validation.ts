import { z } from 'zod';
import { AppError, ERRORS, type ErrorCode, type FieldIssue, type IssueParams } from './index.js';

/*
 * What every input goes through before it reaches a use case: zod issues become field issues that
 * say what is wrong and, where there is one, the limit that was missed ("between -90 and 90",
 * "4000 characters at most"); and the shared builders for texts, numbers and days, so that every
 * schema refuses the same hostile values the same way (issue 11, defects 8 and 9).
 */

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Empty for a person: nothing, or only spaces and invisible format characters (zero-width space, BOM, soft hyphen …). */
function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && cleanText(v) === '');
}

/** The code and limit a custom issue of our builders carries in its params. */
function customOf(issue: z.core.$ZodIssue): { code: ErrorCode; params?: IssueParams } | null {
  const p = (issue as { params?: { code?: unknown; min?: number | string; max?: number | string } }).params;
  if (!p || typeof p.code !== 'string' || !(p.code in ERRORS)) return null;
  const params: IssueParams = {};
  if (p.min !== undefined) params.min = p.min;
  if (p.max !== undefined) params.max = p.max;
  return { code: p.code as ErrorCode, ...(params.min !== undefined || params.max !== undefined ? { params } : {}) };
}

const NUMERIC_ORIGINS = new Set(['number', 'int', 'bigint']);
const LIST_ORIGINS = new Set(['array', 'set']);

/** Maps one zod issue to the platform's error code for a field; `input` tells a missing value from a wrong one. */
export function codeOfZodIssue(issue: z.core.$ZodIssue, input?: unknown): ErrorCode {
  const given = () => (input === undefined ? (issue as { input?: unknown }).input : valueAt(input, issue.path));
  switch (issue.code) {
    case 'too_big': {
      const origin = (issue as { origin?: string }).origin ?? '';
      if (origin === 'string') return 'FIELD_TOO_LONG';
      if (NUMERIC_ORIGINS.has(origin)) return 'NUMBER_TOO_LARGE';
      if (LIST_ORIGINS.has(origin)) return 'TOO_MANY_ITEMS';
      if (origin === 'date') return 'DATE_OUT_OF_RANGE';
      if (origin === 'file') return 'FILE_TOO_LARGE';
      return 'FIELD_INVALID';
    }
    case 'too_small': {
      const origin = (issue as { origin?: string }).origin ?? '';
      const min = Number((issue as { minimum?: unknown }).minimum);
      if (origin === 'string') return min <= 1 || blank(given()) ? 'FIELD_REQUIRED' : 'FIELD_TOO_SHORT';
      if (NUMERIC_ORIGINS.has(origin)) return 'NUMBER_TOO_SMALL';
      if (LIST_ORIGINS.has(origin)) return min <= 1 ? 'FIELD_REQUIRED' : 'TOO_FEW_ITEMS';
      if (origin === 'date') return 'DATE_OUT_OF_RANGE';
      return 'FIELD_INVALID';
    }
    case 'invalid_type': {
      const v = given();
      if (v === undefined || v === null || v === '') return 'FIELD_REQUIRED';
      const expected = (issue as { expected?: string }).expected;
      if (expected === 'number') return 'NOT_A_NUMBER';
      if (expected === 'int') return typeof v === 'number' || (typeof v === 'string' && NUMERIC.test(v.trim())) ? 'NOT_AN_INTEGER' : 'NOT_A_NUMBER';
      if (expected === 'string') return 'NOT_TEXT';
      if (expected === 'date') return 'NOT_A_DATE';
      return 'FIELD_INVALID';
    }
    case 'invalid_format':
      return (issue as { format?: string }).format === 'email' ? 'EMAIL_INVALID' : 'FIELD_INVALID';
    case 'invalid_value':
      return 'NOT_IN_LIST';
    case 'custom':
      return customOf(issue)?.code ?? 'FIELD_INVALID';
    default:
      return 'FIELD_INVALID';
  }
}

/** The limit a zod issue reports, for the message: a maximum length, a minimum, a range of our builders. */
export function paramsOfZodIssue(issue: z.core.$ZodIssue): IssueParams | undefined {
  if (issue.code === 'custom') return customOf(issue)?.params;
  const bound = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : undefined);
  if (issue.code === 'too_big') {
    const max = bound((issue as { maximum?: unknown }).maximum);
    return max === undefined ? undefined : { max };
  }
  if (issue.code === 'too_small') {
    const min = bound((issue as { minimum?: unknown }).minimum);
    return min === undefined ? undefined : { min };
  }
  return undefined;
}

/** One zod issue as a field issue named by its dotted path. */
export function fieldIssueOfZod(issue: z.core.$ZodIssue, input?: unknown, field = issue.path.map(String).join('.') || 'body'): FieldIssue {
  const code = codeOfZodIssue(issue, input);
  // "Required" needs no limit; the others say which one was missed.
  const params = code === 'FIELD_REQUIRED' ? undefined : paramsOfZodIssue(issue);
  return params ? { field, code, params } : { field, code };
}

/** Converts zod issues into field issues with the field's dotted path, one per field and code. */
export function zodIssues(issues: readonly z.core.$ZodIssue[], input?: unknown): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const i of issues) {
    const f = fieldIssueOfZod(i, input);
    const key = `${f.field}\u0000${f.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/** Parses input with a schema, or throws AppError('VALIDATION') naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('VALIDATION', { issues: zodIssues(r.error.issues, input) });
}

// ------------------------------------------------------------------ texts

/*
 * Control characters (\p{Cc}: C0, DEL, C1) have no place in what a person types: NUL is refused by
 * PostgreSQL (a 500 before), escape sequences reach terminals that print logs, and line breaks in a
 * one-line field (a name, an address, a subject) break the lines of emails and CSV exports. A long
 * text keeps its line breaks and tabs.
 */
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINES = /(?![\t\n\r])\p{Cc}/u;
// Spaces and invisible format characters (\p{Cf}: zero-width space and joiners, BOM, soft hyphen,
// direction marks) at either end mean nothing; a text of only those is empty.
const INVISIBLE = /^[\s\p{Cf}]$/u;

/**
 * A text as stored: without spaces and invisible characters at either end. A scan from both ends
 * rather than a /…+$/ regex, which takes quadratic time on a long run of spaces inside a text.
 */
export function cleanText(s: string): string {
  let start = 0;
  while (start < s.length) {
    const cp = s.codePointAt(start)!;
    const ch = String.fromCodePoint(cp);
    if (!INVISIBLE.test(ch)) break;
    start += ch.length;
  }
  let end = s.length;
  while (end > start) {
    const low = s.charCodeAt(end - 1);
    const size = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start && s.charCodeAt(end - 2) >= 0xd800 && s.charCodeAt(end - 2) <= 0xdbff ? 2 : 1;
    if (!INVISIBLE.test(s.slice(end - size, end))) break;
    end -= size;
  }
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** True when the text has a control character it may not have (NUL, escape …; in one-line texts also tab and line breaks). */
export function hasControlChars(s: string, multiline = false): boolean {
  return (multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(s);
}

export interface TextOptions {
  /** Longest text, in UTF-16 code units as the browser's maxlength counts. */
  max: number;
  /** Shortest non-empty text (default 1: required). */
  min?: number;
  /** A long text: keeps line breaks and tabs. */
  multiline?: boolean;
}

/**
 * What is wrong with a text that did not pass through a zod schema (staff action texts, Open311's
 * client fields): null when it is fine. `s` is the cleaned text (see cleanText).
 */
export function textProblem(s: string, o: TextOptions): { code: ErrorCode; params?: IssueParams } | null {
  const min = o.min ?? 1;
  if (hasControlChars(s, o.multiline)) return { code: 'TEXT_CONTROL_CHARS' };
  if (s === '' && min > 0) return { code: 'FIELD_REQUIRED' };
  if (s.length < min) return { code: 'FIELD_TOO_SHORT', params: { min } };
  if (s.length > o.max) return { code: 'FIELD_TOO_LONG', params: { max: o.max } };
  return null;
}

function textBase(o: TextOptions, min: number) {
  const control = o.multiline ? CONTROL_EXCEPT_LINES : CONTROL;
  let s = z
    .string()
    .overwrite(cleanText)
    // First and alone: a text with a NUL is not also "too long".
    .refine((v) => !control.test(v), { params: { code: 'TEXT_CONTROL_CHARS' }, abort: true });
  if (min > 0) s = s.min(min);
  return s.max(o.max);
}

/**
 * A required text (every schema with text uses this or optionalText): a string, without
 * spaces and invisible characters at its ends, not empty, not longer than `max`, without
 * control characters (except line breaks and tabs when `multiline`).
 */
export function text(o: TextOptions) {
  return textBase(o, o.min ?? 1);
}

/** An optional text: absent, null, or only spaces and invisible characters is undefined; otherwise as text(). */
export function optionalText(o: Omit<TextOptions, 'min'> & { min?: number }) {
  return z.preprocess((v) => (blank(v) ? undefined : v), textBase(o, o.min ?? 0).optional()).optional();
}

// ------------------------------------------------------------------ numbers

/** A number as people and clients write it: digits, an optional sign and decimals (point or comma). No exponents, hex or spaces inside. */
const NUMERIC = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;

/** A strict reading of a number: a number, or a numeric string; empty is absent; anything else stays as it is (and is refused). */
export function toNumber(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    return NUMERIC.test(s) ? Number(s.replace(',', '.')) : v;
  }
  return v;
}

export interface NumberOptions {
  min: number;
  max: number;
  /** Whole numbers only. */
  int?: boolean;
}

/** What is wrong with a number (already read by toNumber): not a number, not whole, or out of its range. */
export function numberProblem(v: unknown, o: NumberOptions): { code: ErrorCode; params?: IssueParams } | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return { code: 'NOT_A_NUMBER' };
  if (o.int && !Number.isInteger(v)) return { code: 'NOT_AN_INTEGER' };
  if (v < o.min || v > o.max) return { code: 'NUMBER_OUT_OF_RANGE', params: { min: o.min, max: o.max } };
  return null;
}

function numberBase(o: NumberOptions) {
  const n = o.int ? z.number().int() : z.number();
  return n
    .check((ctx) => {
      if (ctx.value < o.min || ctx.value > o.max) ctx.issues.push({ code: 'custom', input: ctx.value, params: { code: 'NUMBER_OUT_OF_RANGE', min: o.min, max: o.max }, message: `between ${o.min} and ${o.max}` });
    })
    .meta({ minimum: o.min, maximum: o.max });
}

/**
 * A required number in [min, max]: a JSON number or a numeric string ("42.69", "42,69"); never
 * "", null, true or [] read as 0 or 1 (z.coerce did that). Out of range, the message says the range.
 */
export function number(o: NumberOptions) {
  return z.preprocess(toNumber, numberBase(o));
}

/** An optional number in [min, max]: absent, null or empty is undefined. */
export function optionalNumber(o: NumberOptions) {
  return z.preprocess(toNumber, numberBase(o).optional()).optional();
}

/** A required whole number in [min, max]. */
export function int(o: Omit<NumberOptions, 'int'>) {
  return number({ ...o, int: true });
}

/** An optional whole number in [min, max]. */
export function optionalInt(o: Omit<NumberOptions, 'int'>) {
  return optionalNumber({ ...o, int: true });
}

/** Database ids (PostgreSQL integer). */
export const ID_MAX = 2_147_483_647;

// ------------------------------------------------------------------ days

/** The days an input may name unless its field has its own bounds (PostgreSQL refuses year 0; nobody means 9999). */
export const DAY_MIN = '1900-01-01';
export const DAY_MAX = '2100-12-31';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with a calendar day written YYYY-MM-DD: not such a day (2026-02-30), or outside [min, max]. */
export function dayProblem(s: string, min = DAY_MIN, max = DAY_MAX): { code: ErrorCode; params?: IssueParams } | null {
  if (!DAY.test(s)) return { code: 'NOT_A_DATE' };
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return { code: 'NOT_A_DATE' };
  if (s < min || s > max) return { code: 'DATE_OUT_OF_RANGE', params: { min, max } };
  return null;
}

/** A required calendar day YYYY-MM-DD between `min` and `max` (default 1900-01-01 … 2100-12-31). */
export function day(o: { min?: string; max?: string } = {}) {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      const p = dayProblem(ctx.value, o.min, o.max);
      if (p) ctx.issues.push({ code: 'custom', input: ctx.value, params: { code: p.code, ...p.params }, message: p.code });
    });
}

/** Throws VALIDATION naming `field` when a day is malformed or out of range; answers it otherwise. */
export function checkDay(s: string, field: string, min = DAY_MIN, max = DAY_MAX): string {
  const p = dayProblem(s, min, max);
  if (p) throw new AppError('VALIDATION', { issues: [{ field, ...p }] });
  return s;
}

// ------------------------------------------------------------------ a backstop for NUL

/** The dotted path of the first key or string value holding a NUL, in a parsed query, params or body; null when none. */
export function nulPath(v: unknown, path = '', depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path || 'body' : null;
  if (v === null || typeof v !== 'object' || depth > 32 || Buffer.isBuffer(v)) return null;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return p.replace(/\p{Cc}/gu, '');
    const found = nulPath(x, p, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses a request whose query, path or (url-encoded or JSON) body has a NUL anywhere, naming the
 * field: PostgreSQL refuses NUL in text, so it was a 500 wherever a value reached a query without
 * a schema (searches, logins), and the error log then printed every SQL parameter. The schemas
 * refuse it too, with every other control character; this catches what has no schema.
 */
export function refuseNul(req: { query?: unknown; params?: unknown; body?: unknown }): void {
  for (const part of [req.params, req.query, req.body]) {
    if (part === null || typeof part !== 'object') continue;
    for (const [k, v] of Object.entries(part)) {
      // Where to go back to after a language switch or login: never queried, and its own rule
      // (platform/web) turns any target with a control character into the home page.
      if (REDIRECT_TARGETS.has(k)) continue;
      const field = k.includes('\u0000') ? k.replace(/\p{Cc}/gu, '') || 'body' : nulPath(v, k);
      if (field) throw new AppError('VALIDATION', { issues: [{ field, code: 'TEXT_CONTROL_CHARS' }] });
    }
  }
}
const REDIRECT_TARGETS = new Set(['back', 'next']);
