import { asc } from 'drizzle-orm';
import type { Orm, Tx } from '../db/index.js';
import { sofiaOffset } from '../i18n/index.js';
import { calendarDays } from './calendar.tables.js';

/*
 * Bulgaria's working-day calendar (issue 12): what every legal clock counts in.
 *
 * Public holidays are those of the Labour Code, art. 154(1), computed for any year (Orthodox
 * Easter by Meeus' Julian algorithm, never a table); a fixed holiday on a Saturday or Sunday moves
 * to the next working day (art. 154(2)); and the Council of Ministers' day swaps (a Saturday worked,
 * a bridge day off) are exceptions an administrator enters in `calendar_days`.
 *
 * Days are plain calendar dates 'YYYY-MM-DD' — Sofia's dates: nothing inside the calendar does time
 * zone arithmetic, so a day never shifts by an offset. Only `sofiaDay` (a moment → its Sofia date)
 * and `endOfSofiaDay` (a date → the last millisecond of it in Sofia) touch time zones.
 */

/** A Sofia calendar date, 'YYYY-MM-DD'. */
export type Day = string;

/** A Council of Ministers day swap: the day, whether it becomes a working day or a holiday, and the act. */
export interface DaySwap {
  day: Day;
  kind: 'working' | 'holiday';
  reference: string;
}

export interface Calendar {
  /** Not a Saturday or Sunday, not a public holiday (incl. moved ones), unless a swap makes it a working day. */
  isWorkingDay(d: Day): boolean;
  /** The holiday's name on that day (a moved holiday: "… (прехвърлен)"), or null. */
  holidayName(d: Day, lang: 'bg' | 'en'): string | null;
  addCalendarDays(d: Day, n: number): Day;
  /** The n-th working day after d (n ≥ 1); n = 0 gives d. (A negative n: the |n|-th working day before d.) */
  addWorkingDays(d: Day, n: number): Day;
  /** The same day-of-month n months later; the month's last day when that month is shorter (e.g. 31 Jan + 1 month = 28/29 Feb). */
  addMonths(d: Day, n: number): Day;
  /** Civil Procedure Code art. 60(6), as the Administrative Procedure Code applies it: a period ending on a non-working day ends on the next working day. */
  periodEnd(d: Day): Day;
  /** Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is before `from`. */
  workingDaysBetween(from: Day, to: Day): number;
  /** Every holiday of a year with its name (for the admin page and tests). */
  holidays(year: number, lang: 'bg' | 'en'): { day: Day; name: string; moved: boolean }[];
}

