import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { auditLog } from '../../platform/audit/index.js';
import { sofiaDay } from '../../platform/calendar/index.js';
import { errorMessage } from '../../platform/errors/index.js';
import { organisations } from '../catalog/catalog.tables.js';
import { deadlinePolicies } from '../deadlines/index.js';
import { MUNICIPALITY_POLICIES } from '../deadlines/deadlines.seed.js';
import { newVersionValues } from './admin.deadlines.js';
import { clock, rawInject, setDatabaseClock, testApp } from '../../../test/harness.js';
import { types } from '../../../test/factories.js';
import { citizen, ip, post, staff } from '../../../test/accounts.factories.js';

/*
 * /admin/deadlines (issue 12): administrators add versions of the deadline policies; a version
 * applies to documents registered from its start date on and never to those registered before;
 * every bad input is refused naming its field, with nothing saved.
 *
 * The versions here start in 2047, a year no other test registers in (a register never gives a
 * moment earlier than its last one, so a test must not leave a real year's counter in the future),
 * and documents are registered with both clocks there: the database's (the registration moment)
 * and the app's (the registration statement computes clocks for the Sofia days around it).
 */

let app: App;
let admin: Awaited<ReturnType<typeof staff>>;
let so: number;

const TODAY = new Date('2047-03-12T09:00:00Z'); // a Tuesday in Sofia
const TOMORROW = new Date('2047-03-13T09:00:00Z');
const NEW_FROM = '2047-03-13';

const orm = () => app.ctx.db.orm;
const get = (url: string, cookie?: string) => app.app.inject({ url, headers: cookie ? { cookie } : {} });
const pageUrl = () => `/admin/deadlines/policy?organisation=${so}&kind=question`;
const add = (form: Record<string, string | undefined>, cookie = admin.cookie, url = pageUrl()) =>
  post(app, url, Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined)), { cookie });
const totals = async () => {
  const [[p], [a]] = await Promise.all([orm().select({ n: count() }).from(deadlinePolicies), orm().select({ n: count() }).from(auditLog).where(eq(auditLog.entity, 'deadline_policy'))]);
  return { versions: p!.n, audit: a!.n };
};
/** The form as the page offers it: the Municipality's question clocks, with an empty clock and extension rows to add. */
const baseForm = (over: Record<string, string | undefined> = {}) => ({ ...newVersionValues(MUNICIPALITY_POLICIES.question!), validFrom: '2048-01-01', note: '', ...over });

async function question(tag: string): Promise<string> {
  const { plain } = await types(app);
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    payload: { kind: 'question', categoryId: plain.categoryId, typeId: plain.id, description: `Въпрос за сроковете ${tag}`, email: `srok.${tag}.${Date.now()}@example.bg` },
    remoteAddress: ip(),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().number as string;
}

async function clocksOf(number: string) {
  const { rows } = await app.ctx.db.raw.executeSql(
    `SELECT k.policy_id, k.code, k.state, k.legal, k.due_on::text AS due_on, k.due_at, c.due_at AS case_due
       FROM case_clocks k JOIN cases c ON c.id = k.case_id WHERE c.reg_number = $1 ORDER BY k.id`,
    [number],
  );
  return rows as { policy_id: number; code: string; state: string; legal: boolean; due_on: string; due_at: Date | string; case_due: Date | string }[];
}

beforeAll(async () => {
  app = await testApp();
  admin = await staff(app, 'admin', 'KC');
  const [o] = await orm().select({ id: organisations.id }).from(organisations).where(eq(organisations.code, 'SO'));
  so = o!.id;
});

afterAll(async () => {
  clock.set(null);
  await setDatabaseClock(null);
});

