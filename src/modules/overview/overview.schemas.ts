import { z } from 'zod';

/** The periods the overview offers, in days back from now; 'all' has no lower bound. */
export const PERIODS = ['30', '90', '365', 'all'] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = '365';

/**
 * The overview's filters, as the page's GET form, the CSV and the API send them. Values stay
 * strings so that a bad one is reported by name (never coerced into something else); existence
 * of the district and the category is checked by the service.
 */
export const OverviewQuery = z.object({
  period: z.enum(PERIODS).default(DEFAULT_PERIOD).describe('Registered in the last 30, 90 or 365 days, or all; default 365'),
  district: z
    .string()
    .regex(/^\d{2}$/)
    .optional()
    .describe('District number "01".."24"; absent: all districts'),
  category: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .optional()
    .describe('Category id from GET /api/v1/catalog; absent: all categories'),
  lang: z.enum(['bg', 'en']).optional().describe('Language of names; default bg'),
});
export type OverviewQueryInput = z.input<typeof OverviewQuery>;

const count = z.number().int().min(0);
const median = z.number().nullable().describe('Median in days (one decimal); null when no case has the date');

const OpenClosed = {
  name: z.string(),
  registered: count.describe('Registered in the period'),
  open: count.describe('Of those, still open'),
  closed: count.describe('Of those, closed (resolved, rejected, duplicate …)'),
};

/** Issue 12: the legal deadlines of the public documents (internal targets are not counted). */
const LegalDeadlines = z
  .object({
    decided: count.describe('Legal deadlines that ended with an answer in the period'),
    onTime: count.describe('Of those, answered by the end of the due date'),
    onTimeShare: z.number().min(0).max(1).nullable().describe('onTime / decided (three decimals); null when none ended'),
    late: count.describe('Of those, answered after the due date'),
    medianDaysLate: median.describe('Median calendar days late of the late ones; null when none was late'),
    overdueNow: count.describe('Legal deadlines of open documents that have passed now (whenever registered)'),
  })
  .describe('Legal deadlines (e.g. 2 months for a decision on a signal, АПК art. 121(1)); anonymous signals have none (АПК art. 111(4))');

/** The overview as the API answers it (CC-7): only public, visible signals and questions. */
export const OverviewResponse = z.object({
  filter: z.object({
    period: z.enum(PERIODS),
    district: z.string().nullable(),
    category: z.number().int().nullable(),
  }),
  from: z.string().nullable().describe('Start of the period, ISO 8601; null for all'),
  to: z.string().describe('End of the period (the time of computation), ISO 8601'),
  generatedAt: z.string().describe('When the numbers were computed; they are kept for 5 minutes'),
  totals: z.object({
    registered: count,
    open: count,
    closed: count,
    medianDaysToFirstAnswer: median,
    answered: count.describe('Cases the first-answer median is based on'),
    medianDaysToClosure: median,
    closedWithDate: count.describe('Cases the closure median is based on'),
    legalDeadlines: LegalDeadlines,
  }),
  categories: z.array(z.object({ id: z.number().int().nullable(), code: z.string().nullable(), ...OpenClosed })),
  districts: z.array(z.object({ code: z.string().nullable().describe('District number; null: no district (e.g. questions)'), ...OpenClosed })),
  statuses: z.array(z.object({ code: z.string(), name: z.string(), open: z.boolean(), registered: count })),
  units: z.array(
    z.object({
      code: z.string().nullable().describe('Unit code; null: not yet routed'),
      name: z.string(),
      registered: count,
      medianDaysToFirstAnswer: median,
      answered: count,
      medianDaysToClosure: median,
      closedWithDate: count,
      legalDeadlines: LegalDeadlines,
    }),
  ),
  weeks: z
    .array(
      z.object({
        week: z.string().describe('ISO week in Sofia, e.g. 2026-W07'),
        start: z.string().describe('Its Monday, YYYY-MM-DD'),
        registered: count,
        closed: count.describe('Cases closed during that week (whenever registered)'),
      }),
    )
    .describe('The last 26 ISO weeks (Europe/Sofia), oldest first; district and category filters apply, the period does not'),
});
export type OverviewJson = z.infer<typeof OverviewResponse>;