// ------------------------------------------------------------------ days as numbers

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a 'YYYY-MM-DD'; a malformed or impossible date is a programming error. */
function toNum(d: Day): number {
  const m = DAY_RE.exec(d);
  if (!m) throw new RangeError(`not a day: ${JSON.stringify(d)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const da = Number(m[3]);
  if (mo < 1 || mo > 12 || da < 1 || da > daysInMonth(y, mo)) throw new RangeError(`not a day: ${d}`);
  return Date.UTC(y, mo - 1, da) / MS_PER_DAY;
}

function fromNum(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

function ymd(y: number, m: number, d: number): Day {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

function isWeekend(n: number): boolean {
  const w = weekday(n);
  return w === 0 || w === 6;
}

function yearOf(n: number): number {
  return new Date(n * MS_PER_DAY).getUTCFullYear();
}

// ------------------------------------------------------------------ Orthodox Easter

/**
 * Orthodox Easter Sunday of a year as a Gregorian date: Meeus' Julian algorithm gives it in the
 * Julian calendar; the two calendars differ by 13 days in 1900–2099 (14 in 2100), which is
 * ⌊Y/100⌋ − ⌊Y/400⌋ − 2 for dates after February.
 */
export function orthodoxEaster(year: number): Day {
  if (!Number.isInteger(year) || year < 1583 || year > 4099) throw new RangeError(`year out of range: ${year}`);
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  const shift = Math.floor(year / 100) - Math.floor(year / 400) - 2;
  return fromNum(Date.UTC(year, month - 1, day) / MS_PER_DAY + shift);
}

// ------------------------------------------------------------------ holidays (Labour Code art. 154)

type Name = { bg: string; en: string };

/** Labour Code art. 154(1): the fixed public holidays, [month, day, name]. */
const FIXED: [number, number, Name][] = [
  [1, 1, { bg: 'Нова година', en: 'New Year’s Day' }],
  [3, 3, { bg: 'Ден на Освобождението на България от османско иго – национален празник', en: 'Liberation Day – National Day' }],
  [5, 1, { bg: 'Ден на труда и на международната работническа солидарност', en: 'Labour Day and International Workers’ Solidarity Day' }],
  [5, 6, { bg: 'Гергьовден, Ден на храбростта и Българската армия', en: 'St George’s Day, Day of Bravery and the Bulgarian Army' }],
  [5, 24, { bg: 'Ден на светите братя Кирил и Методий, на българската азбука, просвета и култура и на славянската книжовност', en: 'Day of Saints Cyril and Methodius, of the Bulgarian Alphabet, Education and Culture and of Slavonic Literature' }],
  [9, 6, { bg: 'Ден на Съединението', en: 'Unification Day' }],
  [9, 22, { bg: 'Ден на Независимостта на България', en: 'Independence Day' }],
  [12, 24, { bg: 'Бъдни вечер', en: 'Christmas Eve' }],
  [12, 25, { bg: 'Рождество Христово', en: 'Christmas Day' }],
  [12, 26, { bg: 'Рождество Христово – втори ден', en: 'Second day of Christmas' }],
];

/** Labour Code art. 154(1): Good Friday, Holy Saturday and Easter (two days), by their offset from Easter Sunday. */
const EASTER: [number, Name][] = [
  [-2, { bg: 'Велики петък', en: 'Good Friday' }],
  [-1, { bg: 'Велика събота', en: 'Holy Saturday' }],
  [0, { bg: 'Великден', en: 'Easter Sunday' }],
  [1, { bg: 'Великден – втори ден', en: 'Easter Monday' }],
];

const MOVED: Name = { bg: ' (прехвърлен)', en: ' (moved)' };

interface Holiday {
  n: number;
  name: Name;
  /** A fixed (dated) holiday, which moves off a weekend; the Easter days do not. */
  fixed: boolean;
  moved: boolean;
}

/**
 * A year's holidays in date order. Art. 154(2): a fixed holiday on a Saturday or Sunday makes the
 * first working day after it a non-working day; the Easter days are excepted (they are a Friday to
 * a Monday by nature). Taken in date order, each moved holiday takes the next Monday-to-Friday
 * that is not already a holiday — so 25 and 26 December on a weekend take the 27th and the 28th,
 * and in 2027 1 May (a Saturday and Holy Saturday) passes Easter Monday (3 May) and takes 4 May.
 * The move is the law's and does not depend on day swaps: a swap overrides the result, day by day.
 */
function computeHolidays(year: number): Holiday[] {
  const list: Holiday[] = [];
  for (const [m, d, name] of FIXED) list.push({ n: Date.UTC(year, m - 1, d) / MS_PER_DAY, name, fixed: true, moved: false });
  const easter = toNum(orthodoxEaster(year));
  for (const [off, name] of EASTER) list.push({ n: easter + off, name, fixed: false, moved: false });
  list.sort((a, b) => a.n - b.n);
  const off = new Set(list.map((h) => h.n));
  const moved: Holiday[] = [];
  for (const h of list) {
    if (!h.fixed || !isWeekend(h.n)) continue;
    let n = h.n + 1;
    while (isWeekend(n) || off.has(n)) n++;
    off.add(n);
    moved.push({ n, name: { bg: h.name.bg + MOVED.bg, en: h.name.en + MOVED.en }, fixed: true, moved: true });
  }
  return [...list, ...moved].sort((a, b) => a.n - b.n);
}

/** A year's holidays do not depend on the swaps: computed once per process per year. */
const holidayCache = new Map<number, Holiday[]>();
function holidaysOf(year: number): Holiday[] {
  let h = holidayCache.get(year);
  if (!h) {
    h = computeHolidays(year);
    holidayCache.set(year, h);
  }
  return h;
}

// ------------------------------------------------------------------ the calendar

/** One year as this calendar sees it: which days are off, with the holiday names, and running counts of working days. */
interface YearTable {
  /** Day number of 1 January. */
  first: number;
  /** 1 for a working day, by day of the year (0-based). */
  working: Uint8Array;
  /** Working days from 1 January up to and including day i. */
  cum: Int32Array;
  names: Map<number, Name[]>;
}

/**
 * A calendar with the given swaps (pure: no database, no clock). Each year is built once, the first
 * time it is asked for, and kept: the deadline engine asks for every case.
 */
export function buildCalendar(swaps: DaySwap[]): Calendar {
  const swapOf = new Map<number, 'working' | 'holiday'>();
  for (const s of swaps) swapOf.set(toNum(s.day), s.kind);
  const years = new Map<number, YearTable>();

  function table(year: number): YearTable {
    let t = years.get(year);
    if (t) return t;
    const first = Date.UTC(year, 0, 1) / MS_PER_DAY;
    const len = Date.UTC(year + 1, 0, 1) / MS_PER_DAY - first;
    const names = new Map<number, Name[]>();
    for (const h of holidaysOf(year)) {
      const list = names.get(h.n);
      if (list) list.push(h.name);
      else names.set(h.n, [h.name]);
    }
    const working = new Uint8Array(len);
    const cum = new Int32Array(len);
    let count = 0;
    for (let i = 0; i < len; i++) {
      const n = first + i;
      const swap = swapOf.get(n);
      const w = swap ? swap === 'working' : !isWeekend(n) && !names.has(n);
      working[i] = w ? 1 : 0;
      count += working[i]!;
      cum[i] = count;
    }
    t = { first, working, cum, names };
    years.set(year, t);
    return t;
  }

  // Consecutive questions are mostly about the same year: keep its table at hand.
  let last: YearTable | null = null;
  function workingNum(n: number): boolean {
    let t = last;
    if (!t || n < t.first || n >= t.first + t.working.length) t = last = table(yearOf(n));
    return t.working[n - t.first] === 1;
  }

  /** Working days from 1 January of `base` up to and including day n (n in or after `base`). */
  function rank(n: number, base: number): number {
    const y = yearOf(n);
    let r = 0;
    for (let yy = base; yy < y; yy++) r += table(yy).cum.at(-1)!;
    const t = table(y);
    return r + t.cum[n - t.first]!;
  }

  function addWorking(n: number, k: number): number {
    const step = k > 0 ? 1 : -1;
    let left = Math.abs(k);
    while (left > 0) {
      n += step;
      if (workingNum(n)) left--;
    }
    return n;
  }

  return {
    isWorkingDay: (d) => workingNum(toNum(d)),
    holidayName(d, lang) {
      const n = toNum(d);
      const list = table(yearOf(n)).names.get(n);
      return list ? list.map((x) => x[lang]).join('; ') : null;
    },
    addCalendarDays(d, n) {
      checkInt(n);
      return fromNum(toNum(d) + n);
    },
    addWorkingDays(d, n) {
      checkInt(n);
      return fromNum(addWorking(toNum(d), n));
    },
    addMonths(d, n) {
      checkInt(n);
      toNum(d);
      const [y, m, day] = d.split('-').map(Number) as [number, number, number];
      const months = y * 12 + (m - 1) + n;
      const ny = Math.floor(months / 12);
      const nm = (months % 12) + 1;
      return ymd(ny, nm, Math.min(day, daysInMonth(ny, nm)));
    },
    periodEnd(d) {
      let n = toNum(d);
      while (!workingNum(n)) n++;
      return fromNum(n);
    },
    workingDaysBetween(from, to) {
      const a = toNum(from);
      const b = toNum(to);
      if (a === b) return 0;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const base = yearOf(lo);
      const count = rank(hi, base) - rank(lo, base);
      return a < b ? count : -count;
    },
    holidays(year, lang) {
      if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
      return holidaysOf(year).map((h) => ({ day: fromNum(h.n), name: h.name[lang], moved: h.moved }));
    },
  };
}

function checkInt(n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number: ${n}`);
}

