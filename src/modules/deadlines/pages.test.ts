import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { users } from '../../platform/auth/index.js';
import { endOfSofiaDay, loadCalendar, sofiaDay, type Day } from '../../platform/calendar/index.js';
import { formatDate } from '../../platform/i18n/index.js';
import { CSRF_FIELD } from '../../platform/web/csrf.js';
import { units } from '../catalog/catalog.tables.js';
import { SubmitCaseBody, caseEvents, caseFiles, cases, registerDocument, submitCase, subscriptions } from '../cases/index.js';
import { computeOverview } from '../overview/overview.service.js';
import { caseClocks, clockNotices } from './index.js';
import { clock, testApp } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';
import { citizen, post, staff } from '../../../test/accounts.factories.js';

/**
 * Issue 12, what people see of the legal clocks: the staff case page (each clock, its state, its
 * legal source, the forms that move it), the inbox (due soonest, overdue, due in 3 days, counts),
 * the submitter's and the author's pages and My signals ("Очаквайте отговор до …"), the signal
 * form's notice on anonymous signals, and the public overview's legal-deadline numbers.
 */

let app: App;
const enc = encodeURIComponent;
const unitIds = new Map<string, number>();
const DAY = 86_400_000;
const addDays = (d: Day, n: number): Day => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const dayDiff = (from: Day, to: Day) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const bgDate = (d: Day) => formatDate(endOfSofiaDay(d), 'bg');
const enDate = (d: Day) => formatDate(endOfSofiaDay(d), 'en');
/** A page's text without its tags, spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ');

let applicant: { id: string; email: string; cookie: string };
let lozenets: { lat: number; lon: number };

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  for (const u of await app.ctx.db.orm.select({ id: units.id, code: units.code }).from(units)) unitIds.set(u.code, u.id);
  const a = await citizen(app);
  const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, a.email));
  applicant = { id: u!.id, email: a.email, cookie: a.cookie };
  const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '09'", []);
  lozenets = { lat: Number(rows[0].lat), lon: Number(rows[0].lon) };
});

/** A public-information request (ЗДОИ) of the applicant to a unit. */
async function zdoi(unitCode: string, subject = 'Достъп до договор'): Promise<string> {
  const done = await registerDocument(
    app.ctx,
    { userId: applicant.id, name: 'Елена Иванова', email: applicant.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
    { kind: 'info_request', subject, description: 'Моля, предоставете копие от договора.', unitId: unitIds.get(unitCode)! },
    [],
    // Registered for the applicant by the registry (no per-account limit); the applicant is its author all the same.
    'phone',
  );
  return done.number;
}

async function caseOf(number: string) {
  return (await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number)))[0]!;
}
async function clocksOfNumber(number: string) {
  const c = await caseOf(number);
  return app.ctx.db.orm.select().from(caseClocks).where(eq(caseClocks.caseId, c.id)).orderBy(caseClocks.id);
}

/** Moves a case's running clocks and its materialised due moment to a day (null: nothing due). */
async function setDue(number: string, day: Day | null): Promise<void> {
  const c = await caseOf(number);
  const at = day === null ? null : endOfSofiaDay(day);
  if (day !== null) await app.ctx.db.orm.update(caseClocks).set({ dueOn: day, dueAt: at }).where(and(eq(caseClocks.caseId, c.id), eq(caseClocks.state, 'running')));
  await app.ctx.db.orm.update(cases).set({ dueAt: at }).where(eq(cases.id, c.id));
}

async function get(url: string, cookie?: string) {
  const res = await app.app.inject({ url, headers: cookie ? { cookie } : {} });
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
  return res.body;
}

