import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { caseEvents, caseFiles, cases, subscriptions } from '../cases/index.js';
import { units } from '../catalog/catalog.tables.js';
import { clock, testApp } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';
import { TtlCache } from '../../platform/cache/index.js';

/**
 * Every case of this file is registered in 2013–2014 under a clock fixed in June 2014, long
 * before anything other tests create (they run at today's date), so the overview "now" sees only
 * ours.
 */
const NOW = new Date('2014-06-18T09:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const plus = (d: Date, days: number) => new Date(d.getTime() + days * DAY);

let app: App;
let catA: number;
let catB: number;
const unitId = new Map<string, number>();
const unitName = new Map<string, string>();
const numbers: Record<string, string> = {};

type Json = Record<string, any>;
async function api(query = ''): Promise<Json> {
  const res = await app.app.inject({ url: `/api/v1/overview${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  app = await testApp();
  clock.set(NOW);
  const orm = app.ctx.db.orm;
  for (const u of await orm.select().from(units)) {
    unitId.set(u.code, u.id);
    unitName.set(u.code, u.nameBg);
  }
  const { rows } = await app.ctx.db.raw.executeSql("SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code IN ('09', '15')", []);
  const P: Record<string, { lat: number; lon: number }> = {};
  for (const r of rows as { code: string; lat: number; lon: number }[]) P[r.code] = { lat: Number(r.lat), lon: Number(r.lon) };
  const { plain, otherCategory } = await types(app);
  catA = plain.categoryId;
  catB = otherCategory.categoryId;

  // name: [type, district point, registered, first answer after days, closed after days, status, unit]
  const plan = {
    c1: [plain, '09', ago(10), 2, 5, 'closed', 'R09-ADM'],
    c2: [plain, '09', ago(20), 4, null, 'in_progress', 'R09-ADM'],
    c3: [plain, '15', ago(40), null, null, 'pending', 'R09-ADM'],
    c4: [otherCategory, '15', ago(100), 6, 9, 'rejected', 'R15-ADM'],
    c5: [plain, '09', ago(400), null, null, 'pending', 'R09-ADM'],
    // Sunday 22:30 UTC is already Monday 01:30 in Sofia: it belongs to the next ISO week.
    c6: [otherCategory, '15', new Date('2014-06-15T22:30:00Z'), null, null, 'pending', 'R15-ADM'],
    hidden: [plain, '09', ago(5), 1, null, 'in_progress', 'R09-ADM'],
    letter: [plain, '09', ago(5), 1, null, 'in_progress', 'R09-ADM'],
  } as const;
  for (const [name, [type, district, registeredAt, answer, close, status, unit]] of Object.entries(plan)) {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(type, P[district]!) });
    expect(res.statusCode, res.body).toBe(201);
    numbers[name] = res.json().number;
    await orm
      .update(cases)
      .set({
        registeredAt,
        firstAnswerAt: answer === null ? null : plus(registeredAt, answer),
        closedAt: close === null ? null : plus(registeredAt, close),
        status,
        unitId: unitId.get(unit)!,
        ...(name === 'hidden' ? { hidden: true, hiddenReason: 'Обиден текст (тест)' } : {}),
        // A private kind: must never be counted, whatever else it has.
        ...(name === 'letter' ? { kind: 'letter', isPublic: false, subject: 'Писмо (тест)' } : {}),
      })
      .where(eq(cases.regNumber, numbers[name]!));
  }
});

// Other files of this worker list units' queues oldest first: take our 2014 cases away again.
afterAll(async () => {
  clock.set(null);
  const orm = app.ctx.db.orm;
  const ids = (await orm.select({ id: cases.id }).from(cases).where(inArray(cases.regNumber, Object.values(numbers)))).map((r) => r.id);
  if (!ids.length) return;
  await orm.delete(caseEvents).where(inArray(caseEvents.caseId, ids));
  await orm.delete(caseFiles).where(inArray(caseFiles.caseId, ids));
  await orm.delete(subscriptions).where(inArray(subscriptions.caseId, ids));
  await orm.delete(cases).where(inArray(cases.id, ids));
});

describe('overview numbers (CC-7)', () => {
  test('totals, categories, districts, statuses and units of the last 365 days; hidden and private documents are not counted', async () => {
    const o = await api();
    expect(o.filter).toEqual({ period: '365', district: null, category: null });
    expect(o.to).toBe(NOW.toISOString());
    // c1, c2, c3, c4, c6: c5 is older, the hidden signal and the letter are left out.
    // Registered in 2014, before any deadline policy started: no legal clocks (issue 12).
    const noDeadlines = { decided: 0, onTime: 0, onTimeShare: null, late: 0, medianDaysLate: null, overdueNow: 0 };
    expect(o.totals).toEqual({ registered: 5, open: 3, closed: 2, medianDaysToFirstAnswer: 4, answered: 3, medianDaysToClosure: 7, closedWithDate: 2, legalDeadlines: noDeadlines });

    const cat = (id: number) => o.categories.find((c: Json) => c.id === id);
    expect(o.categories).toHaveLength(2);
    expect(cat(catA)).toMatchObject({ registered: 3, open: 2, closed: 1 });
    expect(cat(catB)).toMatchObject({ registered: 2, open: 1, closed: 1 });
    expect(o.categories[0].id).toBe(catA);

    const dist = (code: string) => o.districts.find((d: Json) => d.code === code);
    expect(o.districts).toHaveLength(2);
    expect(dist('09')).toMatchObject({ name: 'Лозенец', registered: 2, open: 1, closed: 1 });
    expect(dist('15')).toMatchObject({ name: 'Младост', registered: 3, open: 2, closed: 1 });

    const st = Object.fromEntries(o.statuses.map((s: Json) => [s.code, s.registered]));
    expect(st).toEqual({ pending: 2, in_progress: 1, awaiting_reply: 0, notified: 0, closed: 1, rejected: 1, duplicate: 0 });
    expect(o.statuses.find((s: Json) => s.code === 'pending')).toMatchObject({ name: 'Чакащ обработка', open: true });

    // Answers after 2 and 4 days: median 3, based on 2 cases; only c1 is closed (5 days).
    const unit = (code: string) => o.units.find((u: Json) => u.code === code);
    expect(o.units).toHaveLength(2);
    expect(unit('R09-ADM')).toEqual({ code: 'R09-ADM', name: unitName.get('R09-ADM'), registered: 3, medianDaysToFirstAnswer: 3, answered: 2, medianDaysToClosure: 5, closedWithDate: 1, legalDeadlines: noDeadlines });
    expect(unit('R15-ADM')).toEqual({ code: 'R15-ADM', name: unitName.get('R15-ADM'), registered: 2, medianDaysToFirstAnswer: 6, answered: 1, medianDaysToClosure: 9, closedWithDate: 1, legalDeadlines: noDeadlines });
  });

  test('the periods count what was registered in the last 30, 90, 365 days or ever (up to now)', async () => {
    expect((await api('?period=30')).totals).toMatchObject({ registered: 3, open: 2, closed: 1 });
    expect((await api('?period=90')).totals).toMatchObject({ registered: 4, open: 3, closed: 1 });
    const all = await api('?period=all');
    expect(all.totals).toMatchObject({ registered: 6, open: 4, closed: 2 });
    expect(all.from).toBeNull();
    expect((await api('?period=30')).from).toBe(ago(30).toISOString());
  });

  test('district and category filters narrow every block; empty values mean "all"', async () => {
    const a = await api(`?category=${catA}`);
    expect(a.filter.category).toBe(catA);
    expect(a.totals).toMatchObject({ registered: 3, open: 2, closed: 1 });
    expect(a.categories.map((c: Json) => c.id)).toEqual([catA]);

    const d = await api('?district=15');
    expect(d.totals).toMatchObject({ registered: 3, open: 2, closed: 1 });
    expect(d.districts.map((x: Json) => x.code)).toEqual(['15']);

    const both = await api(`?district=15&category=${catA}&period=all`);
    expect(both.totals).toMatchObject({ registered: 1, open: 1, closed: 0, answered: 0, medianDaysToFirstAnswer: null });

    expect((await api('?district=&category=&period=365')).totals.registered).toBe(5);
  });

  test('weekly trend: 26 Sofia ISO weeks, registered and closed per week, whatever the period', async () => {
    const o = await api('?period=30');
    expect(o.weeks).toHaveLength(26);
    expect(o.weeks[0]).toMatchObject({ week: '2013-W52', start: '2013-12-23' });
    expect(o.weeks[1]).toMatchObject({ week: '2014-W01', start: '2013-12-30' });
    expect(o.weeks.at(-1)).toMatchObject({ week: '2014-W25', start: '2014-06-16' });
    const reg = Object.fromEntries(o.weeks.filter((w: Json) => w.registered).map((w: Json) => [w.start, w.registered]));
    const closed = Object.fromEntries(o.weeks.filter((w: Json) => w.closed).map((w: Json) => [w.start, w.closed]));
    // c4 (a Monday), c3, c2, c1 (a Sunday: still the week before) and c6 (Monday in Sofia, Sunday in UTC).
    expect(reg).toEqual({ '2014-03-10': 1, '2014-05-05': 1, '2014-05-26': 1, '2014-06-02': 1, '2014-06-16': 1 });
    expect(closed).toEqual({ '2014-03-17': 1, '2014-06-09': 1 });

    const onlyB = await api(`?category=${catB}`);
    expect(Object.fromEntries(onlyB.weeks.filter((w: Json) => w.registered).map((w: Json) => [w.start, w.registered]))).toEqual({ '2014-03-10': 1, '2014-06-16': 1 });
  });

  test('names follow the language; the API is in /openapi.json', async () => {
    const en = await api('?lang=en');
    expect(en.districts.find((d: Json) => d.code === '09').name).toBe('Lozenets');
    expect(en.statuses.find((s: Json) => s.code === 'pending').name).toBe('Awaiting processing');
    const spec = (await app.app.inject({ url: '/openapi.json' })).json();
    expect(spec.paths['/api/v1/overview'].get.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['period', 'district', 'category']));
  });
});

describe('overview page', () => {
  test('a GET form, the totals, accessible SVG charts with titles and tables with the same numbers', async () => {
    const res = await app.app.inject({ url: '/overview' });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<form method="get" action="/overview"');
    expect(html).toMatch(/<option value="365" selected/);
    expect(html).toContain('Обзор на сигналите и въпросите');
    // Charts: images with a title and a summary, every one.
    const svgs = html.match(/<svg [^>]*>/g) ?? [];
    expect(svgs).toHaveLength(3);
    for (const s of svgs) expect(s).toMatch(/role="img"[^>]*aria-labelledby="([\w-]+)-title \1-desc"/);
    expect(html).toContain('<title id="categories-chart-title">По категории: регистрирани, отворени и приключени</title>');
    expect(html).toContain('<title id="trend-chart-title">Регистрирани и приключени по седмици, последните 26 седмици</title>');
    expect(html).toMatch(/<desc id="districts-chart-desc">[^<]*Младост – 3 \(2 отворени, 1 приключени\)/);
    // The table next to the district chart carries the same numbers, with a link to narrow down.
    expect(html).toMatch(/<a href="\/overview\?period=365&amp;district=15">Младост<\/a><\/th><td>3<\/td><td>2<\/td><td>1<\/td>/);
    // Unit medians in Bulgarian number format, with their counts.
    expect(html).toMatch(new RegExp(`${unitName.get('R09-ADM')}</th><td>3</td><td>3,0</td><td>2</td><td>5,0</td><td>1</td>`));
    expect(html).toContain('href="/overview.csv?period=365"');
    expect(html).not.toContain('<script>');
  });

  test('in English, and an empty selection says so instead of drawing empty charts', async () => {
    const en = await app.app.inject({ url: '/overview?lang=en&district=01' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<html lang="en"');
    expect(en.body).toContain('No signals or questions were registered for the chosen period and filter.');
    expect(en.body).toMatch(/<option value="01" selected[^>]*>Sredets<\/option>/);
  });

  test('bad filter values: the page answers 400 with the form and a message, never a 500', async () => {
    for (const [q, field] of [
      ['period=abc', 'period'],
      ['district=99', 'district'],
      ['district=abc', 'district'],
      ['category=-1', 'category'],
      ['category=999999999', 'category'],
      ['period=30&period=90', 'period'],
    ] as const) {
      const res = await app.app.inject({ url: `/overview?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain(`href="#${field}"`);
      expect(res.body).toMatch(new RegExp(`id="${field}" name="${field}" aria-invalid="true"`));
      expect(res.body).not.toContain('<svg');
    }
    const r = await app.app.inject({ url: '/overview?district=99' });
    expect(r.body).toContain('Изберете стойност от списъка.');
    // Every problem in one answer.
    const all = await app.app.inject({ url: '/overview?period=abc&district=99&category=-1' });
    expect(all.statusCode).toBe(400);
    for (const f of ['period', 'district', 'category']) expect(all.body).toContain(`href="#${f}"`);
  });
});