// ------------------------------------------------------------------ Sofia's dates of moments

/** The Sofia calendar date of a moment (31 December 23:30 in Sofia is still 31 December, whatever UTC says). */
export function sofiaDay(at: Date): Day {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid date');
  return new Date(t + sofiaOffset(at).minutes * 60_000).toISOString().slice(0, 10);
}

/**
 * 23:59:59.999 Sofia time on a date, as a moment: when a deadline that ends on that date ends.
 * Sofia changes its clocks at 03:00/04:00 local time, so the end of a day is never in a gap or an
 * overlap; the offset is that of the moment itself (found from a first guess, then checked).
 */
export function endOfSofiaDay(d: Day): Date {
  const wall = (toNum(d) + 1) * MS_PER_DAY - 1;
  let at = wall - sofiaOffset(new Date(wall)).minutes * 60_000;
  const again = wall - sofiaOffset(new Date(at)).minutes * 60_000;
  if (again !== at) at = again;
  return new Date(at);
}

// ------------------------------------------------------------------ with the swaps from the database

export { calendarDays };

/**
 * Another instance's change reaches this process within this time (this process's own changes
 * at once, through calendarChanged()).
 */
const RELOAD_MS = 60_000;

let generation = 0;
const loaded = new WeakMap<Orm, { generation: number; at: number; calendar: Promise<Calendar> }>();

/**
 * The calendar with the swaps stored in the database; cached per process until calendarChanged()
 * (or a minute). Inside a transaction pass it as `reader`: a cold read must go through the
 * transaction (PGlite runs one at a time: a read on the root client would wait for it forever).
 */
export async function loadCalendar(orm: Orm, reader: Orm | Tx = orm): Promise<Calendar> {
  const now = Date.now();
  const hit = loaded.get(orm);
  if (hit && hit.generation === generation && now - hit.at < RELOAD_MS) return hit.calendar;
  const entry = {
    generation,
    at: now,
    calendar: reader
      .select({ day: calendarDays.day, kind: calendarDays.kind, reference: calendarDays.reference })
      .from(calendarDays)
      .orderBy(asc(calendarDays.day))
      .then((rows) => buildCalendar(rows.map((r) => ({ day: String(r.day), kind: r.kind, reference: r.reference })))),
  };
  loaded.set(orm, entry);
  // A failed read is not kept.
  entry.calendar.catch(() => {
    if (loaded.get(orm) === entry) loaded.delete(orm);
  });
  return entry.calendar;
}

/** Drops the loaded calendars: the next loadCalendar() reads the swaps again. Call after every change to `calendar_days`. */
export function calendarChanged(): void {
  generation++;
}
