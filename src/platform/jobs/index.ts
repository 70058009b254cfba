import { hostname } from 'node:os';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Database, Orm, SqlExecutor, Tx } from '../db/index.js';
import { txExecutor } from '../db/index.js';
import { jobRuns } from './jobs.tables.js';

export { jobRuns };

/** A background job handler; throwing makes pg-boss retry it with back-off. */
export type JobHandler<T> = (data: T) => Promise<void>;

/** Durable background jobs (NF-3) on pg-boss, in the platform's own database. */
export interface Jobs {
  /** Queues a job; with `tx` it is written in that transaction and exists only if it commits. */
  send<T extends object>(name: string, data: T, opts?: { tx?: Tx; startAfterSeconds?: number }): Promise<void>;
  /**
   * The statement that queues a job, not run: for a caller that sends it in a batch of its own
   * (Database.batch), so that the job exists exactly when the rest of that batch commits.
   */
  sendStatement<T extends object>(name: string, data: T): Promise<{ text: string; values: unknown[] }>;
  /**
   * Registers a worker for a queue (only when this process runs workers). With `batchSize`, jobs
   * are fetched and completed that many at a time; a failing one is retried alone.
   */
  work<T extends object>(name: string, handler: JobHandler<T>, opts?: { batchSize?: number }): Promise<void>;
  /**
   * Runs `handler` on a cron schedule once per tick for all instances on this job schema, and
   * records each run in `job_runs`. Only a process that runs workers registers the schedule.
   */
  schedule(name: string, cron: string, handler: JobHandler<object>, opts?: { tz?: string }): Promise<void>;
  stop(): Promise<void>;
  boss: PgBoss;
}

const QUEUE_DEFAULTS = { retryLimit: 12, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 };

/** This process, as recorded in `job_runs`. */
export const INSTANCE = `${hostname()}:${process.pid}`;

/** How long the record of a scheduled run is kept. */
export const JOB_RUNS_KEEP_DAYS = 30;

/** Options of startJobs. */
export interface JobsOptions {
  runWorkers: boolean;
  queues: string[];
  /** Poll interval of job workers, seconds. */
  pollSeconds?: number;
  schema?: string;
  /** How often schedules are checked and their jobs handed over, seconds; unset keeps pg-boss's 30 s and 5 s. */
  scheduleCheckSeconds?: number;
}

/** Starts pg-boss on the database: through the PGlite executor, or with its own pool on a server. */
export async function startJobs(db: Database, opts: JobsOptions): Promise<Jobs> {
  const timing: PgBoss.SchedulingOptions = opts.scheduleCheckSeconds
    ? { cronMonitorIntervalSeconds: opts.scheduleCheckSeconds, cronWorkerIntervalSeconds: opts.scheduleCheckSeconds }
    : {};
  const common = { schema: opts.schema, schedule: opts.runWorkers, supervise: opts.runWorkers, ...timing };
  const boss =
    db.kind === 'postgres'
      ? new PgBoss({ connectionString: db.url!, max: 4, ...common })
      : new PgBoss({ db: db.raw as PgBoss.Db, ...common });
  boss.on('error', (err) => {
    // pg-boss reports maintenance hiccups here; a lost connection is retried by pg-boss itself.
    process.emitWarning(`jobs: ${err instanceof Error ? err.message : String(err)}`);
  });
  // pg-boss creates a queue with an INSERT and then DDL on its tables, without a lock: instances
  // starting together deadlock there (seen with two processes). One at a time on a server.
  await oneAtATime(db, async () => {
    await boss.start();
    for (const q of opts.queues) await boss.createQueue(q, { name: q, ...QUEUE_DEFAULTS });
  });
  const pollingIntervalSeconds = opts.pollSeconds ?? 1;
  const jobs: Jobs = {
    boss,
    async send(name, data, o = {}) {
      const options: PgBoss.SendOptions & { db?: SqlExecutor } = { ...QUEUE_DEFAULTS };
      if (o.startAfterSeconds) options.startAfter = o.startAfterSeconds;
      if (o.tx) options.db = txExecutor(o.tx);
      await boss.send(name, data, options as PgBoss.SendOptions);
    },
    async sendStatement(name, data) {
      let captured: { text: string; values: unknown[] } | null = null;
      // pg-boss builds its one INSERT and hands it to the executor it is given: keep it instead.
      const capture: SqlExecutor = {
        async executeSql(text, values) {
          captured = { text, values: values ?? [] };
          return { rows: [{ id: null }] };
        },
      };
      await boss.send(name, data, { ...QUEUE_DEFAULTS, db: capture } as PgBoss.SendOptions);
      if (!captured) throw new Error(`jobs: pg-boss wrote no statement for ${name}`);
      return captured;
    },
    async work(name, handler, o = {}) {
      if (!opts.runWorkers) return;
      let workerId: string | undefined;
      const batchSize = o.batchSize ?? 1;
      workerId = await boss.work(name, { pollingIntervalSeconds, batchSize }, async (batch) => {
        if (batchSize === 1) for (const job of batch) await handler(job.data as never);
        else {
          // pg-boss fails or completes a batch as a whole: fail the jobs that failed on their own,
          // and the rest complete with the batch.
          for (const job of batch) {
            try {
              await handler(job.data as never);
            } catch (err) {
              await boss.fail(name, job.id, { message: err instanceof Error ? err.message : String(err) });
            }
          }
        }
        // pg-boss waits a whole polling interval after every batch, even when more jobs are due,
        // which holds a queue to one job per second per process (300 confirmations took 150 s
        // on two); while jobs keep coming, fetch the next at once and poll only when idle.
        if (workerId) boss.notifyWorker(workerId);
      });
    },
    async schedule(name, cron, handler, o = {}) {
      if (!opts.runWorkers) return;
      await jobs.work(name, recordedRun(db.orm, name, handler));
      await boss.schedule(name, cron, {}, { tz: o.tz ?? 'UTC' });
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
  return jobs;
}

const START_LOCK = 7311002;

/** Runs `fn` while holding an advisory lock of this database, so that instances take turns. */
async function oneAtATime(db: Database, fn: () => Promise<void>): Promise<void> {
  if (db.kind !== 'postgres') return fn();
  // A session lock lives on one connection, and pg-boss runs its statements on its own pool.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [START_LOCK]);
    await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [START_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** Wraps a scheduled job's handler so that each run leaves a row in `job_runs`. */
function recordedRun(orm: Orm, name: string, handler: JobHandler<object>): JobHandler<object> {
  return async (data) => {
    const [run] = await orm.insert(jobRuns).values({ name, instance: INSTANCE }).returning({ id: jobRuns.id });
    try {
      await handler(data);
    } catch (err) {
      await orm
        .update(jobRuns)
        .set({ finishedAt: sql`now()`, error: err instanceof Error ? err.message : String(err) })
        .where(eq(jobRuns.id, run!.id));
      throw err;
    }
    // The database's clock, like started_at, so that runs of different hosts compare.
    await orm.update(jobRuns).set({ finishedAt: sql`now()` }).where(eq(jobRuns.id, run!.id));
  };
}

/** Deletes the records of scheduled runs older than JOB_RUNS_KEEP_DAYS (by the database's clock, which wrote them). */
export async function pruneJobRuns(orm: Orm): Promise<void> {
  await orm.delete(jobRuns).where(sql`${jobRuns.startedAt} < now() - make_interval(days => ${JOB_RUNS_KEEP_DAYS})`);
}
