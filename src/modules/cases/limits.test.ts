import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { testApp } from '../../../test/harness.js';
import { multipart, signalBody, types } from '../../../test/factories.js';
import { citizen, ip, mailsTo, post, stampOf, staff } from '../../../test/accounts.factories.js';
import { addressSubject } from '../../platform/ratelimit/index.js';
import { DEMO_API_KEY, seedDemoApiKey } from '../open311/index.js';
import { KINDS } from './cases.policy.js';
import { recipientSubject } from './cases.limits.js';

// Issue 11, defect 4: limits on every write that takes a number from the official register or
// sends an email. Each test uses its own client addresses and emails (ip(), a random tag), so
// that the limits of one test do not reach another.

let app: App;
let t: Awaited<ReturnType<typeof types>>;

beforeAll(async () => {
  app = await testApp();
  t = await types(app);
  await seedDemoApiKey(app.ctx.db);
});

const tag = () => Math.random().toString(36).slice(2, 8);

/** The last number taken in a register this year (the gap-free counter). */
async function lastValue(register: string): Promise<number> {
  const { rows } = await app.ctx.db.raw.executeSql('SELECT coalesce(max(last_value), 0)::int AS n FROM register_counters WHERE register_code = $1', [register]);
  return rows[0].n;
}
async function caseCount(): Promise<number> {
  const { rows } = await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM cases', []);
  return rows[0].n;
}
const seqOf = (number: string) => Number(number.split('-')[2]);

/** A question through the JSON API from a client address. */
function apiQuestion(from: string, over: Record<string, unknown> = {}, url = '/api/v1/cases') {
  return app.app.inject({ method: 'POST', url, payload: { kind: 'question', categoryId: t.plain.categoryId, typeId: t.plain.id, description: 'Кога ще бъде ремонтирана улицата?', ...over }, remoteAddress: from });
}
const apiSignal = (from: string, over: Record<string, unknown> = {}) =>
  app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(t.plain, over), remoteAddress: from });

/** A question or signal through the web form, as a person who took their time (a stamp shown 10 s earlier). */
async function webForm(kind: 'signal' | 'question', from: string, fields: Record<string, string>, cookie?: string) {
  const path = kind === 'signal' ? '/signals/new' : '/questions/new';
  const form = await multipart({ typeId: String(t.plain.id), formStamp: await stampOf(app, path), step: 'submit', ...fields });
  return app.app.inject({ method: 'POST', url: path, payload: form.payload, headers: { ...form.headers, ...(cookie ? { cookie } : {}) }, remoteAddress: from });
}