describe('the staff case page shows every clock (issue 12)', () => {
  test('a public-information request: its legal clock with due date, days left, state and source, and the forms that apply, in both languages', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoi('R09-ADM');
    const [k] = await clocksOfNumber(n);
    const today = sofiaDay(new Date());
    const left = dayDiff(today, k!.dueOn!);

    const bg = await get(`/staff/cases/${enc(n)}`, officer.cookie);
    const t = text(bg);
    expect(t).toContain('Срокове');
    expect(t).toContain('Решение по заявлението (законов срок)');
    expect(t).toContain(`Срок: ${bgDate(k!.dueOn!)} · тече · остават ${left} дни`);
    expect(t).toContain('Основание: чл. 28, ал. 1 ЗДОИ');
    // The forms that apply to a running ЗДОИ clock, each with the CSRF field like the others.
    expect(t).toContain('Удължи срока');
    expect(t).toContain('Голямо количество информация (чл. 30, ал. 1 ЗДОИ) – до 10 дни');
    expect(t).toContain('Нужно е съгласие на трето лице (чл. 31, ал. 2 ЗДОИ) – до 14 дни');
    expect(t).toContain('Поискай уточнение');
    expect(t).not.toContain('Уточнението е получено');
    for (const action of ['extend', 'clarify']) {
      const form = new RegExp(`<form method="post" action="/staff/cases/${enc(n).replace(/%/g, '%')}/${action}[^"]*"[^>]*><input type="hidden" name="${CSRF_FIELD}" value="[^"]+"`);
      expect(bg, action).toMatch(form);
    }

    const en = text(await get(`/staff/cases/${enc(n)}?lang=en`, officer.cookie));
    expect(en).toContain('Decision on the request (legal deadline)');
    expect(en).toContain(`Due: ${enDate(k!.dueOn!)} · running · ${left} days left`);
    expect(en).toContain('Legal basis: чл. 28, ал. 1 ЗДОИ');
    expect(en).toContain('A large volume of information (чл. 30, ал. 1 ЗДОИ) – up to 10 days');
    expect(en).toContain('Ask for a clarification');

    // Asked for a clarification: suspended, and the form to record it appears instead.
    expect((await post(app, `/staff/cases/${enc(n)}/clarify`, { text: 'Уточнете за кой договор става дума' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const paused = text(await get(`/staff/cases/${enc(n)}`, officer.cookie));
    expect(paused).toContain('спрян за уточнение');
    expect(paused).toContain('Уточнението е получено');
    expect(paused).not.toContain('Поискай уточнение');
    expect(paused).not.toContain('Удължи срока');
    expect(text(await get(`/staff/cases/${enc(n)}?lang=en`, officer.cookie))).toContain('suspended for a clarification');
  });

  test('overdue: "просрочен" and how many days late; answered: "приключен навреме"', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoi('R09-ADM');
    const today = sofiaDay(new Date());
    await setDue(n, addDays(today, -3));
    const t = text(await get(`/staff/cases/${enc(n)}`, officer.cookie));
    expect(t).toContain(`Срок: ${bgDate(addDays(today, -3))} · просрочен · 3 дни закъснение`);
    expect(text(await get(`/staff/cases/${enc(n)}?lang=en`, officer.cookie))).toContain('overdue · 3 days late');

    const m = await zdoi('R09-ADM');
    expect((await post(app, `/staff/cases/${enc(m)}/answer`, { text: 'Предоставяме достъп до договора.', status: 'closed' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const done = text(await get(`/staff/cases/${enc(m)}`, officer.cookie));
    expect(done).toContain('приключен навреме');
    expect(done).not.toContain('Удължи срока');
  });

  test('a signal: the legal decision clock (чл. 121 АПК) and the duty to inform waiting for the decision; an anonymous one: an internal target, no legal source', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const { plain } = await types(app);
    const named = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), name: 'Иван Петров', email: 'ivan.petrov@example.bg', lang: 'bg' }), []);
    const t = text(await get(`/staff/cases/${enc(named.number)}`, officer.cookie));
    expect(t).toContain('Решение по сигнала (законов срок)');
    expect(t).toContain('Основание: чл. 121, ал. 1 АПК');
    expect(t).toContain('Основание: чл. 123, ал. 1 АПК');
    expect(t).toContain('Съобщаване на решението на подателя (законов срок)');
    expect(t).toContain('още не тече');
    // Signals have no extensions and no clarification pause.
    expect(t).not.toContain('Удължи срока');
    expect(t).not.toContain('Поискай уточнение');

    const anon = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), lang: 'bg' }), []);
    const a = text(await get(`/staff/cases/${enc(anon.number)}`, officer.cookie));
    expect(a).toContain('Решение по сигнала (вътрешен срок)');
    expect(a).toContain('по анонимен сигнал не се образува производство (чл. 111, ал. 4 АПК), затова законов срок не тече');
    expect(a).not.toContain('Основание: чл. 121');
    const [k] = await clocksOfNumber(anon.number);
    expect(a).toContain(`остават ${dayDiff(sofiaDay(new Date()), k!.dueOn!)} дни`);
  });
});