describe('an administrator adds a version', () => {
  test('valid from tomorrow: a document registered today keeps the old clocks, one registered tomorrow gets the new ones', async () => {
    clock.set(TODAY);
    await setDatabaseClock(TODAY);
    try {
      const list = await get('/admin/deadlines', admin.cookie);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`href="/admin/deadlines/policy?organisation=${so}&amp;kind=question"`);
      expect(list.body).toContain('Искане за информация');
      expect((await get('/admin', admin.cookie)).body).toContain('href="/admin/deadlines"');

      const before = await get(pageUrl(), admin.cookie);
      expect(before.statusCode).toBe(200);
      expect(before.body).toContain('В сила днес');
      expect(before.body).toContain('Отговор на въпроса</strong> – 14 календарни дни');
      expect(before.body).toContain('name="_csrf"');
      expect(before.body).toContain('name="clocks.0.n" value="14"');
      const [old] = await orm().select().from(deadlinePolicies).where(and(eq(deadlinePolicies.organisationId, so), eq(deadlinePolicies.kind, 'question')));
      const t0 = await totals();

      const res = await add(baseForm({ validFrom: NEW_FROM, note: 'Заповед № 1/2047', 'clocks.0.n': '5', 'clocks.0.unit': 'working_days' }));
      expect(res.statusCode, res.body).toBe(303);
      const saved = await orm().select().from(deadlinePolicies).where(and(eq(deadlinePolicies.organisationId, so), eq(deadlinePolicies.kind, 'question'), eq(deadlinePolicies.validFrom, NEW_FROM)));
      expect(saved).toHaveLength(1);
      const v = saved[0]!;
      expect(res.headers.location).toBe(`${pageUrl()}&done=1#v${v.id}`);
      expect(v).toMatchObject({ typeId: null, note: 'Заповед № 1/2047', createdBy: admin.id });
      expect(v.clocks).toEqual([{ ...MUNICIPALITY_POLICIES.question![0], length: { unit: 'working_days', n: 5 } }]);
      // The old version is untouched.
      expect((await orm().select().from(deadlinePolicies).where(eq(deadlinePolicies.id, old!.id)))[0]).toEqual(old);
      const [rec] = await orm().select().from(auditLog).where(and(eq(auditLog.entity, 'deadline_policy'), eq(auditLog.entityId, String(v.id))));
      expect(rec).toMatchObject({ action: 'deadlines.policy.add', actorId: admin.id, actorLabel: admin.username, before: null });
      expect(rec!.after).toMatchObject({ organisationId: so, kind: 'question', typeId: null, validFrom: NEW_FROM, note: 'Заповед № 1/2047' });
      expect(await totals()).toEqual({ versions: t0.versions + 1, audit: t0.audit + 1 });

      const after = await get(`${pageUrl()}&done=1`, admin.cookie);
      expect(after.body).toContain('Новата версия е записана');
      expect(after.body).toContain('Предстояща версия от сряда, 13 март 2047 г.');
      expect(after.body).toContain('Отговор на въпроса</strong> – 5 работни дни');
      expect(after.body).toContain('Заповед № 1/2047');
      expect(after.body).toContain(admin.username);
      expect(after.body).toContain('предстояща');
      // The form of the next version starts from the newest one.
      expect(after.body).toContain('name="clocks.0.n" value="5"');
      const en = await get(`${pageUrl()}&lang=en`, admin.cookie);
      expect(en.body).toContain('Upcoming version from Wednesday, 13 March 2047');
      expect(en.body).toContain('Answer to the question</strong> – 14 calendar days');

      const registeredToday = await question('today');
      const [a] = await clocksOf(registeredToday);
      expect(a).toMatchObject({ policy_id: old!.id, code: 'answer', state: 'running', due_on: '2047-03-26' });
      expect(new Date(a!.case_due).toISOString()).toBe(new Date(a!.due_at).toISOString());

      clock.set(TOMORROW);
      await setDatabaseClock(TOMORROW);
      const registeredTomorrow = await question('tomorrow');
      const [b] = await clocksOf(registeredTomorrow);
      // Five working days from Wednesday 13 March: Thursday, Friday, Monday, Tuesday, Wednesday.
      expect(b).toMatchObject({ policy_id: v.id, code: 'answer', state: 'running', due_on: '2047-03-20' });
      expect(new Date(b!.case_due).toISOString()).toBe(new Date(b!.due_at).toISOString());
      // …and the document of the day before still has its own.
      expect((await clocksOf(registeredToday))[0]).toMatchObject({ policy_id: old!.id, due_on: '2047-03-26' });

      // Tomorrow the new version is the one in force.
      const next = await get(pageUrl(), admin.cookie);
      expect(next.body).toContain('Версия, в сила от сряда, 13 март 2047 г.');
      expect(next.body).not.toContain('Предстояща версия');
    } finally {
      clock.set(null);
      await setDatabaseClock(null);
    }
  });

  test('a version valid from today is accepted; a type’s policy without versions shows what applies to it', async () => {
    // An organisation of its own, with no units: no document of another test falls under its policy.
    const [org] = await orm()
      .insert(organisations)
      .values({ code: `DL-${Date.now()}`, kind: 'utility', nameBg: 'Дружество за срокове', nameEn: 'Deadlines utility' })
      .returning({ id: organisations.id });
    const { plain } = await types(app);
    const url = `/admin/deadlines/policy?organisation=${org!.id}&kind=letter&type=${plain.id}`;
    const page = await get(url, admin.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Срокове: Писмо „');
    expect(page.body).toContain('Няма собствени правила: прилагат се правилата на Столична община за вида документ');
    expect(page.body).toContain('Отговор</strong> – 1 месец');
    expect(page.body).toContain('Още няма версии.');
    // The form starts from what applies now.
    expect(page.body).toContain('name="clocks.0.unit"');
    const today = sofiaDay(new Date());
    const t0 = await totals();
    const res = await add({ ...newVersionValues(MUNICIPALITY_POLICIES.letter!), validFrom: today, 'clocks.0.n': '10', 'clocks.0.unit': 'calendar_days' }, admin.cookie, url);
    expect(res.statusCode, res.body).toBe(303);
    const [v] = await orm().select().from(deadlinePolicies).where(eq(deadlinePolicies.organisationId, org!.id));
    expect(v).toMatchObject({ kind: 'letter', typeId: plain.id, validFrom: today });
    expect(v!.clocks[0]!.length).toEqual({ unit: 'calendar_days', n: 10 });
    expect(await totals()).toEqual({ versions: t0.versions + 1, audit: t0.audit + 1 });
    const again = await get(url, admin.cookie);
    expect(again.body).toContain('Отговор</strong> – 10 календарни дни');
    expect(again.body).toContain('в сила');
    expect((await get('/admin/deadlines', admin.cookie)).body).toContain('Дружество за срокове');
  });

  test('a structured change: a second clock with events, a pause and an extension is saved as the engine reads it', async () => {
    const t0 = await totals();
    const res = await add(
      baseForm({
        validFrom: '2047-06-02',
        'clocks.1.code': 'review',
        'clocks.1.labelBg': 'Преглед',
        'clocks.1.labelEn': 'Review',
        'clocks.1.source': 'чл. 30, ал. 1 ЗДОИ',
        'clocks.1.n': '48',
        'clocks.1.unit': 'hours',
        'clocks.1.start.registered': 'on',
        'clocks.1.stopOn.answer': 'on',
        'clocks.1.stopOn.closed': 'on',
        'clocks.1.pauseOn.clarification_requested': 'on',
        'clocks.1.resumeOn.clarified': 'on',
        'clocks.1.onResume': 'restart',
        'clocks.1.expireN': '30',
        'clocks.1.expireUnit': 'calendar_days',
        'clocks.1.ext.0.code': 'volume',
        'clocks.1.ext.0.labelBg': 'Голям обем',
        'clocks.1.ext.0.labelEn': 'Large volume',
        'clocks.1.ext.0.source': 'чл. 30, ал. 1 ЗДОИ',
        'clocks.1.ext.0.maxDays': '10',
        'clocks.1.ext.0.notice': 'on',
        'clocks.1.shownToSubmitter': 'on',
      }),
    );
    expect(res.statusCode, res.body).toBe(303);
    const [v] = await orm().select().from(deadlinePolicies).where(and(eq(deadlinePolicies.organisationId, so), eq(deadlinePolicies.kind, 'question'), eq(deadlinePolicies.validFrom, '2047-06-02')));
    expect(v!.clocks[1]).toEqual({
      code: 'review',
      label: { bg: 'Преглед', en: 'Review' },
      source: 'чл. 30, ал. 1 ЗДОИ',
      length: { unit: 'hours', n: 48 },
      start: ['registered'],
      stopOn: ['answer', 'closed'],
      pauseOn: ['clarification_requested'],
      resumeOn: ['clarified'],
      onResume: 'restart',
      expireAfterPause: { unit: 'calendar_days', n: 30 },
      extensions: [{ code: 'volume', label: { bg: 'Голям обем', en: 'Large volume' }, source: 'чл. 30, ал. 1 ЗДОИ', maxDays: 10, notice: true }],
      satisfiedByEmail: false,
      shownToSubmitter: true,
      anonymous: 'none',
    });
    expect(await totals()).toEqual({ versions: t0.versions + 1, audit: t0.audit + 1 });
    const page = await get(pageUrl(), admin.cookie);
    // In the history, and the next version's form starts from it (it is the newest).
    expect(page.body).toContain('Отговор на въпроса – 14 календарни дни; Преглед – 48 часа (чл. 30, ал. 1 ЗДОИ)');
    expect(page.body).toContain('name="clocks.1.ext.0.maxDays" value="10"');
    expect(page.body).toContain('id="clocks-1-resumeOn-clarified" name="clocks.1.resumeOn.clarified" value="on" checked');
  });
});