describe('per client address (40 signals and questions an hour, web forms and JSON API together)', () => {
  test('the 41st question from one address is refused with a clear message: nothing registered, no number taken', async () => {
    const from = ip();
    for (let i = 0; i < 20; i++) expect((await apiQuestion(from)).statusCode).toBe(201);
    for (let i = 0; i < 20; i++) {
      const res = await webForm('question', from, { description: `Въпрос номер ${i} през формата` });
      expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    }
    const question = KINDS.question.register;
    const last = await lastValue(question);
    const count = await caseCount();

    const refused = await apiQuestion(from);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('SUBMISSIONS_LIMITED');
    expect(refused.json().error.message).toContain('един час');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3600);
    const english = await apiQuestion(from, { lang: 'en' }, '/api/v1/cases?lang=en');
    expect(english.statusCode).toBe(429);
    expect(english.json().error.message).toContain('Try again in an hour');
    // The web form says it above the form and keeps what was typed; a signal counts with the questions.
    const page = await webForm('question', from, { description: 'Още един въпрос, който не бива да мине' });
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('Опитайте отново след един час');
    expect(page.body).toContain('Още един въпрос, който не бива да мине');
    expect((await apiSignal(from)).statusCode).toBe(429);
    // Checked before anything expensive: a photo that is not one is not even looked at.
    const photo = await multipart({ typeId: String(t.plain.id), description: 'Със „снимка“', lat: '42.6846', lon: '23.3189', step: 'submit', formStamp: await stampOf(app, '/signals/new') }, [
      { name: 'photos', filename: 'p.jpg', data: Buffer.from('not a photo'), type: 'image/jpeg' },
    ]);
    const withPhoto = await app.app.inject({ method: 'POST', url: '/signals/new', ...photo, remoteAddress: from });
    expect(withPhoto.statusCode).toBe(429);
    expect(withPhoto.body).not.toContain('Файлът не е снимка');

    expect(await lastValue(question)).toBe(last);
    expect(await caseCount()).toBe(count);
    // Another address is not affected, and its number follows the last one without a gap.
    const other = await apiQuestion(ip());
    expect(other.statusCode).toBe(201);
    expect(seqOf(other.json().number)).toBe(last + 1);
  });

  test('45 questions at once from one address: exactly 40 registered, with 40 consecutive numbers', async () => {
    const from = ip();
    const last = await lastValue(KINDS.question.register);
    const res = await Promise.all(Array.from({ length: 45 }, () => apiQuestion(from)));
    expect(res.filter((r) => r.statusCode === 201)).toHaveLength(40);
    expect(res.filter((r) => r.statusCode === 429)).toHaveLength(5);
    const seqs = res.filter((r) => r.statusCode === 201).map((r) => seqOf(r.json().number)).sort((a, b) => a - b);
    expect(seqs[0]).toBe(last + 1);
    expect(seqs.at(-1)).toBe(last + 40);
  });

  test('an IPv6 client is counted by its /64 network, an IPv4-mapped one as IPv4', () => {
    expect(addressSubject('2001:db8:1:2::1')).toBe(addressSubject('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressSubject('2001:db8:1:2::1')).not.toBe(addressSubject('2001:db8:1:3::1'));
    expect(addressSubject('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressSubject('10.1.2.3')).toBe('10.1.2.3');
  });
});

describe('per recipient email (5 confirmations an hour to an address nobody verified)', () => {
  test('“Prize Dept”: five emails greet no one by name, the 6th is refused naming the email field, no number taken', async () => {
    const victim = `victim.${tag()}@example.bg`;
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await apiQuestion(ip(), { email: victim, name: 'Prize Dept' });
      expect(res.statusCode).toBe(201);
      numbers.push(res.json().number);
    }
    const mails = await mailsTo(app, victim);
    expect(mails).toHaveLength(5);
    for (const m of mails) {
      expect(m.text.startsWith('Здравейте,\n')).toBe(true);
      expect(m.text).not.toContain('Prize Dept');
      expect(m.html).not.toContain('Prize Dept');
    }

    const last = await lastValue(KINDS.question.register);
    const count = await caseCount();
    const refused = await apiQuestion(ip(), { email: victim, name: 'Prize Dept' });
    expect(refused.statusCode).toBe(429);
    const body = refused.json();
    expect(body.error.code).toBe('RECIPIENT_LIMITED');
    expect(body.error.fields).toEqual([expect.objectContaining({ field: 'email', code: 'RECIPIENT_LIMITED' })]);
    expect(body.error.message).toMatch(/^email: .*5 потвърждения/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The same mailbox written another way counts too.
    const tagged = victim.replace('@', '+prize@').toUpperCase();
    expect((await apiQuestion(ip(), { email: tagged })).statusCode).toBe(429);
    // The web form shows it next to the email field.
    const page = await webForm('question', ip(), { description: 'Въпрос с чужд имейл', email: victim });
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('href="#email"');
    expect(page.body).toContain('Имейл за известяване: На този имейл адрес вече изпратихме 5 потвърждения');
    // Open311's email too, in Open311's error form.
    const o311 = await app.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: new URLSearchParams({ api_key: DEMO_API_KEY, service_code: t.plain.code, lat: '42.6846', long: '23.3189', description: 'През Open311 с чужд имейл', email: victim }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(o311.statusCode).toBe(429);
    expect(o311.json()).toEqual([{ code: 429, description: expect.stringMatching(/^email: /) }]);

    expect(await lastValue(KINDS.question.register)).toBe(last);
    expect(await caseCount()).toBe(count);
    expect(await mailsTo(app, victim)).toHaveLength(5);
    // Without the email the same person is served at once.
    expect((await apiQuestion(ip(), { name: 'Prize Dept' })).statusCode).toBe(201);
  });

  test('a signed-in person’s own verified email is not limited and is greeted by name', async () => {
    const p = await citizen(app);
    for (let i = 0; i < 6; i++) {
      const res = await webForm('signal', ip(), { description: `Мой сигнал ${i}`, lat: '42.6846', lon: '23.3189', name: 'Елена Иванова', email: p.email }, p.cookie);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    }
    const mails = (await mailsTo(app, p.email)).filter((m) => m.template === 'case-registered');
    expect(mails).toHaveLength(6);
    expect(mails[0]!.text.startsWith('Здравейте, Елена Иванова,\n')).toBe(true);
  });

  test('operators registering calls are staff: not limited', async () => {
    const op = await staff(app, 'operator', 'KC');
    const caller = `caller.${tag()}@example.bg`;
    for (let i = 0; i < 6; i++) {
      const res = await post(app, '/staff/console/register', { kind: 'question', typeId: String(t.plain.id), description: `Обаждане ${i}`, name: 'Стефан Колев', email: caller }, { cookie: op.cookie });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    }
    expect(await mailsTo(app, caller)).toHaveLength(6);
  });

  test('the mailbox is what is counted: case, +tags and Gmail’s dots do not make a new address', () => {
    expect(recipientSubject('Victim+x@Example.BG')).toBe(recipientSubject('victim@example.bg'));
    expect(recipientSubject('v.i.c.t.i.m@googlemail.com')).toBe(recipientSubject('victim@gmail.com'));
    expect(recipientSubject('v.ictim@example.bg')).not.toBe(recipientSubject('victim@example.bg'));
  });
});

describe('the anonymous web forms: honeypot and minimum fill time, as on registration', () => {
  test('a form without a stamp, with the honeypot filled or sent too fast registers nothing; “Continue” and the retry keep working', async () => {
    const count = await caseCount();
    const fields = { typeId: String(t.plain.id), description: 'Въпрос от робот', step: 'submit' };
    const send = async (extra: Record<string, string>) => {
      const form = await multipart({ ...fields, ...extra });
      return app.app.inject({ method: 'POST', url: '/questions/new', ...form, remoteAddress: ip() });
    };
    const none = await send({});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Формулярът не може да бъде приет');
    const honey = await send({ formStamp: await stampOf(app, '/questions/new'), website: 'http://spam.example' });
    expect(honey.statusCode).toBe(400);

    // The page carries the fields; a person who sends within FORM_MIN_SECONDS is asked to send again, with the text kept.
    const page = await app.app.inject({ url: '/questions/new' });
    expect(page.body).toContain('name="website"');
    const fresh = /name="formStamp" value="([^"]+)"/.exec(page.body)![1]!;
    const fast = await send({ formStamp: fresh });
    expect(fast.statusCode).toBe(400);
    expect(fast.body).toContain('Формулярът беше изпратен твърде бързо');
    expect(fast.body).toContain('Въпрос от робот');
    expect(fast.body).toContain(`value="${fresh}"`);
    expect(await caseCount()).toBe(count);

    // Without JavaScript, "Continue" submits nothing and keeps the stamp of the first display.
    const shown = await stampOf(app, '/signals/new');
    const cont = await multipart({ typeId: String(t.pothole.id), step: 'type', formStamp: shown });
    const step = await app.app.inject({ method: 'POST', url: '/signals/new', ...cont, remoteAddress: ip() });
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('name="x_surface"');
    expect(step.body).toContain(`value="${shown}"`);
    // A field error brings the form back with a fresh stamp, and the corrected form goes through.
    const from = ip();
    const bad = await multipart({ typeId: String(t.plain.id), description: '', step: 'submit', formStamp: await stampOf(app, '/questions/new') });
    const wrong = await app.app.inject({ method: 'POST', url: '/questions/new', ...bad, remoteAddress: from });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#description"');
    expect(wrong.body).toContain('name="formStamp"');
    expect((await webForm('question', from, { description: 'Поправен въпрос' })).statusCode).toBe(303);
  });
});

describe('per Open311 key: an hourly quota administrators set', () => {
  test('over the quota the client gets Open311’s error with 429 and nothing is registered; the change is audited; 0 blocks', async () => {
    const admin = await staff(app, 'admin', 'KC');
    const created = await post(app, '/admin/api-keys', { name: `Квотен клиент ${tag()}` }, { cookie: admin.cookie });
    const key = /<code id="new-key">([^<]+)<\/code>/.exec(created.body)![1]!;
    const { rows } = await app.ctx.db.raw.executeSql('SELECT id, hourly_quota FROM api_keys WHERE prefix = $1', [key.slice(0, 8)]);
    expect(rows[0].hourly_quota).toBe(500);
    const id = rows[0].id;

    // Administrators only; a quota must be a whole number in range, said next to the field.
    const citizenCookie = (await citizen(app)).cookie;
    expect((await post(app, `/admin/api-keys/${id}/quota`, { quota: '5' }, { cookie: citizenCookie })).statusCode).toBe(403);
    const wrong = await post(app, `/admin/api-keys/${id}/quota`, { quota: 'много' }, { cookie: admin.cookie });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Квотата е цяло число от 0 до 100 000');
    expect(wrong.body).toContain('value="много"');
    expect((await post(app, `/admin/api-keys/${id}/quota`, { quota: '2' }, { cookie: admin.cookie })).statusCode).toBe(303);

    const submit = (fmt: 'json' | 'xml' = 'json') =>
      app.app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${fmt}`,
        payload: new URLSearchParams({ api_key: key, service_code: t.plain.code, lat: '42.6846', long: '23.3189', description: 'Сигнал от клиент с квота' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await submit()).statusCode).toBe(200);
    expect((await submit()).statusCode).toBe(200);
    const last = await lastValue(KINDS.signal.register);
    const count = await caseCount();
    const over = await submit();
    expect(over.statusCode).toBe(429);
    expect(over.json()).toEqual([{ code: 429, description: expect.stringContaining('api_key') }]);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const xml = await submit('xml');
    expect(xml.statusCode).toBe(429);
    expect(xml.body).toContain('<code>429</code>');
    expect(await lastValue(KINDS.signal.register)).toBe(last);
    expect(await caseCount()).toBe(count);

    // The page shows the quota and this hour's use.
    const list = await app.app.inject({ url: '/admin/api-keys', headers: { cookie: admin.cookie } });
    expect(list.body).toContain(`id="quota-${id}"`);
    expect(list.body).toMatch(new RegExp(`id="quota-${id}"[^>]*value="2"|value="2"[^>]*id="quota-${id}"`));
    expect(list.body).toContain('4 в текущия час');

    expect((await post(app, `/admin/api-keys/${id}/quota`, { quota: '0' }, { cookie: admin.cookie })).statusCode).toBe(303);
    const blocked = await submit();
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()[0].description).toContain('спряно от администратор');

    const audit = await app.ctx.db.raw.executeSql("SELECT action, before, after, actor_id FROM audit_log WHERE entity = 'api_key' AND entity_id = $1 AND action = 'api_key.quota' ORDER BY id", [String(id)]);
    expect(audit.rows.map((r: { before: { hourlyQuota: number }; after: { hourlyQuota: number } }) => [r.before.hourlyQuota, r.after.hourlyQuota])).toEqual([
      [500, 2],
      [2, 0],
    ]);
    expect(audit.rows.every((r: { actor_id: string }) => r.actor_id === admin.id)).toBe(true);
  });
});

describe('documents (letters, complaints, proposals, requests): 20 an hour per account, 30 per address', () => {
  test('the 21st document of one account is refused, with no number taken', async () => {
    const p = await citizen(app);
    const [unit] = (await app.ctx.db.raw.executeSql('SELECT id FROM units ORDER BY id LIMIT 1', [])).rows;
    const letter = async () => {
      const body = await multipart({ kind: 'letter', unitId: String(unit.id), subject: 'Писмо', description: 'Текст на писмото' });
      return app.app.inject({ method: 'POST', url: '/documents/new', payload: body.payload, headers: { ...body.headers, cookie: p.cookie }, remoteAddress: ip() });
    };
    for (let i = 0; i < 20; i++) expect((await letter()).statusCode).toBe(303);
    const last = await lastValue(KINDS.letter.register);
    const count = await caseCount();
    const refused = await letter();
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Подадени са твърде много документи');
    expect(refused.body).toContain('Текст на писмото');
    expect(await lastValue(KINDS.letter.register)).toBe(last);
    expect(await caseCount()).toBe(count);
  });
});
