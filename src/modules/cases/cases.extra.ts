import type { FieldIssue } from '../../platform/errors/index.js';
import type { ExtraField } from '../catalog/index.js';

type Raw = string | string[] | number | boolean | undefined;

const TRUE = new Set(['true', 'yes', 'on', '1', 'да']);
const FALSE = new Set(['false', 'no', 'off', '0', 'не']);

/**
 * Checks the answers to a type's extra fields against their configuration and returns the
 * values to store, typed. Problems are added to `issues` as `extra.<code>`.
 */
export function validateExtra(fields: ExtraField[], raw: Record<string, Raw>, issues: FieldIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const field = `extra.${f.code}`;
    let v: Raw = raw[f.code];
    if (typeof v === 'string') v = v.trim();
    const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (f.required) issues.push({ field, code: 'FIELD_REQUIRED' });
      continue;
    }
    switch (f.datatype) {
      case 'text': {
        const s = String(v);
        if (s.length > 1000) issues.push({ field, code: 'FIELD_TOO_LONG' });
        else out[f.code] = s;
        break;
      }
      case 'number': {
        // Bulgarian keyboards and habits write decimals with a comma.
        const n = typeof v === 'number' ? v : Number(String(v).replace(',', '.'));
        if (Array.isArray(v) || !Number.isFinite(n)) issues.push({ field, code: 'NOT_A_NUMBER' });
        else out[f.code] = n;
        break;
      }
      case 'date': {
        const s = String(v);
        const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : null;
        if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) issues.push({ field, code: 'NOT_A_DATE' });
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
