import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { App } from '../../app.js';
import { formatDateTime } from '../../platform/i18n/index.js';
import { sqlDateTime } from '../../platform/register/index.js';
import { SubmitCaseBody, submitCase } from './index.js';
import { extraApp, sessionSetting, setDatabaseClock, testApp, testConfig } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';
import { ip } from '../../../test/accounts.factories.js';

/**
 * Issue 11, defect 11: the registration moment and year come from the database's clock inside
 * the numbering statement, so order and date agree whichever instance registers; date filters
 * read days in Sofia's zone whatever the session's TimeZone.
 */

let app: App;
const extra: App[] = [];
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await setDatabaseClock(null);
  await sessionSetting('TimeZone', null);
  for (const a of extra) await a.close();
});

describe('time from the database (issue 11)', () => {
  test('two instances whose clocks differ by 5 minutes register in turn across Sofia’s midnight of 31 December: numbers and dates agree', async () => {
    // 23:59:58 in Sofia on 31 December by the database's clock; one instance runs 5 minutes behind,
    // the other 5 ahead. Years no other test registers in: a register never gives a moment earlier
    // than its last one, so a test must not leave a real year's counter in the future.
    const midnight = Date.parse('2040-12-31T22:00:00Z');
    await setDatabaseClock(new Date(midnight - 2_000));
    const shift = midnight - 2_000 - Date.now();
    const behind = await extraApp({ now: () => new Date(Date.now() + shift - 5 * 60_000), config: testConfig({ jobsSchema: 'pgboss_clock_a' }), runWorkers: false });
    const ahead = await extraApp({ now: () => new Date(Date.now() + shift + 5 * 60_000), config: testConfig({ jobsSchema: 'pgboss_clock_b' }), runWorkers: false });
    extra.push(behind, ahead);
    const numbers: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const inst = i % 2 ? ahead : behind;
        const res = await inst.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          payload: { kind: 'question', categoryId: (await types(app)).plain.categoryId, typeId: (await types(app)).plain.id, description: `Въпрос ${i} около Нова година`, email: `nova.${i}.${Date.now()}@example.bg` },
          remoteAddress: ip(),
        });
        expect(res.statusCode, res.body).toBe(201);
        numbers.push(res.json().number);
        await new Promise((r) => setTimeout(r, 450));
      }
    } finally {
      await setDatabaseClock(null);
    }
    const { rows } = await app.ctx.db.raw.executeSql(
      `SELECT c.reg_number, c.reg_year, c.reg_seq, c.registered_at, o.text
         FROM cases c LEFT JOIN mail_outbox o ON o."to" = c.submitter_email
        WHERE c.reg_number = ANY($1::text[])`,
      [numbers],
    );
    expect(rows).toHaveLength(10);
    type R = { reg_number: string; reg_year: number; reg_seq: number; registered_at: Date | string; text: string };
    const byNumber = new Map((rows as R[]).map((r) => [r.reg_number, r]));
    const years = new Set<number>();
    let last: { year: number; seq: number; at: number } | null = null;
    // In the order they were registered, one after the other:
    for (const n of numbers) {
      const r = byNumber.get(n)!;
      const at = new Date(r.registered_at);
      const sofiaYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Sofia', year: 'numeric' }).format(at));
      // the number's year is the Sofia year of its own moment,
      expect(r.reg_number.startsWith(`СО${String(sofiaYear).slice(2)}-`), `${r.reg_number} at ${at.toISOString()}`).toBe(true);
      expect(r.reg_year).toBe(sofiaYear);
      if (last) {
        // a later registration never has an earlier moment nor an earlier year's number,
        expect(at.getTime(), `${n} after a number of ${new Date(last.at).toISOString()}`).toBeGreaterThanOrEqual(last.at);
        expect(sofiaYear).toBeGreaterThanOrEqual(last.year);
        if (sofiaYear === last.year) expect(r.reg_seq).toBeGreaterThan(last.seq);
      }
      last = { year: sofiaYear, seq: r.reg_seq, at: at.getTime() };
      years.add(sofiaYear);
      // and the confirmation email says the same moment as the pages do.
      expect(r.text).toContain(formatDateTime(at, 'bg'));
    }
    // The run crossed the new year by the database's clock, whatever the instances' clocks said.
    expect([...years].sort()).toEqual([2040, 2041]);
  }, 60_000);

  test('the registration moment in an email reads as the pages write it, in both languages, around the clock changes', async () => {
    const instants = ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-09-15T21:05:00Z', '2026-12-31T22:00:00Z', '2027-01-01T07:09:00Z'];
    for (const iso of instants) {
      for (const lang of ['bg', 'en'] as const) {
        const rows = (await app.ctx.db.orm.execute(sql`SELECT ${sqlDateTime(sql`${iso}::timestamptz`, lang)} AS t`)) as unknown as { rows?: { t: string }[] } | { t: string }[];
        const list = Array.isArray(rows) ? rows : rows.rows!;
        expect(list[0]!.t, `${iso} ${lang}`).toBe(formatDateTime(new Date(iso), lang));
      }
    }
  });

  test('export filters read days in Sofia’s zone whatever the session’s TimeZone', async () => {
    const { plain } = await types(app);
    const tag = `Граница-${Date.now()}`;
    // Sofia's midnight of 10 January 2033 is 22:00 UTC on the 9th. A year no other test registers in:
    // within a register's year the database never gives a moment earlier than the last one it gave.
    for (const at of ['2033-01-09T21:59:30Z', '2033-01-09T22:00:30Z']) {
      await setDatabaseClock(new Date(at));
      try {
        await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain), description: `${tag} ${at}`, lang: 'bg' }), []);
      } finally {
        await setDatabaseClock(null);
      }
    }
    const { rows: stored } = await app.ctx.db.raw.executeSql('SELECT description, registered_at::text AS at, hidden, is_public FROM cases WHERE description LIKE $1', [`${tag}%`]);
    const where = JSON.stringify(stored);
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
      await sessionSetting('TimeZone', tz);
      try {
        const on10 = (await app.app.inject({ url: '/exports/signals.csv?from=2033-01-10&to=2033-01-10' })).body;
        const on9 = (await app.app.inject({ url: '/exports/signals.csv?from=2033-01-09&to=2033-01-09' })).body;
        expect(on10, `${tz}: ${where}`).toContain(`${tag} 2033-01-09T22:00:30Z`);
        expect(on10, tz).not.toContain(`${tag} 2033-01-09T21:59:30Z`);
        expect(on9, tz).toContain(`${tag} 2033-01-09T21:59:30Z`);
        expect(on9, tz).not.toContain(`${tag} 2033-01-09T22:00:30Z`);
      } finally {
        await sessionSetting('TimeZone', null);
      }
    }
  });
});
