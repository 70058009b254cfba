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
export function dueOf(len: Length, from: { day: Day; at: Date }, cal: Calendar, extraDays = 0): { dueOn: Day; dueAt: Date } {
  if (len.unit === 'hours') {
    const dueAt = new Date(from.at.getTime() + len.n * 3600_000 + extraDays * 86_400_000);
    return { dueOn: sofiaDay(dueAt), dueAt };
  }
  // The period's own end, before any moving off a non-working day: an extension lengthens the
  // period itself (ЗДОИ art. 30, 31), and only the end of the lengthened period moves, once.
  const raw = len.unit === 'working_days' ? cal.addWorkingDays(from.day, len.n) : len.unit === 'months' ? cal.addMonths(from.day, len.n) : cal.addCalendarDays(from.day, len.n);
  const dueOn = cal.periodEnd(extraDays ? cal.addCalendarDays(raw, extraDays) : raw);
  return { dueOn, dueAt: endOfSofiaDay(dueOn) };
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
  // Only starting and restarting need the length: a running clock stops whatever the case became.
  const len = lengthFor(spec, c.anonymous);
  switch (row.state) {
    case 'waiting': {
      if (!len || !has(spec.start)) return null;
      const now = started(spec, c, at, cal, len);
      // A change that starts a clock may also answer it (a decision notified in the same step).
      return now.state === 'running' && has(spec.stopOn) ? { ...now, state: 'stopped', stoppedAt: at } : now;
    }
    case 'running':
      if (has(spec.stopOn)) return { ...row, state: 'stopped', stoppedAt: at };
      if (has(spec.pauseOn)) return { ...row, state: 'paused', pausedAt: at };
      return null;
    case 'paused': {
      if (has(spec.stopOn)) return { ...row, state: 'stopped', stoppedAt: at };
      if (!len || !has(spec.resumeOn)) return null;
      if (spec.onResume === 'restart') {
        // ЗДОИ art. 29(2): the period runs again, whole, from the day the clarification came.
        const { dueOn, dueAt } = dueOf(len, { day, at }, cal, row.extendedDays);
        return { ...row, state: 'running', startedOn: day, dueOn, dueAt, pausedAt: null };
      }
      // The days it stood still are added to the period.
      const extra = row.extendedDays + Math.max(0, daysBetween(sofiaDay(row.pausedAt!), day));
      const { dueOn, dueAt } = len.unit === 'hours' ? dueOf(len, { day, at: new Date(row.dueAt!.getTime() - len.n * 3600_000) }, cal, extra) : dueOf(len, { day: row.startedOn!, at }, cal, extra);
      return { ...row, state: 'running', dueOn, dueAt, extendedDays: extra, pausedAt: null };
    }
    default:
      return null;
  }
}

/**
 * Extends a running or paused clock by calendar days (ЗДОИ art. 30, 31): the period itself is
 * lengthened, and only the end of the lengthened period moves off a non-working day.
 */
export function extended(row: ClockRow, len: Length, days: number, cal: Calendar, code: string): ClockRow {
  const extra = row.extendedDays + days;
  const { dueOn, dueAt } =
    len.unit === 'hours' ? { dueAt: new Date(row.dueAt!.getTime() + days * 86_400_000), dueOn: sofiaDay(new Date(row.dueAt!.getTime() + days * 86_400_000)) } : dueOf(len, { day: row.startedOn!, at: row.dueAt! }, cal, extra);
  return { ...row, dueOn, dueAt, extendedDays: extra, extensions: row.extensions + 1, extensionCodes: [...row.extensionCodes, code] };
}

/** Calendar days from one date to another. */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
