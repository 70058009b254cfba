import type { Lang } from '../errors/index.js';
import { MESSAGES, type MessageKey } from './messages.js';

export type { Lang };
export const LANGS: Lang[] = ['bg', 'en'];

/** A UI string in the reader's language (NF-1: Bulgarian first). */
export function t(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = MESSAGES[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A translator bound to one language, for views. */
export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Binds `t` to a language. */
export function translator(lang: Lang): T {
  return (key, vars) => t(lang, key, vars);
}

// One formatter per language for the process: building one per call cost more than the rest of a
// signal page together (a third of its CPU profile, bench finding) and leaks ICU memory.
const DATE_TIME = {
  bg: new Intl.DateTimeFormat('bg-BG', { timeZone: 'Europe/Sofia', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Sofia', dateStyle: 'medium', timeStyle: 'short' }),
};
const DATE = {
  bg: new Intl.DateTimeFormat('bg-BG', { timeZone: 'Europe/Sofia', dateStyle: 'medium' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Sofia', dateStyle: 'medium' }),
};

/** Date and time as Sofia reads it, e.g. 22.11.2026 г., 14:05. */
export function formatDateTime(d: Date, lang: Lang): string {
  return DATE_TIME[lang === 'en' ? 'en' : 'bg'].format(d);
}

/** A date in Sofia's time zone. */
export function formatDate(d: Date, lang: Lang): string {
  return DATE[lang === 'en' ? 'en' : 'bg'].format(d);
}

const SOFIA_OFFSET = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Sofia', timeZoneName: 'longOffset' });
// Sofia changes its offset only on whole UTC hours (01:00 UTC, the last Sundays of March and
// October): one formatToParts per hour seen, not per timestamp (it was a fifth of the CPU of a
// 1,000-record Open311 answer, bench finding).
const offsets = new Map<number, { text: string; minutes: number }>();

/** How far Sofia's clock is ahead of UTC at a moment: in minutes, and as "+02:00". */
export function sofiaOffset(d: Date): { text: string; minutes: number } {
  const hour = Math.floor(d.getTime() / 3_600_000);
  let o = offsets.get(hour);
  if (!o) {
    const name = SOFIA_OFFSET.formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'GMT';
    const text = name.replace('GMT', '') || '+00:00';
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
    o = { text, minutes: m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0 };
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(hour, o);
  }
  return o;
}

/** A moment as Sofia's W3C date-time with its offset, e.g. 2026-11-23T10:05:00+02:00. */
export function sofiaDateTime(d: Date): string {
  const o = sofiaOffset(d);
  return `${new Date(d.getTime() + o.minutes * 60_000).toISOString().slice(0, 19)}${o.text}`;
}
