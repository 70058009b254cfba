import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per run of a scheduled job, with the instance that ran it: the evidence that a schedule
 * runs once per tick for all instances together, not once per instance.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** hostname:pid of the process that ran it. */
    instance: text('instance').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    /** Null while running, or when the process died during the run. */
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Why the run failed (pg-boss then retries it, which is a further run). */
    error: text('error'),
  },
  (t) => [index('job_runs_started_at_idx').on(t.startedAt)],
);