describe('extending through the page: the applicant sees the new date (issue 12)', () => {
  test('the officer extends with a reason; the staff page says "удължен с 5 дни", the author’s page the new expected date', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoi('R09-ADM');
    const [before] = await clocksOfNumber(n);
    const doc0 = text(await get(`/documents/${enc(n)}`, applicant.cookie));
    expect(doc0).toContain(`Очаквайте отговор до ${bgDate(before!.dueOn!)}`);
    expect(text(await get(`/documents/${enc(n)}?lang=en`, applicant.cookie))).toContain(`Expect an answer by ${enDate(before!.dueOn!)}`);

    const res = await post(app, `/staff/cases/${enc(n)}/extend`, { extension: 'volume', days: '5', text: 'Исканата информация е в 40 папки' }, { cookie: officer.cookie });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const [after] = await clocksOfNumber(n);
    const cal = await loadCalendar(app.ctx.db.orm);
    expect(after!.dueOn).toBe(cal.periodEnd(addDays(before!.dueOn!, 5)));

    const s = text(await get(`/staff/cases/${enc(n)}`, officer.cookie));
    expect(s).toContain(`Срок: ${bgDate(after!.dueOn!)} · тече`);
    expect(s).toContain('удължен с 5 дни');
    // Each extension the law allows is granted once: only the other one is offered now.
    expect(s).not.toContain('Голямо количество информация (чл. 30, ал. 1 ЗДОИ) – до 10 дни');
    expect(s).toContain('Нужно е съгласие на трето лице (чл. 31, ал. 2 ЗДОИ) – до 14 дни');
    const doc = text(await get(`/documents/${enc(n)}`, applicant.cookie));
    expect(doc).toContain(`Очаквайте отговор до ${bgDate(after!.dueOn!)}`);
    expect(doc).toContain('Исканата информация е в 40 папки');

    // Suspended for a clarification: the page says so instead of a date.
    expect((await post(app, `/staff/cases/${enc(n)}/clarify`, { text: 'Уточнете периода' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const paused = text(await get(`/documents/${enc(n)}`, applicant.cookie));
    expect(paused).toContain('Срокът за отговор е спрян, докато не получим поисканото от Вас уточнение');
    expect(paused).not.toContain('Очаквайте отговор до');
  });

  test('bad input through the page form: 400, the error names the field and links into the extend form, the values stay, nothing changes', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoi('R09-ADM');
    const snapshot = async () => {
      const c = await caseOf(n);
      const events = await app.ctx.db.orm.select({ id: caseEvents.id }).from(caseEvents).where(eq(caseEvents.caseId, c.id));
      return JSON.stringify({ clocks: await clocksOfNumber(n), due: c.dueAt, events: events.length });
    };
    const before = await snapshot();
    for (const [form, field, message] of [
      [{ extension: 'volume', days: '5', text: '' }, 'text', 'Причина: '],
      [{ extension: 'volume', days: '11', text: 'Голям обем документи' }, 'days', 'Брой дни: Стойността трябва да е между 1 и 10.'],
      [{ extension: 'third_party', days: '15', text: 'Нужно е съгласие' }, 'days', 'Брой дни: Стойността трябва да е между 1 и 14.'],
      [{ extension: 'weather', days: '5', text: 'Голям обем документи' }, 'extension', 'Основание за удължаване: Изберете стойност от списъка.'],
      [{ days: '5', text: 'Голям обем документи' }, 'extension', 'Основание за удължаване: '],
    ] as const) {
      const res = await post(app, `/staff/cases/${enc(n)}/extend`, form, { cookie: officer.cookie });
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.body, JSON.stringify(form)).toContain(`href="#${field}"`);
      // The link lands in the extend form, whose field carries the error.
      expect(res.body).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${field}"`));
      expect(text(res.body)).toContain(message);
      if ('text' in form && form.text) expect(res.body).toContain(form.text);
    }
    expect(await snapshot()).toBe(before);

    // A signal's clock has no extensions: the same refusal, nothing changes.
    const { plain } = await types(app);
    const sig = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), email: 'x.y@example.bg', lang: 'bg' }), []);
    const [k0] = await clocksOfNumber(sig.number);
    const res = await post(app, `/staff/cases/${enc(sig.number)}/extend`, { extension: 'volume', days: '5', text: 'Голям обем документи' }, { cookie: officer.cookie });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#extension"');
    expect((await clocksOfNumber(sig.number))[0]).toEqual(k0);
  });
});

