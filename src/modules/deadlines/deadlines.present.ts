import { and, eq, inArray } from 'drizzle-orm';
import type { Orm } from '../../platform/db/index.js';
import { sofiaDay, type Calendar, type Day } from '../../platform/calendar/index.js';
import { cases, type ExpectedAnswer } from '../cases/index.js';
import { daysBetween } from './deadlines.engine.js';
import type { ClockSpec, ExtensionSpec } from './deadlines.policy.js';
import { clocksOfCases } from './deadlines.service.js';
import type { caseClocks, ClockState } from './deadlines.tables.js';

/*
 * What pages show of the legal clocks (issue 12): each clock of a case as a line for staff, and the
 * date a submitter may expect an answer by. Pure presentation of the materialised rows: nothing here
 * computes a due date (the engine does, when the events happen).
 */

type ClockRecord = typeof caseClocks.$inferSelect;

/** One clock of a case as the staff case page shows it. */
export interface ClockLine {
  code: string;
  label: { bg: string; en: string };
  /** The legal source as a line of text ("чл. 28, ал. 1 ЗДОИ"); empty for the Municipality's own target. */
  source: string;
  /** A legal deadline, or an internal target (questions, letters; anonymous signals: АПК art. 111(4)). */
  legal: boolean;
  /** An internal target only because the document is anonymous (the same clock is legal otherwise). */
  anonymousTarget: boolean;
  state: ClockState;
  /** How the period is counted: working days, calendar days (months too), or hours. */
  counts: 'working_days' | 'calendar_days' | 'hours';
  dueOn: Day | null;
  dueAt: Date | null;
  /**
   * A running clock: what is left until the end of its due day, in its own units (0 on the day
   * itself); negative when overdue (how late). Null for clocks that do not run.
   */
  left: number | null;
  /** Running and its due moment has passed. */
  overdue: boolean;
  /** Calendar days added by extensions (ЗДОИ art. 30, 31). */
  extendedDays: number;
  pausedAt: Date | null;
  /** Paused until the submitter's clarification comes (ЗДОИ art. 29). */
  awaitsClarification: boolean;
  /** Running, and a request for a clarification would suspend it. */
  clarifiable: boolean;
  stoppedAt: Date | null;
  /** Stopped: answered by its due moment, or late. Null for clocks that have not stopped. */
  onTime: boolean | null;
  /** The extensions its policy allows and that have not been granted yet (each is granted once). */
  extensions: ExtensionSpec[];
}

/** A stored clock with its specification, as a line, seen at `now` (the app's clock). */
export function clockLine(row: ClockRecord, spec: ClockSpec, anonymous: boolean, cal: Calendar, now: Date): ClockLine {
  const len = anonymous && spec.anonymous !== 'none' ? spec.anonymous.target : spec.length;
  const counts = len.unit === 'working_days' ? 'working_days' : len.unit === 'hours' ? 'hours' : 'calendar_days';
  const running = row.state === 'running';
  let left: number | null = null;
  if (running && row.dueOn) {
    const today = sofiaDay(now);
    if (counts === 'hours' && row.dueAt) {
      const h = (row.dueAt.getTime() - now.getTime()) / 3_600_000;
      left = h >= 0 ? Math.ceil(h) : -Math.ceil(-h);
    } else left = counts === 'working_days' ? cal.workingDaysBetween(today, row.dueOn) : daysBetween(today, row.dueOn);
  }
  const overdue = running && row.dueAt !== null && row.dueAt.getTime() < now.getTime();
  return {
    code: row.code,
    label: spec.label,
    source: spec.source,
    legal: row.legal,
    anonymousTarget: !row.legal && anonymous && spec.anonymous !== 'none' && spec.source !== '',
    state: row.state,
    counts,
    dueOn: row.dueOn,
    dueAt: row.dueAt,
    // Overdue on the due day itself only for a clock in hours; a day-counted one is "0 left" all day.
    left: overdue && left === 0 ? -1 : left,
    overdue,
    extendedDays: row.extendedDays,
    pausedAt: row.pausedAt,
    awaitsClarification: row.state === 'paused' && spec.resumeOn.includes('clarified'),
    // Within the period only (ЗДОИ art. 29(1), 30(2), 31(4)): after its end nothing may hide the breach.
    clarifiable: running && !overdue && spec.pauseOn.includes('clarification_requested'),
    stoppedAt: row.stoppedAt,
    onTime: row.state === 'stopped' && row.stoppedAt ? row.dueAt === null || row.stoppedAt.getTime() <= row.dueAt.getTime() : null,
    extensions: overdue ? [] : spec.extensions.filter((e) => !(row.extensionCodes ?? []).includes(e.code)),
  };
}

/**
 * The date each submitter may expect an answer by (the hook of cases.hooks.ts): the earliest
 * running clock shown to the submitter, or — when the only such clock is paused — that the period
 * is suspended. One query for any number of cases (the policies are cached).
 */
export async function submitterExpectations(orm: Orm, caseIds: number[]): Promise<Map<number, ExpectedAnswer>> {
  const out = new Map<number, ExpectedAnswer>();
  if (!caseIds.length) return out;
  // An anonymous document can be answered to nobody (АПК art. 111(4)): no date is promised for it.
  const [clocks, anonymous] = await Promise.all([clocksOfCases(orm, caseIds), orm.select({ id: cases.id }).from(cases).where(and(inArray(cases.id, caseIds), eq(cases.anonymous, true)))]);
  const skip = new Set(anonymous.map((a) => Number(a.id)));
  for (const [id, list] of clocks) {
    if (skip.has(id)) continue;
    const shown = list.filter(({ spec, row }) => spec.shownToSubmitter && (row.state === 'running' || row.state === 'paused') && row.dueOn);
    if (!shown.length) continue;
    const running = shown
      .filter(({ row }) => row.state === 'running')
      .map(({ row }) => row.dueOn!)
      .sort();
    out.set(id, running.length ? { dueOn: running[0]!, paused: false } : { dueOn: shown[0]!.row.dueOn!, paused: true });
  }
  return out;
}
