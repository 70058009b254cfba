import { z } from 'zod';

/**
 * What a deadline policy is made of: clocks, each a period that starts at an event, may pause and
 * resume, may be extended within the law's limits, and stops at the event that answers it. All of
 * it is data (deadline_policies.clocks), validated by these schemas when an administrator edits it.
 */

/** How a period is counted. "hours" is for "immediately" (a configurable number of hours). */
export const LengthUnit = z.enum(['calendar_days', 'working_days', 'months', 'hours']);
export type LengthUnit = z.infer<typeof LengthUnit>;

export const Length = z.object({
  unit: LengthUnit,
  n: z.number().int().min(1).max(3650).describe('How many units; at least 1'),
});
export type Length = z.infer<typeof Length>;

/**
 * Events clocks react to: history entries by type, and "closed" — the case reached a closed
 * status (answered and closed, notified, rejected, a duplicate).
 */
export const CLOCK_EVENTS = ['registered', 'answer', 'status', 'rejected', 'duplicate', 'redirected', 'closed', 'notified', 'clarification_requested', 'clarified', 'left_without_consideration'] as const;
export const ClockEvent = z.enum(CLOCK_EVENTS);
export type ClockEvent = z.infer<typeof ClockEvent>;

const Label = z.object({ bg: z.string().min(1).max(200), en: z.string().min(1).max(200) });

/** An extension the law allows (e.g. ЗДОИ art. 30: up to 10 days for a large volume). */
export const ExtensionSpec = z.object({
  code: z.string().regex(/^[a-z_]{2,30}$/),
  label: Label,
  /** The legal source, as a line of text ("чл. 30, ал. 1 ЗДОИ"). */
  source: z.string().max(200),
  /** The most calendar days it may add. */
  maxDays: z.number().int().min(1).max(365),
  /** The submitter must be told in writing (an email with the reason and the new date). */
  notice: z.boolean(),
});
export type ExtensionSpec = z.infer<typeof ExtensionSpec>;

export const ClockSpec = z.object({
  code: z.string().regex(/^[a-z_]{2,30}$/),
  label: Label,
  /** The legal source, shown with the date ("чл. 28, ал. 1 ЗДОИ"); empty for an internal target. */
  source: z.string().max(200),
  length: Length,
  /** When it starts: at registration, or at a later event (the duty to inform starts with the decision). */
  start: z.array(ClockEvent).min(1),
  /** What answers it. */
  stopOn: z.array(ClockEvent).min(1),
  /** Events that suspend it, and those that let it run again. */
  pauseOn: z.array(ClockEvent).default([]),
  resumeOn: z.array(ClockEvent).default([]),
  /** On resume: the whole period runs again from that day (ЗДОИ art. 29(2)), or the paused days are added. */
  onResume: z.enum(['restart', 'extend']).default('extend'),
  /** Paused longer than this, the document is left without consideration (ЗДОИ art. 29(2): 30 days). */
  expireAfterPause: Length.optional(),
  extensions: z.array(ExtensionSpec).default([]),
  /** Answered at once when the submitter gave an email: the answer's email is the written notice. */
  satisfiedByEmail: z.boolean().default(false),
  /** The submitter sees its date on the private page and in My signals ("expect an answer by …"). */
  shownToSubmitter: z.boolean().default(false),
  /**
   * For anonymous documents: АПК art. 111(4) opens no proceedings, so no legal deadline runs; the
   * city still fixes the pothole, so an internal target does (or none).
   */
  anonymous: z.union([z.literal('none'), z.object({ target: Length })]).default('none'),
});
export type ClockSpec = z.infer<typeof ClockSpec>;

/** A policy's clocks, as administrators edit them. */
export const PolicyClocks = z.array(ClockSpec).min(1).max(10);