describe('the submitter’s pages and My signals (issue 12)', () => {
  test('the private link of a signal shows the expected date; an anonymous signal’s does not (no answer can be sent)', async () => {
    const { plain } = await types(app);
    const done = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), name: 'Мария Петрова', email: 'maria.p@example.bg', lang: 'bg' }), []);
    const [k] = await clocksOfNumber(done.number);
    expect(text(await get(`/p/${done.token}`))).toContain(`Очаквайте отговор до ${bgDate(k!.dueOn!)}`);
    expect(text(await get(`/p/${done.token}?lang=en`))).toContain(`Expect an answer by ${enDate(k!.dueOn!)}`);
    // The public page does not.
    expect(await get(`/cases/${enc(done.number)}`)).not.toContain('Очаквайте отговор');

    const anon = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), lang: 'bg' }), []);
    expect(await get(`/p/${anon.token}`)).not.toContain('Очаквайте отговор');
  });

  test('My signals and /api/v1/me/cases: the expected date per row, or that the period is suspended', async () => {
    const author = await citizen(app);
    const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, author.email));
    const sender = { userId: u!.id, name: 'Петър Колев', email: author.email, phone: null, address: null, locale: 'bg' as const, firstName: 'Петър' };
    const letter = await registerDocument(app.ctx, sender, { kind: 'letter', subject: 'Писмо', description: 'Текст', unitId: unitIds.get('R09-ADM')! }, [], 'web');
    const request = await registerDocument(app.ctx, sender, { kind: 'info_request', subject: 'Заявление', description: 'Текст', unitId: unitIds.get('R09-ADM')! }, [], 'web');
    const { plain } = await types(app);
    const signal = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, lozenets), name: 'Петър Колев', email: author.email, lang: 'bg' }), [], 'web', u!.id);
    const due = async (number: string) => (await clocksOfNumber(number))[0]!.dueOn!;
    const cal = await loadCalendar(app.ctx.db.orm);
    const today = sofiaDay(new Date());
    // A letter: the Municipality's month.
    expect(await due(letter.number)).toBe(cal.periodEnd(cal.addMonths(today, 1)));

    const officer = await staff(app, 'officer', 'R09-ADM');
    expect((await post(app, `/staff/cases/${enc(request.number)}/clarify`, { text: 'Уточнете периода' }, { cookie: officer.cookie })).statusCode).toBe(303);

    const page = await get('/my/cases', author.cookie);
    const row = (number: string) => text(page.split('<tr>').find((r) => r.includes(number))!);
    expect(row(letter.number)).toContain(`Очаквайте отговор до ${bgDate(await due(letter.number))}`);
    expect(row(signal.number)).toContain(`Очаквайте отговор до ${bgDate(await due(signal.number))}`);
    expect(row(request.number)).toContain('Срокът е спрян до получаване на уточнението');
    expect(text(await get('/my/cases?lang=en', author.cookie))).toContain(`Expect an answer by ${enDate(await due(letter.number))}`);

    // The author of a public signal is sent to its public page, which shows them (only them) the date.
    const res = await app.app.inject({ url: `/documents/${enc(signal.number)}`, headers: { cookie: author.cookie } });
    expect(res.statusCode).toBe(303);
    expect(text(await get(`/cases/${enc(signal.number)}`, author.cookie))).toContain(`Очаквайте отговор до ${bgDate(await due(signal.number))}`);

    const api = JSON.parse(await get('/api/v1/me/cases', author.cookie)) as { items: { number: string; expectedAnswerBy: string | null; answerPeriodSuspended: boolean }[] };
    const item = (number: string) => api.items.find((i) => i.number === number)!;
    expect(item(letter.number)).toMatchObject({ expectedAnswerBy: await due(letter.number), answerPeriodSuspended: false });
    expect(item(signal.number)).toMatchObject({ expectedAnswerBy: await due(signal.number), answerPeriodSuspended: false });
    expect(item(request.number)).toMatchObject({ expectedAnswerBy: null, answerPeriodSuspended: true });
  });

  test('the signal form says exactly what happens to an anonymous signal (АПК art. 111(4)); the question form does not cite it', async () => {
    const bg = text(await get('/signals/new'));
    expect(bg).toContain('По анонимен сигнал не се образува производство (чл. 111, ал. 4 АПК): за него не тече законов срок и не може да Ви бъде изпратен отговор.');
    expect(bg).toContain('Той все пак се регистрира и се проверява на място като работа на терен');
    const en = text(await get('/signals/new?lang=en'));
    expect(en).toContain('An anonymous signal opens no administrative proceedings (Administrative Procedure Code art. 111(4)): no legal deadline runs for it and no answer can be sent to you.');
    expect(en).toContain('It is still registered and checked on site as field work');
    const q = text(await get('/questions/new'));
    expect(q).not.toContain('111');
    expect(q).toContain('няма как да Ви изпратим отговор');
  });
});