describe('overview CSV and API errors', () => {
  test('the CSV has a BOM, a section column and the same numbers, with the filters', async () => {
    const res = await app.app.inject({ url: '/overview.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="overview-365.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,code,name,registered,open,closed,median_days_to_first_answer,answered,median_days_to_closure,closed_with_date,legal_deadlines_decided,legal_deadlines_on_time,on_time_share,legal_deadlines_late,median_days_late,overdue_now',
    );
    expect(lines).toContain('totals,,Всички,5,3,2,4.0,3,7.0,2,0,0,,0,,0');
    expect(lines).toContain('district,15,Младост,3,2,1,,,,,,,,,,');
    expect(lines).toContain('status,pending,Чакащ обработка,2,2,0,,,,,,,,,,');
    expect(lines).toContain(`unit,R09-ADM,${unitName.get('R09-ADM')},3,,,3.0,2,5.0,1,0,0,,0,,0`);
    expect(lines).toContain('week,2014-W25,2014-06-16,1,,0,,,,,,,,,,');
    expect(lines).toContain('week,2014-W24,2014-06-09,0,,1,,,,,,,,,,');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['period', 'totals', 'category', 'district', 'status', 'unit', 'week']));

    const f = await app.app.inject({ url: `/overview.csv?period=all&district=15&category=${catA}` });
    expect(f.headers['content-disposition']).toBe(`attachment; filename="overview-all-d15-c${catA}.csv"`);
    expect(f.body).toContain('\r\ntotals,,Всички,1,1,0,,0,,0,0,0,,0,,0\r\n');

    const bad = await app.app.inject({ url: '/overview.csv?category=-1' });
    expect(bad.statusCode).toBe(400);
  });

  test('the API answers bad filters with a 400 naming the field', async () => {
    for (const [q, field, code] of [
      ['period=abc', 'period', 'NOT_IN_LIST'],
      ['district=99', 'district', 'NOT_IN_LIST'],
      ['district=1', 'district', 'FIELD_INVALID'],
      ['category=-1', 'category', 'FIELD_INVALID'],
      ['category=abc', 'category', 'FIELD_INVALID'],
      ['category=999999999', 'category', 'CATEGORY_UNKNOWN'],
    ] as const) {
      const res = await app.app.inject({ url: `/api/v1/overview?${q}` });
      expect(res.statusCode, q).toBe(400);
      const body = res.json();
      expect(body.error.code, q).toBe('VALIDATION');
      expect(body.error.fields, q).toEqual([expect.objectContaining({ field, code })]);
      expect(body.error.message, q).toContain(field);
    }
    const two = await app.app.inject({ url: '/api/v1/overview?district=99&category=999999999' });
    expect(two.json().error.fields.map((f: Json) => f.field)).toEqual(['district', 'category']);
  });
});

