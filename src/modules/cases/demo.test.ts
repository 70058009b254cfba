import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openDatabase, type Database } from '../../platform/db/index.js';
import { buildCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { seedDemoCases } from './cases.demo.js';

/*
 * The demo register (issue 12): its cases carry the clocks their policies give, so that the demo
 * inbox, case pages and overview show real deadlines — open ones running (some overdue), closed
 * ones stopped (some late), cases.due_at the earliest running one. The demo seeds only an empty
 * register: this file seeds a fresh copy of the test template of its own.
 */

let db: Database;
let drop: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  if (inject('backend') === 'pglite') {
    db = await openDatabase({ loadDataDir: new Blob([readFileSync(inject('templateFile'))]) });
    return;
  }
  // Named like the workers' copies, so the run's teardown drops it even if this file does not.
  const name = `sofia_w_${process.ppid}_demo_${process.pid}`;
  const admin = new pg.Client({ connectionString: inject('serverUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
  const u = new URL(inject('serverUrl'));
  u.pathname = `/${name}`;
  db = await openDatabase({ url: u.toString(), poolMax: 2 });
  drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}, 120_000);

afterAll(async () => {
  await db?.close();
  await drop();
});

interface Row {
  reg_number: string;
  kind: string;
  anonymous: boolean;
  registered_at: Date | string;
  closed_at: Date | string | null;
  case_due: Date | string | null;
  code: string | null;
  legal: boolean | null;
  state: string | null;
  due_on: string | null;
  due_at: Date | string | null;
  stopped_at: Date | string | null;
}

const ms = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());

describe('demo data', () => {
  test('1,000 demo cases over 90 days get the clocks their policies give', async () => {
    const now = new Date();
    expect(await seedDemoCases(db, 1000, now)).toBe(1000);
    const { rows } = await db.raw.executeSql(
      `SELECT c.reg_number, c.kind, c.anonymous, c.registered_at, c.closed_at, c.due_at AS case_due,
              k.code, k.legal, k.state, k.due_on::text AS due_on, k.due_at, k.stopped_at
         FROM cases c LEFT JOIN case_clocks k ON k.case_id = c.id ORDER BY c.id, k.id`,
      [],
    );
    const all = rows as Row[];
    const cal = buildCalendar([]);
    const byCase = new Map<string, Row[]>();
    for (const r of all) byCase.set(r.reg_number, [...(byCase.get(r.reg_number) ?? []), r]);
    expect(byCase.size).toBe(1000);

    let overdue = 0;
    let late = 0;
    let named = 0;
    for (const [number, list] of byCase) {
      const c = list[0]!;
      const regDay = sofiaDay(new Date(c.registered_at));
      // The clock that starts at registration, as the seeded policies say: a signal's decision in
      // 2 months (АПК art. 121), or the internal 30 days of an anonymous one (art. 111(4)); a
      // question's answer in 14 days.
      const first = list.find((r) => r.code === (c.kind === 'question' ? 'answer' : 'decision'));
      expect(first, number).toBeDefined();
      const due =
        c.kind === 'question' ? cal.periodEnd(cal.addCalendarDays(regDay, 14)) : c.anonymous ? cal.periodEnd(cal.addCalendarDays(regDay, 30)) : cal.periodEnd(cal.addMonths(regDay, 2));
      expect(first!.due_on, number).toBe(due);
      expect(first!.legal, number).toBe(c.kind === 'signal' && !c.anonymous);
      // The duty to inform: only for signals with a submitter, met by the answer's email.
      const inform = list.find((r) => r.code === 'inform');
      expect(!!inform, number).toBe(c.kind === 'signal' && !c.anonymous);
      if (!c.anonymous) named++;

      const running = list.filter((r) => r.state === 'running');
      if (c.closed_at === null) {
        expect(first!.state, number).toBe('running');
        expect(inform?.state ?? 'waiting', number).toBe('waiting');
        expect(ms(c.case_due), number).toBe(Math.min(...running.map((r) => ms(r.due_at)!)));
        if (ms(first!.due_at)! < now.getTime()) overdue++;
      } else {
        expect(running, number).toEqual([]);
        expect(c.case_due, number).toBeNull();
        expect(first!.state, number).toBe('stopped');
        expect(ms(first!.stopped_at), number).toBe(ms(c.closed_at));
        if (inform) expect(inform.state, number).toBe('stopped');
        if (ms(first!.stopped_at)! > ms(first!.due_at)!) late++;
      }
    }
    // Enough of each for the inbox, the pages and the overview to show them.
    expect(named).toBeGreaterThan(500);
    expect(named).toBeLessThan(800);
    expect(overdue).toBeGreaterThan(50);
    expect(late).toBeGreaterThan(5);
    // A second start seeds nothing more.
    expect(await seedDemoCases(db, 1000, now)).toBe(0);
  }, 60_000);
});
