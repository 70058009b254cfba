import type { Lang } from '../../platform/errors/index.js';
import type { DeadlineStats, Overview } from './overview.service.js';

/** The CSV's columns; every section uses the ones that apply to it and leaves the rest empty. */
export const CSV_COLUMNS = [
  'section',
  'code',
  'name',
  'registered',
  'open',
  'closed',
  'median_days_to_first_answer',
  'answered',
  'median_days_to_closure',
  'closed_with_date',
  // Issue 12: legal deadlines (totals and units).
  'legal_deadlines_decided',
  'legal_deadlines_on_time',
  'on_time_share',
  'legal_deadlines_late',
  'median_days_late',
  'overdue_now',
] as const;

type Cell = string | number | null;

/** RFC 4180 quoting; a text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const days = (d: number | null) => (d === null ? null : d.toFixed(1));

const MISSING = {
  category: { bg: 'Без категория', en: 'No category' },
  district: { bg: 'Без район', en: 'No district' },
  unit: { bg: 'Още не е насочен', en: 'Not routed yet' },
  totals: { bg: 'Всички', en: 'All' },
} as const;

/**
 * The overview as CSV: UTF-8 with a byte-order mark (so that Excel reads Cyrillic), CRLF line
 * ends, one block after another, told apart by the `section` column.
 */
export function overviewCsv(o: Overview, lang: Lang): string {
  const rows: Cell[][] = [[...CSV_COLUMNS]];
  const t = o.totals;
  const none = [null, null, null, null, null, null];
  const legal = (d: DeadlineStats): Cell[] => [d.decided, d.onTime, d.onTimeShare === null ? null : d.onTimeShare.toFixed(3), d.late, days(d.lateMedianDays), d.overdueNow];
  rows.push(['period', o.filter.period, `${o.from ? o.from.toISOString() : ''}/${o.to.toISOString()}`, null, null, null, null, null, null, null, ...none]);
  rows.push(['totals', null, MISSING.totals[lang], t.registered, t.open, t.closed, days(t.answerMedianDays), t.answered, days(t.closeMedianDays), t.closedWithDate, ...legal(t)]);
  for (const r of o.categories) rows.push(['category', r.code, r.name?.[lang] ?? MISSING.category[lang], r.registered, r.open, r.closed, null, null, null, null, ...none]);
  for (const r of o.districts) rows.push(['district', r.code, r.name?.[lang] ?? MISSING.district[lang], r.registered, r.open, r.closed, null, null, null, null, ...none]);
  for (const s of o.statuses) rows.push(['status', s.code, s.name[lang], s.registered, s.open ? s.registered : 0, s.open ? 0 : s.registered, null, null, null, null, ...none]);
  for (const u of o.units) rows.push(['unit', u.code, u.name?.[lang] ?? MISSING.unit[lang], u.registered, null, null, days(u.answerMedianDays), u.answered, days(u.closeMedianDays), u.closedWithDate, ...legal(u)]);
  for (const w of o.weeks) rows.push(['week', w.week, w.start, w.registered, null, w.closed, null, null, null, null, ...none]);
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
