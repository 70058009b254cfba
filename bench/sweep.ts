/**
 * The reminder sweep's search, timed for the bench (issue 12: "finding all clocks due for a reminder
 * in one run takes < 1 s with 100,000 open documents").
 */
import pg from 'pg';
import type { Database } from '../src/platform/db/index.js';
import { endOfSofiaDay, loadCalendar, sofiaDay } from '../src/platform/calendar/index.js';
import { OVERDUE_LOOKBACK_DAYS } from '../src/modules/deadlines/deadlines.jobs.js';
import { policies } from '../src/modules/deadlines/deadlines.service.js';

/**
 * The reminder sweep's search (src/modules/deadlines/deadlines.jobs.ts, its windows as one range):
 * running clocks of open documents that are overdue within the look-back, due today, or due by the
 * end of the second working day from today, without a notice for that step and due date yet. The
 * partial index case_clocks_running_due_idx (state = 'running', by due_at) makes it one range scan
 * whatever the number of open documents.
 */
export function sweepQuery(now: Date, cal: { addWorkingDays(d: string, n: number): string }): { text: string; values: string[] } {
  const today = sofiaDay(now);
  return {
    text: `SELECT k.id, k.case_id, s.step, k.due_on
           FROM case_clocks k
           JOIN cases c ON c.id = k.case_id
           CROSS JOIN LATERAL (SELECT CASE WHEN k.due_at < $2::timestamptz THEN 'overdue' WHEN k.due_at <= $3::timestamptz THEN 'due' ELSE 'before' END AS step) s
           WHERE k.state = 'running' AND k.due_at >= $1::timestamptz AND k.due_at <= $4::timestamptz
             AND c.closed_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM clock_notices n WHERE n.clock_id = k.id AND n.step = s.step || ':' || k.due_on::text)`,
    values: [new Date(now.getTime() - OVERDUE_LOOKBACK_DAYS * 86_400_000), now, endOfSofiaDay(today), endOfSofiaDay(cal.addWorkingDays(today, 2))].map((d) => d.toISOString()),
  };
}

/**
 * Times the sweep's search (median and max of 5 runs after one unreported) and checks its plan. On
 * the server, a register with fewer than `open` open documents gets closed ones reopened (their
 * registration clocks running again, with the due dates they had) for the measurement, in a
 * transaction rolled back afterwards; PGlite measures the register as loaded.
 */
export async function sweepProbe(db: Database, serverUrl: string | undefined, open: number): Promise<{ open: number; running: number; reopened: number; found: number; ms: number; maxMs: number; indexUsed: boolean }> {
  const cal = await loadCalendar(db.orm);
  const q = sweepQuery(new Date(), cal);
  let run: (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;
  let done: () => Promise<void> = async () => undefined;
  let reopened = 0;
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    run = async (text, values = []) => (await client.query(text, values)).rows;
    await run('BEGIN');
    done = async () => {
      await run('ROLLBACK');
      await client.end();
    };
  } else {
    run = async (text, values = []) => (await db.raw.executeSql(text, values)).rows;
  }
  try {
    const count = async () => Number((await run('SELECT count(*)::int AS n FROM cases WHERE closed_at IS NULL'))[0]!.n);
    let openNow = await count();
    if (open > openNow) {
      // The clocks that start at registration (the decision, the answer), as the policies say.
      const p = await policies(db.orm);
      const codes = [...new Set(p.all.flatMap((x) => x.clocks.filter((c) => c.start.includes('registered')).map((c) => c.code)))];
      const [r] = await run(
        `WITH pick AS (
           SELECT c.id FROM cases c
           WHERE c.closed_at IS NOT NULL AND EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND k.state = 'stopped' AND k.code = ANY($2::text[]))
           ORDER BY random() LIMIT $1),
         reopened AS (UPDATE cases c SET closed_at = NULL FROM pick WHERE c.id = pick.id RETURNING c.id),
         running AS (UPDATE case_clocks k SET state = 'running', stopped_at = NULL FROM reopened r
                     WHERE k.case_id = r.id AND k.state = 'stopped' AND k.code = ANY($2::text[]) RETURNING k.case_id)
         SELECT (SELECT count(*)::int FROM reopened) AS n`,
        [open - openNow, codes],
      );
      reopened = Number(r!.n);
      await run('ANALYZE cases');
      await run('ANALYZE case_clocks');
      openNow = await count();
    }
    const [{ n: running }] = (await run("SELECT count(*)::int AS n FROM case_clocks WHERE state = 'running'")) as [{ n: number }];
    const plan = JSON.stringify(await run(`EXPLAIN (FORMAT JSON) ${q.text}`, q.values));
    let rows = (await run(q.text, q.values)).length;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      rows = (await run(q.text, q.values)).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { open: openNow, running: Number(running), reopened, found: rows, ms: times[2]!, maxMs: times[4]!, indexUsed: plan.includes('case_clocks_running_due_idx') };
  } finally {
    await done();
  }
}
