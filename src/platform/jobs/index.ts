import PgBoss from 'pg-boss';
import type { Database, SqlExecutor, Tx } from '../db/index.js';
import { txExecutor } from '../db/index.js';

/** A background job handler; throwing makes pg-boss retry it with back-off. */
export type JobHandler<T> = (data: T) => Promise<void>;

/** Durable background jobs (NF-3) on pg-boss, in the platform's own database. */
export interface Jobs {
  /** Queues a job; with `tx` it is written in that transaction and exists only if it commits. */
  send<T extends object>(name: string, data: T, opts?: { tx?: Tx; startAfterSeconds?: number }): Promise<void>;
  /** Registers a worker for a queue (only when this process runs workers). */
  work<T extends object>(name: string, handler: JobHandler<T>): Promise<void>;
  stop(): Promise<void>;
  boss: PgBoss;
}

const QUEUE_DEFAULTS = { retryLimit: 12, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 };

/** Starts pg-boss on the database: through the PGlite executor, or with its own pool on a server. */
export async function startJobs(db: Database, opts: { runWorkers: boolean; queues: string[]; pollSeconds?: number; schema?: string }): Promise<Jobs> {
  const boss =
    db.kind === 'postgres'
      ? new PgBoss({ connectionString: db.url!, max: 4, schema: opts.schema, schedule: opts.runWorkers, supervise: opts.runWorkers })
      : new PgBoss({ db: db.raw as PgBoss.Db, schema: opts.schema, schedule: opts.runWorkers, supervise: opts.runWorkers });
  boss.on('error', (err) => {
    // pg-boss reports maintenance hiccups here; a lost connection is retried by pg-boss itself.
    process.emitWarning(`jobs: ${err instanceof Error ? err.message : String(err)}`);
  });
  await boss.start();
  for (const q of opts.queues) await boss.createQueue(q, { name: q, ...QUEUE_DEFAULTS });
  const pollingIntervalSeconds = opts.pollSeconds ?? 1;
  return {
    boss,
    async send(name, data, o = {}) {
      const options: PgBoss.SendOptions & { db?: SqlExecutor } = { ...QUEUE_DEFAULTS };
      if (o.startAfterSeconds) options.startAfter = o.startAfterSeconds;
      if (o.tx) options.db = txExecutor(o.tx);
      await boss.send(name, data, options as PgBoss.SendOptions);
    },
    async work(name, handler) {
      if (!opts.runWorkers) return;
      await boss.work(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data as never);
      });
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