describe('the inbox: due soonest, overdue, due in 3 days (issue 12)', () => {
  test('sorting, filters, the overdue count and each row’s due date', async () => {
    // Novi Iskar's administration: no other test file files documents there.
    const officer = await staff(app, 'officer', 'R21-ADM');
    const today = sofiaDay(new Date());
    const plan: [string, Day | null][] = [
      ['overdue', addDays(today, -2)],
      ['today', today],
      ['in3', addDays(today, 3)],
      ['in4', addDays(today, 4)],
      ['none', null],
    ];
    const nums: Record<string, string> = {};
    // Registered in the reverse of the due order, so that "oldest first" and "due soonest" differ.
    for (const [name, day] of [...plan].reverse()) {
      nums[name] = await zdoi('R21-ADM', `Срок ${name}`);
      await setDue(nums[name]!, day);
    }
    const order = (body: string) =>
      Object.entries(nums)
        .filter(([, n]) => body.includes(`>${n}</a>`))
        .sort((a, b) => body.indexOf(`>${a[1]}</a>`) - body.indexOf(`>${b[1]}</a>`))
        .map(([name]) => name);

    expect(order(await get('/staff?sort=due', officer.cookie))).toEqual(['overdue', 'today', 'in3', 'in4', 'none']);
    expect(order(await get('/staff', officer.cookie))).toEqual(['none', 'in4', 'in3', 'today', 'overdue']);
    expect(order(await get('/staff?due=overdue', officer.cookie))).toEqual(['overdue']);
    // "Due in 3 days": from now to the end of the third calendar day, Sofia time.
    expect(order(await get('/staff?due=soon&sort=due', officer.cookie))).toEqual(['today', 'in3']);
    // Unknown values are no filter.
    expect(order(await get('/staff?due=whenever&sort=sideways', officer.cookie))).toEqual(['none', 'in4', 'in3', 'today', 'overdue']);

    const page = await get('/staff', officer.cookie);
    const t = text(page);
    expect(t).toContain('Просрочени : 1');
    expect(t).toContain('Срок до 3 дни : 2');
    const row = (name: string) => text(page.split('<tr>').find((r) => r.includes(`>${nums[name]}</a>`))!);
    expect(row('overdue')).toContain(`${bgDate(addDays(today, -2))} просрочен`);
    expect(row('in3')).toContain(bgDate(addDays(today, 3)));
    expect(row('in3')).not.toContain('просрочен');
    expect(row('none')).toContain('—');
    const en = text(await get('/staff?lang=en', officer.cookie));
    expect(en).toContain('Overdue : 1');
    expect(en).toContain('overdue');
    // Paging keeps the filter and the order.
    expect(await get('/staff?due=overdue&sort=due', officer.cookie)).toContain('<option value="overdue" selected>');

    // A closed document is not overdue work, whatever its due date says.
    const manager = await staff(app, 'manager', 'R21-ADM');
    expect((await post(app, `/staff/cases/${enc(nums.overdue!)}/answer`, { text: 'Отговор', status: 'closed' }, { cookie: manager.cookie })).statusCode).toBe(303);
    expect(text(await get('/staff', officer.cookie))).toContain('Просрочени : 0');
  });
});

