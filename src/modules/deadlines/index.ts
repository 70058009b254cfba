import { onCaseChange, onExpectedAnswers, onRegistration } from '../cases/index.js';
import { submitterExpectations } from './deadlines.present.js';
import { clocksOnChange, registrationClocks } from './deadlines.service.js';

/** Connects the legal clocks to the case model's registration and changes (cases.hooks.ts); idempotent. */
export function installDeadlines(): void {
  onRegistration(registrationClocks);
  onCaseChange(clocksOnChange);
  // The private page, the author's document page and My signals show the expected answer date.
  onExpectedAnswers(submitterExpectations);
}

export { caseClocks, clockNotices, deadlinePolicies } from './deadlines.tables.js';
export { seedDeadlinePolicies } from './deadlines.seed.js';
export { extendClock, mayAskClarification, awaitsClarification, clocksOf, clocksOfCases, policiesChanged, recomputeAround, type Extension } from './deadlines.service.js';
export type { ClockSpec } from './deadlines.policy.js';
export { DEADLINES_SWEEP, DEADLINES_DIGEST, OVERDUE_LOOKBACK_DAYS, deadlinesSweep, deadlinesDigest, runDeadlineSweep, runDeadlineDigest, type SweepResult } from './deadlines.jobs.js';
export { clockLine, submitterExpectations, type ClockLine } from './deadlines.present.js';
