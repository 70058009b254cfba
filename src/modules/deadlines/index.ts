import { onCaseChange, onRegistration } from '../cases/index.js';
import { clocksOnChange, registrationClocks } from './deadlines.service.js';

/** Connects the legal clocks to the case model's registration and changes (cases.hooks.ts); idempotent. */
export function installDeadlines(): void {
  onRegistration(registrationClocks);
  onCaseChange(clocksOnChange);
}

export { caseClocks, clockNotices, deadlinePolicies } from './deadlines.tables.js';
export { seedDeadlinePolicies } from './deadlines.seed.js';
export { extendClock, mayAskClarification, awaitsClarification, expectedAnswer, expectedAnswers, clocksOf, clocksOfCases, policiesChanged, type Extension } from './deadlines.service.js';
export type { ClockSpec } from './deadlines.policy.js';