describe('the public overview: answered within the legal deadline, days late, overdue now (issue 12)', () => {
  // A past era of its own: nothing else has clocks that end or stop then.
  const NOW = new Date('2013-03-20T10:00:00Z');
  const at = (iso: string) => new Date(iso);
  const numbers: string[] = [];

  afterAll(async () => {
    clock.set(null);
    const orm = app.ctx.db.orm;
    const ids = (await orm.select({ id: cases.id }).from(cases).where(inArray(cases.regNumber, numbers))).map((r) => r.id);
    if (!ids.length) return;
    const clockIds = (await orm.select({ id: caseClocks.id }).from(caseClocks).where(inArray(caseClocks.caseId, ids))).map((r) => r.id);
    if (clockIds.length) await orm.delete(clockNotices).where(inArray(clockNotices.clockId, clockIds));
    await orm.delete(caseClocks).where(inArray(caseClocks.caseId, ids));
    await orm.delete(caseEvents).where(inArray(caseEvents.caseId, ids));
    await orm.delete(caseFiles).where(inArray(caseFiles.caseId, ids));
    await orm.delete(subscriptions).where(inArray(subscriptions.caseId, ids));
    await orm.delete(cases).where(inArray(cases.id, ids));
  });

  test('per unit and in all, on a small controlled data set; anonymous, hidden and private documents never count', async () => {
    const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '22'", []);
    const p22 = { lat: Number(rows[0].lat), lon: Number(rows[0].lon) };
    const unit = unitIds.get('R22-ADM')!;
    const { plain } = await types(app);
    // name: registered, decision clock [state, due day, stopped], case closed
    const plan = {
      onTime: ['2013-01-10T09:00:00Z', 'stopped', '2013-03-11', '2013-03-01T12:00:00Z'],
      late5: ['2013-01-05T09:00:00Z', 'stopped', '2013-03-05', '2013-03-10T12:00:00Z'],
      late9: ['2013-01-02T09:00:00Z', 'stopped', '2013-02-01', '2013-02-10T12:00:00Z'],
      overdue: ['2013-01-15T09:00:00Z', 'running', '2013-03-18', null],
      running: ['2013-02-15T09:00:00Z', 'running', '2013-04-15', null],
      anonymous: ['2013-01-15T09:00:00Z', 'running', '2013-03-01', null],
      hidden: ['2013-01-15T09:00:00Z', 'running', '2013-03-01', null],
    } as const;
    for (const [name, [registered, state, dueOn, stopped]] of Object.entries(plan)) {
      const contact = name === 'anonymous' ? {} : { name: 'Иван Петров', email: `ivan.${name}@example.bg` };
      const done = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, p22), ...contact, lang: 'bg' }), []);
      numbers.push(done.number);
      const c = await caseOf(done.number);
      const closed = stopped === null ? null : at(stopped);
      await app.ctx.db.orm
        .update(cases)
        .set({ registeredAt: at(registered), unitId: unit, status: closed ? 'closed' : 'in_progress', closedAt: closed, firstAnswerAt: closed, dueAt: closed ? null : endOfSofiaDay(dueOn), ...(name === 'hidden' ? { hidden: true, hiddenReason: 'Обиден текст (тест)' } : {}) })
        .where(eq(cases.id, c.id));
      await app.ctx.db.orm
        .update(caseClocks)
        .set({ state, startedOn: registered.slice(0, 10), dueOn, dueAt: endOfSofiaDay(dueOn), stoppedAt: closed })
        .where(and(eq(caseClocks.caseId, c.id), eq(caseClocks.code, 'decision')));
      // The duty to inform of an answered one, met at once by the answer's email: not a second answer.
      if (closed) {
        await app.ctx.db.orm
          .update(caseClocks)
          .set({ state: 'stopped', startedOn: stopped!.slice(0, 10), dueOn: stopped!.slice(0, 10), dueAt: endOfSofiaDay(stopped!.slice(0, 10)), stoppedAt: closed })
          .where(and(eq(caseClocks.caseId, c.id), eq(caseClocks.code, 'inform')));
      }
    }
    // A public-information request of the same unit, overdue and legal: private, never counted.
    const req = await zdoi('R22-ADM');
    numbers.push(req);
    const rc = await caseOf(req);
    await app.ctx.db.orm.update(cases).set({ registeredAt: at('2013-02-01T09:00:00Z'), dueAt: endOfSofiaDay('2013-02-15') }).where(eq(cases.id, rc.id));
    await app.ctx.db.orm.update(caseClocks).set({ dueOn: '2013-02-15', dueAt: endOfSofiaDay('2013-02-15') }).where(eq(caseClocks.caseId, rc.id));

    clock.set(NOW);
    try {
      // The last 90 days: three answered (one on time; 5 and 9 days late), one overdue now.
      const o90 = await computeOverview(app.ctx.db.read, { period: '90', district: null, districtId: null, categoryId: null }, NOW);
      const want90 = { decided: 3, onTime: 1, onTimeShare: 0.333, late: 2, lateMedianDays: 7, overdueNow: 1 };
      expect(o90.totals).toMatchObject(want90);
      expect(o90.units.find((u) => u.code === 'R22-ADM')).toMatchObject({ registered: 6, ...want90 });
      // The last 30 days: the answer 9 days late came before them.
      const o30 = await computeOverview(app.ctx.db.read, { period: '30', district: null, districtId: null, categoryId: null }, NOW);
      expect(o30.totals).toMatchObject({ decided: 2, onTime: 1, onTimeShare: 0.5, late: 1, lateMedianDays: 5, overdueNow: 1 });

      // The same numbers in the API, the CSV and the page (district 22 only: a cache key of its own).
      const api = JSON.parse(await get('/api/v1/overview?period=90&district=22'));
      const legal = { decided: 3, onTime: 1, onTimeShare: 0.333, late: 2, medianDaysLate: 7, overdueNow: 1 };
      expect(api.totals.legalDeadlines).toEqual(legal);
      expect(api.units.find((u: { code: string }) => u.code === 'R22-ADM').legalDeadlines).toEqual(legal);
      const csv = (await app.app.inject({ url: '/overview.csv?period=90&district=22' })).body;
      expect(csv).toMatch(/\r\nunit,R22-ADM,[^,\r\n]+,6,,,[^\r\n]*,3,1,0\.333,2,7\.0,1\r\n/);
      const html = text(await get('/overview?period=90&district=22'));
      expect(html).toContain('Отговорени в законовия срок');
      expect(html).toContain('33 % (1 от 3)');
      expect(html).toContain('Медиана на закъснението: 7,0 дни (от 2 закъснели)');
      expect(text(await get('/overview?period=90&district=22&lang=en'))).toContain('33% (1 of 3)');
    } finally {
      clock.set(null);
    }
  });
});
