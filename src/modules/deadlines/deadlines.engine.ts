import { endOfSofiaDay, sofiaDay, type Calendar, type Day } from '../../platform/calendar/index.js';
import type { ClockEvent, ClockSpec, Length } from './deadlines.policy.js';
import type { ClockState } from './deadlines.tables.js';

/**
 * The arithmetic of legal clocks, pure: given a calendar, when a period that runs from a day ends.
 * Rules with their sources:
 * - a period in days or months runs from the day after the event (ГПК чл. 60, ал. 1–3, as АПК
 *   чл. 222 applies it) and one that ends on a non-working day ends on the next working day
 *   (ГПК чл. 60, ал. 6);
 * - a period in working days counts working days only;
 * - "immediately" is a number of hours from the moment itself;
 * - a deadline ends at the end of its last day, Sofia time.
 */
export function dueOf(len: Length, from: { day: Day; at: Date }, cal: Calendar): { dueOn: Day; dueAt: Date } {
  switch (len.unit) {
    case 'hours': {
      const dueAt = new Date(from.at.getTime() + len.n * 3600_000);
      return { dueOn: sofiaDay(dueAt), dueAt };
    }
    case 'working_days': {
      const dueOn = cal.addWorkingDays(from.day, len.n);
      return { dueOn, dueAt: endOfSofiaDay(dueOn) };
    }
    case 'months': {
      const dueOn = cal.periodEnd(cal.addMonths(from.day, len.n));
      return { dueOn, dueAt: endOfSofiaDay(dueOn) };
    }
    case 'calendar_days': {
      const dueOn = cal.periodEnd(cal.addCalendarDays(from.day, len.n));
      return { dueOn, dueAt: endOfSofiaDay(dueOn) };
    }
  }
}

/** A clock as it is stored (case_clocks), without its ids. */
export interface ClockRow {
  code: string;
  legal: boolean;
  state: ClockState;
  startedOn: Day | null;
  dueOn: Day | null;
  dueAt: Date | null;
  pausedAt: Date | null;
  extendedDays: number;
  extensions: number;
  /** The extensions granted, by code: each once. */
  extensionCodes: string[];
  stoppedAt: Date | null;
}

/** What the clocks of a new case need to know about it. */
export interface NewCase {
  at: Date;
  anonymous: boolean;
  hasEmail: boolean;
}

/** The length a clock runs for this case, or null when it does not run for it at all (anonymous, no target). */
function lengthFor(spec: ClockSpec, anonymous: boolean): Length | null {
  if (!anonymous) return spec.length;
  return spec.anonymous === 'none' ? null : spec.anonymous.target;
}

function started(spec: ClockSpec, c: NewCase, at: Date, cal: Calendar, len: Length): ClockRow {
  const day = sofiaDay(at);
  const { dueOn, dueAt } = dueOf(len, { day, at }, cal);
  const base: ClockRow = { code: spec.code, legal: !c.anonymous && spec.source !== '', state: 'running', startedOn: day, dueOn, dueAt, pausedAt: null, extendedDays: 0, extensions: 0, extensionCodes: [], stoppedAt: null };
  // The answer's email is the written notice: a duty to inform is met the moment it starts.
  return spec.satisfiedByEmail && c.hasEmail ? { ...base, state: 'stopped', stoppedAt: at } : base;
}

/** The clocks of a case at its registration: those that start then run, the others wait for their event. */
export function clocksAtRegistration(specs: ClockSpec[], c: NewCase, cal: Calendar): ClockRow[] {
  const out: ClockRow[] = [];
  for (const spec of specs) {
    const len = lengthFor(spec, c.anonymous);
    if (!len) continue;
    if (spec.start.includes('registered')) out.push(started(spec, c, c.at, cal, len));
    else out.push({ code: spec.code, legal: !c.anonymous && spec.source !== '', state: 'waiting', startedOn: null, dueOn: null, dueAt: null, pausedAt: null, extendedDays: 0, extensions: 0, extensionCodes: [], stoppedAt: null });
  }
  return out;
}

/**
 * One clock after the events of one change of its case (a staff action: its history entry and,
 * when the case closed, "closed"). Answers the new row, or null when nothing changed.
 */
export function afterEvents(row: ClockRow, spec: ClockSpec, events: readonly ClockEvent[], c: NewCase & { at: Date }, cal: Calendar): ClockRow | null {
  const has = (list: readonly ClockEvent[]) => events.some((e) => list.includes(e));
  const at = c.at;
  const day = sofiaDay(at);
  const len = lengthFor(spec, c.anonymous);
  if (!len) return null;
  switch (row.state) {
    case 'waiting':
      return has(spec.start) ? started(spec, c, at, cal, len) : null;
    case 'running':
      if (has(spec.stopOn)) return { ...row, state: 'stopped', stoppedAt: at };
      if (has(spec.pauseOn)) return { ...row, state: 'paused', pausedAt: at };
      return null;
    case 'paused':
      if (has(spec.stopOn)) return { ...row, state: 'stopped', stoppedAt: at };
      if (!has(spec.resumeOn)) return null;
      if (spec.onResume === 'restart') {
        // ЗДОИ art. 29(2): the period runs again, whole, from the day the clarification came.
        const { dueOn, dueAt } = dueOf(len, { day, at }, cal);
        const extended = row.extendedDays ? cal.periodEnd(cal.addCalendarDays(dueOn, row.extendedDays)) : dueOn;
        return { ...row, state: 'running', startedOn: day, dueOn: extended, dueAt: row.extendedDays ? endOfSofiaDay(extended) : dueAt, pausedAt: null };
      }
      {
        // The days it stood still are added to it.
        const paused = Math.max(0, daysBetween(sofiaDay(row.pausedAt!), day));
        const dueOn = cal.periodEnd(cal.addCalendarDays(row.dueOn!, paused));
        return { ...row, state: 'running', dueOn, dueAt: endOfSofiaDay(dueOn), pausedAt: null };
      }
    default:
      return null;
  }
}

/** Extends a running or paused clock by calendar days (ЗДОИ art. 30, 31): the new due date, still ending on a working day. */
export function extended(row: ClockRow, days: number, cal: Calendar, code: string): ClockRow {
  const dueOn = cal.periodEnd(cal.addCalendarDays(row.dueOn!, days));
  return { ...row, dueOn, dueAt: endOfSofiaDay(dueOn), extendedDays: row.extendedDays + days, extensions: row.extensions + 1, extensionCodes: [...row.extensionCodes, code] };
}

/** Calendar days from one date to another. */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