describe('overview cache', () => {
  test('a filter combination is computed once per 5 minutes', async () => {
    expect((await api('?period=90')).totals.registered).toBe(4);
    await app.ctx.db.orm.update(cases).set({ hidden: true }).where(eq(cases.regNumber, numbers.c3!));
    try {
      // Still the kept numbers, 4 minutes later…
      clock.set(new Date(NOW.getTime() + 4 * 60_000));
      expect((await api('?period=90')).totals.registered).toBe(4);
      // …recomputed after 5.
      clock.set(new Date(NOW.getTime() + 6 * 60_000));
      const o = await api('?period=90');
      expect(o.totals.registered).toBe(3);
      expect(o.generatedAt).toBe(new Date(NOW.getTime() + 6 * 60_000).toISOString());
    } finally {
      await app.ctx.db.orm.update(cases).set({ hidden: false }).where(eq(cases.regNumber, numbers.c3!));
      clock.set(NOW);
    }
  });

  test('the cache holds at most its cap, dropping expired entries first, then the oldest', () => {
    const c = new TtlCache<number>(1000, 3);
    c.set('a', 1, 0);
    c.set('b', 2, 500);
    c.set('c', 3, 900);
    c.set('d', 4, 1200); // 'a' has expired
    expect([c.get('a', 1200), c.get('b', 1200), c.get('d', 1200)]).toEqual([undefined, 2, 4]);
    c.set('e', 5, 1300); // full, nothing expired: the oldest ('b') goes
    expect(c.size).toBe(3);
    expect(c.get('b', 1300)).toBeUndefined();
    expect(c.get('e', 2299)).toBe(5);
    expect(c.get('e', 2300)).toBeUndefined();
  });
});
