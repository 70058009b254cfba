import type { FieldIssue } from '../../platform/errors/index.js';
import { cleanText, DAY_MAX, DAY_MIN, dayProblem, numberProblem, textProblem, toNumber } from '../../platform/errors/validation.js';
import type { ExtraField } from '../catalog/index.js';

type Raw = string | string[] | number | boolean | undefined;

const TRUE = new Set(['true', 'yes', 'on', '1', 'да']);
const FALSE = new Set(['false', 'no', 'off', '0', 'не']);

/** Longest answer to a text field (one line). */
export const EXTRA_TEXT_MAX = 1000;
/**
 * Bounds of a number field whose definition names none: a count or a size is not negative, and
 * nothing a citizen reports needs more than a million (a size in cm, a number of lamps or dogs).
 */
export const EXTRA_NUMBER_MIN = 0;
export const EXTRA_NUMBER_MAX = 1_000_000;

/** The range a number field accepts: its own bounds, or the defaults. */
export function numberBounds(f: ExtraField): { min: number; max: number } {
  return { min: f.min ?? EXTRA_NUMBER_MIN, max: f.max ?? EXTRA_NUMBER_MAX };
}

/** The days a date field accepts: 1900 … 2100, and not after today for a day something happened or was seen. */
export function dayBounds(f: ExtraField, today: string): { min: string; max: string } {
  return { min: DAY_MIN, max: f.past ? today : DAY_MAX };
}

/**
 * Checks the answers to a type's extra fields against their configuration and returns the
 * values to store, typed. Problems are added to `issues` as `extra.<code>`, with the limit missed.
 * `today` is Sofia's calendar day (YYYY-MM-DD), the latest day a "past" date field accepts.
 */
export function validateExtra(fields: ExtraField[], raw: Record<string, Raw>, issues: FieldIssue[], today: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const field = `extra.${f.code}`;
    let v: Raw = raw[f.code];
    if (typeof v === 'string') v = cleanText(v);
    const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (f.required) issues.push({ field, code: 'FIELD_REQUIRED' });
      continue;
    }
    switch (f.datatype) {
      case 'text': {
        const s = String(v);
        const problem = Array.isArray(v) ? { code: 'NOT_TEXT' as const } : textProblem(s, { max: EXTRA_TEXT_MAX });
        if (problem) issues.push({ field, ...problem });
        else out[f.code] = s;
        break;
      }
      case 'number': {
        // Bulgarian keyboards and habits write decimals with a comma (toNumber reads both); "1e9", true or a list are not numbers.
        const problem = numberProblem(toNumber(v), numberBounds(f));
        if (problem) issues.push({ field, ...problem });
        else out[f.code] = toNumber(v);
        break;
      }
      case 'date': {
        const s = String(v);
        const { min, max } = dayBounds(f, today);
        const problem = Array.isArray(v) ? { code: 'NOT_A_DATE' as const } : dayProblem(s, min, max);
        if (problem) issues.push({ field, ...problem });
        else out[f.code] = s;
        break;
      }
      case 'single': {
        const s = String(v);
        if (Array.isArray(v) || !f.options?.some((o) => o.key === s)) issues.push({ field, code: 'NOT_IN_LIST' });
        else out[f.code] = s;
        break;
      }
      case 'multi': {
        const list = (Array.isArray(v) ? v : [String(v)]).map(String);
        if (list.some((s) => !f.options?.some((o) => o.key === s))) issues.push({ field, code: 'NOT_IN_LIST' });
        else out[f.code] = [...new Set(list)];
        break;
      }
      case 'bool': {
        if (typeof v === 'boolean') out[f.code] = v;
        else if (TRUE.has(String(v).toLowerCase())) out[f.code] = true;
        else if (FALSE.has(String(v).toLowerCase())) out[f.code] = false;
        else issues.push({ field, code: 'FIELD_INVALID' });
        break;
      }
    }
  }
  return out;
}

/** An answer as a person reads it: option labels, yes/no, in the reader's language. */
export function formatExtra(f: ExtraField, value: unknown, lang: 'bg' | 'en'): string {
  const label = (key: string) => {
    const o = f.options?.find((x) => x.key === key);
    return o ? o[lang] : key;
  };
  if (f.datatype === 'bool') return value ? (lang === 'bg' ? 'Да' : 'Yes') : lang === 'bg' ? 'Не' : 'No';
  if (f.datatype === 'single') return label(String(value));
  if (f.datatype === 'multi' && Array.isArray(value)) return value.map((v) => label(String(v))).join(', ');
  return String(value);
}