describe('bad input is refused naming the field, nothing saved', () => {
  const BG = (code: Parameters<typeof errorMessage>[0], params?: Parameters<typeof errorMessage>[2]) => errorMessage(code, 'bg', params);
  const yesterday = () => sofiaDay(new Date(Date.now() - 86_400_000));
  const EXT = { 'clocks.0.ext.0.code': 'volume', 'clocks.0.ext.0.labelBg': 'Голям обем', 'clocks.0.ext.0.labelEn': 'Large volume', 'clocks.0.ext.0.source': 'чл. 30 ЗДОИ' };

  const CASES: [string, () => Record<string, string | undefined>, string, string, string][] = [
    ['a zero length', () => baseForm({ 'clocks.0.n': '0' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 3650 })],
    ['a negative length', () => baseForm({ 'clocks.0.n': '-14' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 3650 })],
    ['a length of ten years and a day', () => baseForm({ 'clocks.0.n': '3651' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 3650 })],
    ['a length in words', () => baseForm({ 'clocks.0.n': 'две седмици' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('NOT_A_NUMBER')],
    ['a length with a fraction', () => baseForm({ 'clocks.0.n': '1.5' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('NOT_AN_INTEGER')],
    ['no length', () => baseForm({ 'clocks.0.n': '' }), 'clocks.0.n', 'Срок 1 – Продължителност', BG('FIELD_REQUIRED')],
    ['an unknown unit', () => baseForm({ 'clocks.0.unit': 'weeks' }), 'clocks.0.unit', 'Срок 1 – Мерна единица', BG('NOT_IN_LIST')],
    ['an unknown start event', () => baseForm({ 'clocks.0.start.exploded': 'on' }), 'clocks.0.start', 'Срок 1 – Започва при', BG('NOT_IN_LIST')],
    ['an unknown stop event', () => baseForm({ 'clocks.0.stopOn.forever': 'on' }), 'clocks.0.stopOn', 'Срок 1 – Спира (изпълнен) при', BG('NOT_IN_LIST')],
    ['no start event', () => baseForm({ 'clocks.0.start.registered': undefined }), 'clocks.0.start', 'Срок 1 – Започва при', BG('FIELD_REQUIRED')],
    ['a pause with nothing that resumes it', () => baseForm({ 'clocks.0.pauseOn.status': 'on' }), 'clocks.0.resumeOn', 'Срок 1 – Продължава при', BG('FIELD_REQUIRED')],
    ['an unknown resume mode', () => baseForm({ 'clocks.0.onResume': 'sometimes' }), 'clocks.0.onResume', 'Срок 1 – При продължаване', BG('NOT_IN_LIST')],
    ['an extension of 366 days', () => baseForm({ ...EXT, 'clocks.0.ext.0.maxDays': '366' }), 'clocks.0.ext.0.maxDays', 'Срок 1, удължаване 1 – Най-много дни', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 365 })],
    ['an extension of no days', () => baseForm({ ...EXT, 'clocks.0.ext.0.maxDays': '0' }), 'clocks.0.ext.0.maxDays', 'Срок 1, удължаване 1 – Най-много дни', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 365 })],
    ['an extension without its days', () => baseForm({ ...EXT }), 'clocks.0.ext.0.maxDays', 'Срок 1, удължаване 1 – Най-много дни', BG('FIELD_REQUIRED')],
    ['an anonymous target of 0', () => baseForm({ 'clocks.0.anonN': '0' }), 'clocks.0.anonN', 'Срок 1 – Вътрешен срок за анонимни', BG('NUMBER_OUT_OF_RANGE', { min: 1, max: 3650 })],
    ['a start date yesterday', () => baseForm({ validFrom: yesterday() }), 'validFrom', 'В сила от', BG('VALID_FROM_PAST', { min: sofiaDay(new Date()) })],
    ['a start date years ago', () => baseForm({ validFrom: '2020-01-01' }), 'validFrom', 'В сила от', BG('VALID_FROM_PAST', { min: sofiaDay(new Date()) })],
    ['a start date that is not a date', () => baseForm({ validFrom: '2047-02-30' }), 'validFrom', 'В сила от', BG('NOT_A_DATE')],
    ['a start date in words', () => baseForm({ validFrom: 'утре' }), 'validFrom', 'В сила от', BG('NOT_A_DATE')],
    ['no start date', () => baseForm({ validFrom: '' }), 'validFrom', 'В сила от', BG('FIELD_REQUIRED')],
    ['a second version from the same day', () => baseForm({ validFrom: NEW_FROM }), 'validFrom', 'В сила от', BG('POLICY_VERSION_EXISTS')],
    ['a code with capitals', () => baseForm({ 'clocks.0.code': 'Answer' }), 'clocks.0.code', 'Срок 1 – Код', BG('CODE_INVALID')],
    ['two clocks with one code', () => baseForm({ 'clocks.1.code': 'answer', 'clocks.1.labelBg': 'Втори', 'clocks.1.labelEn': 'Second', 'clocks.1.n': '3', 'clocks.1.start.registered': 'on', 'clocks.1.stopOn.answer': 'on' }), 'clocks.1.code', 'Срок 2 – Код', BG('CODE_TAKEN')],
    ['no Bulgarian name', () => baseForm({ 'clocks.0.labelBg': ' \u200b ' }), 'clocks.0.labelBg', 'Срок 1 – Наименование на български', BG('FIELD_REQUIRED')],
    ['a legal source with a line break', () => baseForm({ 'clocks.0.source': 'чл. 28\nЗДОИ' }), 'clocks.0.source', 'Срок 1 – Правно основание', BG('TEXT_CONTROL_CHARS')],
    ['every clock removed', () => baseForm({ 'clocks.0.remove': 'on' }), 'clocks', 'Срокове', BG('FIELD_REQUIRED')],
  ];

  test.each(CASES)('%s', async (_, form, field, label, message) => {
    const t0 = await totals();
    const res = await add(form());
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    // The error summary links to the field and says what is wrong with it; the form keeps what was typed.
    expect(res.body).toContain(`href="#${field.replace(/\./g, '-')}"`);
    expect(res.body).toContain(`id="${field.replace(/\./g, '-')}"`);
    expect(res.body).toContain(`${label}: ${message}`);
    if (field !== 'clocks') expect(res.body).toContain('aria-invalid="true"');
    expect(await totals()).toEqual(t0);
  });

  test('in English too', async () => {
    const res = await add(baseForm({ 'clocks.0.n': '-1' }), admin.cookie, `${pageUrl()}&lang=en`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Deadline 1 – Length: ${errorMessage('NUMBER_OUT_OF_RANGE', 'en', { min: 1, max: 3650 })}`);
  });

  test('a page for an organisation, kind or type that does not exist is refused naming the field', async () => {
    for (const [q, field] of [
      ['organisation=abc&kind=question', 'organisation'],
      ['organisation=999999&kind=question', 'organisation'],
      ['kind=question', 'organisation'],
      [`organisation=${so}&kind=petition`, 'kind'],
      [`organisation=${so}`, 'kind'],
      [`organisation=${so}&kind=question&type=999999`, 'type'],
      [`organisation=${so}&kind=question&type=-1`, 'type'],
    ]) {
      const t0 = await totals();
      const res = await get(`/admin/deadlines/policy?${q}`, admin.cookie);
      expect(res.statusCode, q).toBe(400);
      expect(res.body, q).toContain(field);
      expect((await add(baseForm(), admin.cookie, `/admin/deadlines/policy?${q}`)).statusCode, q).toBe(400);
      expect(await totals()).toEqual(t0);
    }
  });
});

describe('who may', () => {
  test('every other role and a citizen get 403 and change nothing; anonymous visitors go to the login page', async () => {
    const t0 = await totals();
    const others = [];
    for (const role of ['operator', 'officer', 'manager', 'clerk', 'inspector']) others.push({ role, ...(await staff(app, role, 'KC')) });
    others.push({ role: 'citizen', ...(await citizen(app)) });
    for (const p of others) {
      expect((await get('/admin/deadlines', p.cookie)).statusCode, p.role).toBe(403);
      expect((await get(pageUrl(), p.cookie)).statusCode, p.role).toBe(403);
      expect((await add(baseForm({ validFrom: '2049-01-01' }), p.cookie)).statusCode, p.role).toBe(403);
    }
    const anon = await get('/admin/deadlines');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/deadlines')}`);
    expect([303, 401, 403]).toContain((await add(baseForm({ validFrom: '2049-01-01' }), '')).statusCode);
    expect(await totals()).toEqual(t0);
  });

  test('a version posted from another site is refused', async () => {
    const t0 = await totals();
    for (const headers of [{ origin: 'null' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
      const res = await rawInject(app, {
        method: 'POST',
        url: pageUrl(),
        payload: new URLSearchParams(baseForm({ validFrom: '2049-01-01' }) as Record<string, string>).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie, ...headers },
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
    }
    expect(await totals()).toEqual(t0);
  });
});
