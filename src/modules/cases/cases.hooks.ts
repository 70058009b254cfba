import type { SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';

/**
 * Where modules above the case model add their part to a case's life without the case model
 * knowing them (arrows point down: deadlines → cases). A registration asks the registration hook
 * for more members of its one statement; a change of a case (a staff action) tells every change
 * hook inside its transaction. Each hook is installed once per process, idempotently.
 */

/** What a module may need to know about a case being registered. */
export interface RegistrationInfo {
  kind: string;
  typeId: number | null;
  unitId: number | null;
  anonymous: boolean;
  hasEmail: boolean;
  /** This process's clock: the registration moment itself is the database's (cases.store.ts). */
  now: Date;
}

/**
 * More members of the registration's WITH statement. `before` members come after the counter step
 * (`n`, whose `last_at` is the registration moment) and before the case insert (`c`); `caseValues`
 * are columns of the case computed from them; `after(caseId)` members insert rows of the module's
 * own tables for the new case.
 */
export interface RegistrationExtension {
  before: SQL[];
  caseValues: { dueAt?: SQL };
  after: (caseId: SQL) => SQL[];
}

export type RegistrationHook = (ctx: Ctx, info: RegistrationInfo) => Promise<RegistrationExtension | null>;

/** A change of a case, as the history entries and states it produced. */
export interface CaseChange {
  caseId: number;
  kind: string;
  anonymous: boolean;
  hasEmail: boolean;
  /** The history entry's type, and "closed" when the change closed the case, "notified" for that status. */
  events: string[];
  /** The database moment of the change. */
  at: Date;
}

export type ChangeHook = (tx: Tx, ctx: Ctx, change: CaseChange) => Promise<void>;

let registrationHook: RegistrationHook | null = null;
const changeHooks = new Set<ChangeHook>();

/** Installs the registration hook (one module owns it). */
export function onRegistration(hook: RegistrationHook): void {
  registrationHook = hook;
}

/** Adds a change hook; adding the same function again changes nothing. */
export function onCaseChange(hook: ChangeHook): void {
  changeHooks.add(hook);
}

/** The registration's extension, or null. */
export async function registrationExtension(ctx: Ctx, info: RegistrationInfo): Promise<RegistrationExtension | null> {
  return registrationHook ? registrationHook(ctx, info) : null;
}

/** Tells every change hook about a change, inside its transaction. */
export async function caseChanged(tx: Tx, ctx: Ctx, change: CaseChange): Promise<void> {
  for (const h of changeHooks) await h(tx, ctx, change);
}

/**
 * When the submitter may expect an answer (issue 12): the due date of the earliest running clock
 * shown to them, or `paused` while the period is suspended (a clarification was asked for). The
 * pages of the case model (the private link, the author's document, My signals) ask the module
 * that keeps the clocks through this hook.
 */
export interface ExpectedAnswer {
  /** A Sofia date, 'YYYY-MM-DD'. */
  dueOn: string;
  paused: boolean;
}

export type ExpectedAnswersHook = (orm: Orm, caseIds: number[]) => Promise<Map<number, ExpectedAnswer>>;

let expectedHook: ExpectedAnswersHook | null = null;

/** Installs the expected-answer hook (one module owns it). */
export function onExpectedAnswers(hook: ExpectedAnswersHook): void {
  expectedHook = hook;
}

/** The expected answers of some cases, by case id (one query for a page); none without the hook. */
export async function expectedAnswersOf(orm: Orm, caseIds: number[]): Promise<Map<number, ExpectedAnswer>> {
  return expectedHook && caseIds.length ? expectedHook(orm, caseIds) : new Map();
}
