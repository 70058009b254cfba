import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/index.js';
import { buildCalendar, calendarChanged, calendarDays, sofiaDay, type Day, type DaySwap } from '../../platform/calendar/index.js';
import { recomputeAround } from '../deadlines/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { dayProblem, textProblem, cleanText } from '../../platform/errors/validation.js';
import { uniqueViolation } from './admin.service.js';

/*
 * The Council of Ministers' day swaps (issue 12): administrators enter them as dated exceptions to
 * the Labour Code's calendar, each with the act that decided it. Every change is audited in its
 * transaction and reaches the loaded calendars at once (calendarChanged).
 */

/** Swaps may be entered for these days only: the calendar's working range. */
export const SWAP_MIN = '2000-01-01';
export const SWAP_MAX = '2100-12-31';
export const SWAP_KINDS = ['working', 'holiday'] as const;
/** An act's reference ("РМС № 123/2026", or its title) is one line. */
export const REFERENCE_MAX = 300;

/** The calendar of the Labour Code alone: what a swap is checked against. */
const LAW = buildCalendar([]);

/** A stored swap, with who entered it and when. */
export interface SwapRow extends DaySwap {
  createdBy: string | null;
  createdAt: Date;
}

/** The year the page opens on: Sofia's current year, within the range. */
export function defaultYear(now: Date): number {
  return Math.min(2100, Math.max(2000, Number(sofiaDay(now).slice(0, 4))));
}

/** Reads ?year=: absent is the default; otherwise a whole number in 2000–2100, or VALIDATION naming `year`. */
export function parseYear(raw: unknown, now: Date): number {
  const v = typeof raw === 'string' ? raw.trim() : Array.isArray(raw) ? String(raw.at(-1) ?? '').trim() : '';
  if (!v) return defaultYear(now);
  if (!/^\d{1,6}$/.test(v)) throw new AppError('VALIDATION', { issues: [{ field: 'year', code: 'NOT_AN_INTEGER' }] });
  const y = Number(v);
  if (y < 2000 || y > 2100) throw new AppError('VALIDATION', { issues: [{ field: 'year', code: 'NUMBER_OUT_OF_RANGE', params: { min: 2000, max: 2100 } }] });
  return y;
}

/** The swaps of a year, in date order, with the username of whoever entered each. */
export async function swapsOfYear(orm: Orm, year: number): Promise<SwapRow[]> {
  const rows = await orm
    .select({ day: calendarDays.day, kind: calendarDays.kind, reference: calendarDays.reference, createdAt: calendarDays.createdAt, by: users.displayUsername, byName: users.username })
    .from(calendarDays)
    .leftJoin(users, eq(users.id, calendarDays.createdBy))
    .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
    .orderBy(asc(calendarDays.day));
  return rows.map((r) => ({ day: String(r.day), kind: r.kind, reference: r.reference, createdAt: r.createdAt, createdBy: r.by ?? r.byName ?? null }));
}

/** Checks a swap from the form: every problem named by its field, nothing read from the database. */
export function parseSwap(values: Record<string, string>): DaySwap {
  const issues: FieldIssue[] = [];
  const day = (values.day ?? '').trim();
  const kind = (values.kind ?? '').trim();
  const reference = cleanText(values.reference ?? '');
  if (!day) issues.push({ field: 'day', code: 'FIELD_REQUIRED' });
  else {
    const p = dayProblem(day, SWAP_MIN, SWAP_MAX);
    if (p) issues.push({ field: 'day', ...p });
  }
  if (!kind) issues.push({ field: 'kind', code: 'FIELD_REQUIRED' });
  else if (!(SWAP_KINDS as readonly string[]).includes(kind)) issues.push({ field: 'kind', code: 'NOT_IN_LIST' });
  const r = textProblem(reference, { max: REFERENCE_MAX });
  if (r) issues.push({ field: 'reference', ...r });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  return { day, kind: kind as DaySwap['kind'], reference };
}

const dayTaken = (): never => {
  throw new AppError('VALIDATION', { issues: [{ field: 'day', code: 'DAY_SWAP_EXISTS' }] });
};

/**
 * Enters a swap. Refused, naming `day`: a second swap on the same day; a "holiday" on a day the
 * law already makes non-working (a weekend or a holiday of art. 154, moved ones included); a
 * "working" day on a day that already is one.
 */
export async function addSwap(ctx: Ctx, actor: Actor, swap: DaySwap): Promise<void> {
  const orm = ctx.db.orm;
  const [existing] = await orm.select({ day: calendarDays.day }).from(calendarDays).where(eq(calendarDays.day, swap.day));
  if (existing) dayTaken();
  const working = LAW.isWorkingDay(swap.day);
  if (swap.kind === 'holiday' && !working) throw new AppError('VALIDATION', { issues: [{ field: 'day', code: 'DAY_ALREADY_OFF' }] });
  if (swap.kind === 'working' && working) throw new AppError('VALIDATION', { issues: [{ field: 'day', code: 'DAY_ALREADY_WORKING' }] });
  // Labour Code art. 154: a public holiday is not the Council of Ministers' to swap — only Saturdays and Sundays are.
  if (swap.kind === 'working' && LAW.holidayName(swap.day, 'bg') !== null) throw new AppError('VALIDATION', { issues: [{ field: 'day', code: 'DAY_IS_HOLIDAY' }] });
  await orm
    .transaction(async (tx) => {
      await tx.insert(calendarDays).values({ day: swap.day, kind: swap.kind, reference: swap.reference, createdBy: actor.id });
      await audit(tx, actor, { action: 'calendar.swap.add', entity: 'calendar_day', entityId: swap.day, after: { day: swap.day, kind: swap.kind, reference: swap.reference } });
    })
    // Two administrators entering the same day at once: the key decides, the second is told.
    .catch((err: unknown) => (uniqueViolation(err) !== null ? dayTaken() : Promise.reject(err)));
  calendarChanged();
  // Due dates already stored near the day follow the new calendar.
  await recomputeAround(ctx, swap.day);
}

/** Removes the swap of a day; NOT_FOUND when there is none. */
export async function removeSwap(ctx: Ctx, actor: Actor, day: Day): Promise<DaySwap> {
  const removed = await ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx.delete(calendarDays).where(eq(calendarDays.day, day)).returning();
    if (!row) throw new AppError('NOT_FOUND');
    const before = { day: String(row.day), kind: row.kind, reference: row.reference };
    await audit(tx, actor, { action: 'calendar.swap.remove', entity: 'calendar_day', entityId: before.day, before });
    return before;
  });
  calendarChanged();
  // Due dates already stored near the day follow the new calendar.
  await recomputeAround(ctx, day);
  return removed;
}
