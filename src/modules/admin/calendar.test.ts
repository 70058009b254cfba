import { and, between, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { auditLog } from '../../platform/audit/index.js';
import { calendarDays, loadCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { errorMessage } from '../../platform/errors/index.js';
import { rawInject, testApp } from '../../../test/harness.js';
import { citizen, post, staff } from '../../../test/accounts.factories.js';

/*
 * /admin/calendar (issue 12): administrators enter the Council of Ministers' day swaps, each
 * audited, refused with a message naming the field when it makes no sense, and seen by the loaded
 * calendar at once. The swaps here are in 2093, a year no other test counts days in, and every one
 * is removed again.
 */

let app: App;
let admin: Awaited<ReturnType<typeof staff>>;

// 2093: 1 May a Friday, 6 May a Wednesday, 6 September a Sunday (→ 7 September off), 6 June a Saturday.
const SATURDAY = '2093-06-06';
const BRIDGE = '2093-05-04'; // a Monday between 1 and 6 May
const WEDNESDAY = '2093-06-10';

const get = (url: string, cookie?: string) => app.app.inject({ url, headers: cookie ? { cookie } : {} });
const orm = () => app.ctx.db.orm;
const swapsIn2093 = () => orm().select().from(calendarDays).where(between(calendarDays.day, '2093-01-01', '2093-12-31'));
const totals = async () => {
  const [[s], [a]] = await Promise.all([orm().select({ n: count() }).from(calendarDays), orm().select({ n: count() }).from(auditLog).where(eq(auditLog.entity, 'calendar_day'))]);
  return { swaps: s!.n, audit: a!.n };
};
const add = (form: Record<string, string>, cookie = admin.cookie) => post(app, '/admin/calendar', form, { cookie });
const remove = (day: string, cookie = admin.cookie) => post(app, `/admin/calendar/swaps/${day}/remove`, {}, { cookie });

beforeAll(async () => {
  app = await testApp();
  admin = await staff(app, 'admin', 'KC');
});

afterAll(async () => {
  // Nothing of this file stays in the worker's database for other tests' calendars.
  await orm().delete(calendarDays).where(between(calendarDays.day, '2093-01-01', '2093-12-31'));
});

describe('the page', () => {
  test('shows a year’s holidays (moved ones marked) and is on the dashboard', async () => {
    const res = await get('/admin/calendar?year=2027', admin.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Официални празници през 2027 г.');
    expect(res.body).toContain('Велика събота');
    expect(res.body).toContain('<time datetime="2027-05-04">');
    expect(res.body).toContain('Ден на труда и на международната работническа солидарност (прехвърлен)');
    expect(res.body).toContain('<time datetime="2027-12-28">');
    expect(res.body).toContain('name="_csrf"');
    const en = await get('/admin/calendar?year=2027&lang=en', admin.cookie);
    expect(en.body).toContain('Public holidays in 2027');
    expect(en.body).toContain('Labour Day and International Workers’ Solidarity Day (moved)');
    const dash = await get('/admin', admin.cookie);
    expect(dash.body).toContain('href="/admin/calendar"');
    expect(dash.body).toContain('Календар на работните дни');
  });

  test('opens on the current year; a year outside 2000–2100 is refused naming the field', async () => {
    const res = await get('/admin/calendar', admin.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`Официални празници през ${sofiaDay(app.ctx.now()).slice(0, 4)} г.`);
    // A repeated ?year= takes the last, as the other admin filters do.
    expect((await get('/admin/calendar?year=2026&year=2027', admin.cookie)).body).toContain('Официални празници през 2027 г.');
    for (const y of ['1999', '2101', 'abc', '20260', '%00', '2027.5']) {
      const bad = await get(`/admin/calendar?year=${y}`, admin.cookie);
      expect(bad.statusCode, y).toBe(400);
      expect(bad.body, y).toContain('year');
    }
  });
});

describe('an administrator adds and removes swaps', () => {
  test('a working Saturday: saved, audited, shown, seen by the loaded calendar at once, removed', async () => {
    const before = await loadCalendar(orm());
    expect(before.isWorkingDay(SATURDAY)).toBe(false);
    const t0 = await totals();

    const res = await add({ day: SATURDAY, kind: 'working', reference: 'РМС № 123/2093' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/calendar?year=2093&done=added');
    expect(await swapsIn2093()).toEqual([expect.objectContaining({ day: SATURDAY, kind: 'working', reference: 'РМС № 123/2093', createdBy: admin.id })]);
    const [rec] = await orm().select().from(auditLog).where(and(eq(auditLog.entity, 'calendar_day'), eq(auditLog.entityId, SATURDAY), eq(auditLog.action, 'calendar.swap.add')));
    expect(rec).toMatchObject({ actorId: admin.id, actorLabel: admin.username, before: null, after: { day: SATURDAY, kind: 'working', reference: 'РМС № 123/2093' } });
    expect(await totals()).toEqual({ swaps: t0.swaps + 1, audit: t0.audit + 1 });

    // The calendar loaded before the change is not reused: the new one counts the Saturday.
    const after = await loadCalendar(orm());
    expect(after.isWorkingDay(SATURDAY)).toBe(true);
    expect(after.addWorkingDays('2093-06-05', 1)).toBe(SATURDAY);

    const page = await get('/admin/calendar?year=2093&done=added', admin.cookie);
    expect(page.body).toContain('Промяната е записана');
    expect(page.body).toContain('Работни съботи през 2093 г.');
    expect(page.body).toContain('РМС № 123/2093');
    expect(page.body).toContain(`action="/admin/calendar/swaps/${SATURDAY}/remove"`);
    expect(page.body).toContain(admin.username);

    const gone = await remove(SATURDAY);
    expect(gone.statusCode).toBe(303);
    expect(gone.headers.location).toBe('/admin/calendar?year=2093&done=removed');
    expect(await swapsIn2093()).toEqual([]);
    const [rm] = await orm().select().from(auditLog).where(and(eq(auditLog.entity, 'calendar_day'), eq(auditLog.entityId, SATURDAY), eq(auditLog.action, 'calendar.swap.remove')));
    expect(rm).toMatchObject({ actorId: admin.id, before: { day: SATURDAY, kind: 'working', reference: 'РМС № 123/2093' }, after: null });
    expect((await loadCalendar(orm())).isWorkingDay(SATURDAY)).toBe(false);
    expect((await get('/admin/calendar?year=2093&done=removed', admin.cookie)).body).toContain('Промяната е премахната');

    // Removing it again: there is nothing to remove.
    expect((await remove(SATURDAY)).statusCode).toBe(404);
    expect((await remove('2093-02-30')).statusCode).toBe(404);
    expect(await totals()).toEqual({ swaps: t0.swaps, audit: t0.audit + 2 });
  });

  test('a bridge holiday makes a weekday non-working', async () => {
    expect((await loadCalendar(orm())).isWorkingDay(BRIDGE)).toBe(true);
    expect((await add({ day: BRIDGE, kind: 'holiday', reference: 'РМС № 7/2093' })).statusCode).toBe(303);
    const c = await loadCalendar(orm());
    expect(c.isWorkingDay(BRIDGE)).toBe(false);
    expect(c.periodEnd(BRIDGE)).toBe('2093-05-05');
    const page = await get('/admin/calendar?year=2093', admin.cookie);
    expect(page.body).toContain('Неработен ден');
    expect(page.body).toContain('РМС № 7/2093');
    expect((await remove(BRIDGE)).statusCode).toBe(303);
    expect((await loadCalendar(orm())).isWorkingDay(BRIDGE)).toBe(true);
  });
});

describe('bad input is refused naming the field, nothing saved', () => {
  const BG = (code: Parameters<typeof errorMessage>[0], params?: Parameters<typeof errorMessage>[2]) => errorMessage(code, 'bg', params);

  const CASES: [string, Record<string, string>, string, string, string][] = [
    ['not a real date', { day: '2093-02-30', kind: 'working', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('NOT_A_DATE')],
    ['not a date at all', { day: '6 юни', kind: 'working', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('NOT_A_DATE')],
    ['no date', { day: '', kind: 'working', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('FIELD_REQUIRED')],
    ['before 2000', { day: '1999-12-31', kind: 'holiday', reference: 'РМС № 1/1999' }, 'day', 'Дата', BG('DATE_OUT_OF_RANGE', { min: '2000-01-01', max: '2100-12-31' })],
    ['after 2100', { day: '2101-01-03', kind: 'holiday', reference: 'РМС № 1/2101' }, 'day', 'Дата', BG('DATE_OUT_OF_RANGE', { min: '2000-01-01', max: '2100-12-31' })],
    ['year 0', { day: '0000-01-01', kind: 'holiday', reference: 'РМС' }, 'day', 'Дата', BG('DATE_OUT_OF_RANGE', { min: '2000-01-01', max: '2100-12-31' })],
    ['a kind not in the list', { day: SATURDAY, kind: 'bridge', reference: 'РМС № 1/2093' }, 'kind', 'Вид', BG('NOT_IN_LIST')],
    ['no kind', { day: SATURDAY, kind: '', reference: 'РМС № 1/2093' }, 'kind', 'Вид', BG('FIELD_REQUIRED')],
    ['an empty reference', { day: SATURDAY, kind: 'working', reference: '' }, 'reference', 'Акт', BG('FIELD_REQUIRED')],
    ['a reference of spaces', { day: SATURDAY, kind: 'working', reference: ' \u200b ' }, 'reference', 'Акт', BG('FIELD_REQUIRED')],
    ['a reference too long', { day: SATURDAY, kind: 'working', reference: 'Р'.repeat(301) }, 'reference', 'Акт', BG('FIELD_TOO_LONG', { max: 300 })],
    ['a reference with a line break', { day: SATURDAY, kind: 'working', reference: 'РМС\n№ 1' }, 'reference', 'Акт', BG('TEXT_CONTROL_CHARS')],
    ['a holiday on a Saturday', { day: '2093-06-13', kind: 'holiday', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('DAY_ALREADY_OFF')],
    ['a holiday on a Sunday', { day: '2093-06-07', kind: 'holiday', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('DAY_ALREADY_OFF')],
    ['a holiday on a public holiday', { day: '2093-03-03', kind: 'holiday', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('DAY_ALREADY_OFF')],
    ['a holiday on a moved holiday', { day: '2093-09-07', kind: 'holiday', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('DAY_ALREADY_OFF')],
    ['a working day on a working day', { day: WEDNESDAY, kind: 'working', reference: 'РМС № 1/2093' }, 'day', 'Дата', BG('DAY_ALREADY_WORKING')],
  ];

  test.each(CASES)('%s', async (_, form, field, labelBg, message) => {
    const t0 = await totals();
    const res = await add(form);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    // The error summary links to the field and says what is wrong with it; the form keeps what was typed.
    expect(res.body).toContain(`href="#${field}"`);
    expect(res.body).toContain(`${labelBg}: ${message}`);
    expect(res.body).toContain('aria-invalid="true"');
    expect(await totals()).toEqual(t0);
  });

  test('a NUL is refused by the form parser before the page, naming the field', async () => {
    const t0 = await totals();
    const res = await add({ day: SATURDAY, kind: 'working', reference: 'РМС\u0000' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`reference: ${BG('TEXT_CONTROL_CHARS')}`);
    expect(await totals()).toEqual(t0);
  });

  test('in English too', async () => {
    const res = await post(app, '/admin/calendar?lang=en', { day: '2093-06-13', kind: 'holiday', reference: 'x' }, { cookie: admin.cookie });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Date: ${errorMessage('DAY_ALREADY_OFF', 'en')}`);
  });

  test('a second swap on the same day', async () => {
    expect((await add({ day: SATURDAY, kind: 'working', reference: 'РМС № 1/2093' })).statusCode).toBe(303);
    const t0 = await totals();
    for (const kind of ['working', 'holiday']) {
      const res = await add({ day: SATURDAY, kind, reference: 'РМС № 2/2093' });
      expect(res.statusCode, kind).toBe(400);
      expect(res.body).toContain(`Дата: ${BG('DAY_SWAP_EXISTS')}`);
    }
    // Two administrators at once: one is saved, the other told.
    await remove(SATURDAY);
    const both = await Promise.all([add({ day: SATURDAY, kind: 'working', reference: 'РМС № 3/2093' }), add({ day: SATURDAY, kind: 'working', reference: 'РМС № 4/2093' })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([303, 400]);
    expect(await swapsIn2093()).toHaveLength(1);
    expect(await totals()).toEqual({ swaps: t0.swaps, audit: t0.audit + 2 });
    await remove(SATURDAY);
  });
});

describe('cross-site requests', () => {
  test('an add or a remove posted with Origin null or from another site is refused; nothing changes', async () => {
    await add({ day: BRIDGE, kind: 'holiday', reference: 'РМС № 8/2093' });
    const t0 = await totals();
    const FORM = { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie };
    for (const headers of [{ origin: 'null' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
      const a = await rawInject(app, { method: 'POST', url: '/admin/calendar', payload: new URLSearchParams({ day: SATURDAY, kind: 'working', reference: 'РМС' }).toString(), headers: { ...FORM, ...headers } });
      expect(a.statusCode, JSON.stringify(headers)).toBe(403);
      const r = await rawInject(app, { method: 'POST', url: `/admin/calendar/swaps/${BRIDGE}/remove`, payload: '', headers: { ...FORM, ...headers } });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
    }
    expect(await totals()).toEqual(t0);
    await remove(BRIDGE);
  });
});

describe('only administrators', () => {
  test('every other role and a citizen get 403 and change nothing; anonymous visitors go to the login page', async () => {
    await add({ day: BRIDGE, kind: 'holiday', reference: 'РМС № 9/2093' });
    const t0 = await totals();
    const others = [];
    for (const role of ['operator', 'officer', 'manager', 'clerk', 'inspector']) others.push({ role, ...(await staff(app, role, 'KC')) });
    others.push({ role: 'citizen', ...(await citizen(app)) });
    for (const p of others) {
      expect((await get('/admin/calendar', p.cookie)).statusCode, p.role).toBe(403);
      expect((await add({ day: SATURDAY, kind: 'working', reference: 'РМС' }, p.cookie)).statusCode, p.role).toBe(403);
      expect((await remove(BRIDGE, p.cookie)).statusCode, p.role).toBe(403);
    }
    const anon = await get('/admin/calendar');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/calendar')}`);
    expect([303, 401, 403]).toContain((await add({ day: SATURDAY, kind: 'working', reference: 'РМС' }, '')).statusCode);
    expect([303, 401, 403]).toContain((await remove(BRIDGE, '')).statusCode);
    expect(await totals()).toEqual(t0);
    expect(await swapsIn2093()).toEqual([expect.objectContaining({ day: BRIDGE })]);
    await remove(BRIDGE);
  });
});
