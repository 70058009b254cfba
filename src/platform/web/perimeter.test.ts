import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { sessions, users } from '../auth/index.js';
import { caseEvents, cases } from '../../modules/cases/index.js';
import { units } from '../../modules/catalog/catalog.tables.js';
import { extraApp, rawInject, testApp, testConfig } from '../../../test/harness.js';
import { multipart, signalBody, types } from '../../../test/factories.js';
import { citizen, ip, post, staff, stampOf } from '../../../test/accounts.factories.js';

let app: App;
beforeAll(async () => {
  app = await testApp();
});

const enc = encodeURIComponent;
const EVIL = 'https://evil.example';
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A signal through the JSON API (no cookie, no Origin: an API client), routed to Lozenets. */
async function signal(): Promise<string> {
  const { plain } = await types(app);
  const res = await rawInject(app, { method: 'POST', url: '/api/v1/cases', payload: signalBody(plain) });
  expect(res.statusCode).toBe(201);
  return res.json().number as string;
}
async function notesOf(number: string): Promise<number> {
  const [c] = await app.ctx.db.orm.select({ id: cases.id }).from(cases).where(eq(cases.regNumber, number));
  return (await app.ctx.db.orm.select().from(caseEvents).where(eq(caseEvents.caseId, c!.id))).filter((e) => e.type === 'note').length;
}
/** The CSRF token of a page as the browser holds it: the hidden field and the cookie it belongs to. */
async function tokenOf(path: string, cookie = ''): Promise<{ token: string; cookie: string }> {
  const res = await app.app.inject({ url: path, headers: cookie ? { cookie } : {} });
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!m) throw new Error(`no CSRF field on ${path} (${res.statusCode})`);
  const raw = res.headers['set-cookie'];
  const set = ((Array.isArray(raw) ? raw : [raw]).filter(Boolean) as string[]).find((c) => c.includes('csrf='));
  if (!set) throw new Error(`no CSRF cookie from ${path}`);
  return { token: m[1]!, cookie: [cookie, set.split(';')[0]].filter(Boolean).join('; ') };
}

describe('CSRF: a cross-site request never acts with the visitor’s cookies (defect 5)', () => {
  let officer: Awaited<ReturnType<typeof staff>>;
  let admin: Awaited<ReturnType<typeof staff>>;
  beforeAll(async () => {
    // An officer of the unit the test signals are routed to.
    const [c] = await app.ctx.db.orm.select({ unit: units.code }).from(cases).innerJoin(units, eq(units.id, cases.unitId)).where(eq(cases.regNumber, await signal()));
    officer = await staff(app, 'officer', c!.unit);
    admin = await staff(app, 'admin', 'KC');
  });

  test('a staff note posted cross-site with a valid session and Origin null, missing or foreign is refused and nothing is written', async () => {
    const number = await signal();
    const url = `/staff/cases/${enc(number)}/note`;
    const payload = form({ text: 'Бележка от чужд сайт' });
    for (const headers of [{ origin: 'null' }, { origin: EVIL }, { origin: EVIL, 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'cross-site' }, {}, { origin: 'garbage' }, { origin: 'http://[' }]) {
      const res = await rawInject(app, { method: 'POST', url, payload, headers: { ...FORM, cookie: officer.cookie, ...headers } });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
    }
    expect(await notesOf(number)).toBe(0);
    // The same browser on our own page: Sec-Fetch-Site same-origin, or our Origin (the public address or the Host).
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { origin: 'http://sofia.test' }, { origin: 'http://localhost:80', host: 'localhost:80' }]) {
      const res = await rawInject(app, { method: 'POST', url, payload, headers: { ...FORM, cookie: officer.cookie, ...headers } });
      expect(res.statusCode, JSON.stringify(headers)).toBe(303);
    }
    expect(await notesOf(number)).toBe(3);
  });

  test('an administrator’s suspension of a user posted with Origin null is refused; the user stays unsuspended', async () => {
    const victim = await citizen(app);
    const [row] = await app.ctx.db.orm.select().from(users).where(eq(users.username, victim.username));
    const url = `/admin/users/${row!.id}/suspend`;
    const payload = form({ reason: 'Злоупотреба, установена при проверка' });
    const res = await rawInject(app, { method: 'POST', url, payload, headers: { ...FORM, cookie: admin.cookie, origin: 'null' } });
    expect(res.statusCode).toBe(403);
    expect((await app.ctx.db.orm.select().from(users).where(eq(users.id, row!.id)))[0]!.suspendedAt).toBeNull();
    // An admin form post (a new API key) is refused the same way.
    const key = await rawInject(app, { method: 'POST', url: '/admin/api-keys', payload: form({ name: 'От чужд сайт' }), headers: { ...FORM, cookie: admin.cookie, origin: 'null' } });
    expect(key.statusCode).toBe(403);
  });

  test('login posted cross-site (login CSRF) is refused without a session; from our page it works', async () => {
    const p = await citizen(app);
    const payload = form({ login: p.username, password: p.password });
    for (const headers of [{ origin: 'null' }, { origin: EVIL }, {}]) {
      const res = await rawInject(app, { method: 'POST', url: '/login', payload, headers: { ...FORM, ...headers }, remoteAddress: ip() });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('session_token');
    }
    // The login page gives the form its token; posted with it, login works even without Origin.
    const t = await tokenOf('/login');
    const ok = await rawInject(app, { method: 'POST', url: '/login', payload: form({ login: p.username, password: p.password, _csrf: t.token }), headers: { ...FORM, cookie: t.cookie }, remoteAddress: ip() });
    expect(ok.statusCode).toBe(303);
    expect(String(ok.headers['set-cookie'])).toContain('session_token');
  });

  test('a valid token is accepted without Origin (form field, header, or the query of a multipart form); a wrong one is not', async () => {
    const number = await signal();
    const page = `/staff/cases/${enc(number)}`;
    const t = await tokenOf(page, officer.cookie);
    const url = `${page}/note`;
    const field = await rawInject(app, { method: 'POST', url, payload: form({ text: 'С токен', _csrf: t.token }), headers: { ...FORM, cookie: t.cookie } });
    expect(field.statusCode).toBe(303);
    const header = await rawInject(app, { method: 'POST', url, payload: form({ text: 'С токен в заглавие' }), headers: { ...FORM, cookie: t.cookie, 'x-csrf-token': t.token } });
    expect(header.statusCode).toBe(303);
    const body = await multipart({ text: 'С токен, multipart' });
    const multi = await rawInject(app, { method: 'POST', url: `${url}?_csrf=${enc(t.token)}`, payload: body.payload, headers: { ...body.headers, cookie: t.cookie } });
    expect(multi.statusCode).toBe(303);
    // Someone else's token, or a token without its cookie, proves nothing.
    const other = await tokenOf('/login');
    for (const [token, cookie] of [[other.token, t.cookie], [t.token, officer.cookie], ['x'.repeat(43), t.cookie]] as const) {
      const res = await rawInject(app, { method: 'POST', url, payload: form({ text: 'Подправен токен', _csrf: token }), headers: { ...FORM, cookie } });
      expect(res.statusCode).toBe(403);
    }
    expect(await notesOf(number)).toBe(3);
  });

  test('every POST form in the code carries the token', () => {
    const root = join(fileURLToPath(import.meta.url), '../../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.tsx')) files.push(join(dir, e.name));
      }
    };
    walk(root);
    let forms = 0;
    for (const f of files) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/<form\b[^>]*method="post"/.test(line)) return;
        forms++;
        const multipartForm = /multipart/.test(line);
        expect(lines[i + 1] ?? '', `${f}:${i + 1}`).toContain('<CsrfField');
        if (multipartForm) expect(line, `${f}:${i + 1}`).toContain('csrfAction(');
      });
    }
    expect(forms).toBeGreaterThanOrEqual(39);
  });

  test('clients without our cookies keep working without Origin: the JSON API, anonymous forms', async () => {
    const { plain } = await types(app);
    const api = await rawInject(app, { method: 'POST', url: '/api/v1/cases', payload: signalBody(plain) });
    expect(api.statusCode).toBe(201);
    const nul = await rawInject(app, { method: 'POST', url: '/api/v1/cases', payload: signalBody(plain), headers: { origin: 'null' } });
    expect(nul.statusCode).toBe(201);
    // A page on another site may not post even anonymous data with a foreign Origin; garbage is refused, not a crash.
    for (const origin of [EVIL, 'garbage']) {
      const res = await rawInject(app, { method: 'POST', url: '/api/v1/cases', payload: signalBody(plain), headers: { origin } });
      expect(res.statusCode, origin).toBe(403);
    }
  });
});

describe('redirect targets stay on this site (defect 6)', () => {
  const EVIL_TARGETS = [
    '/\t/evil.example',
    '/%09/evil.example',
    '\t//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '//evil.example',
    '///evil.example',
    '/.//evil.example',
    'https://evil.example',
    'https:evil.example',
    '/\r\n/evil.example',
    '/\r\nSet-Cookie: x=1',
    '/\n/evil.example',
    ' /evil',
    'javascript:alert(1)',
    '/\u0000/evil.example',
    '/\u2028/evil.example',
  ];
  const offSite = (location: string | undefined) => {
    if (location === undefined) return true;
    if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029\\]/.test(location)) return true;
    return new URL(location, 'http://sofia.test').origin !== 'http://sofia.test';
  };

  test('the language switch never answers a Location another site, and never 5xx', async () => {
    for (const back of EVIL_TARGETS) {
      for (const url of [`/lang/en?back=${enc(back)}`, `/lang/en?back=${back.replace(/\t/g, '%09').replace(/\r/g, '%0d').replace(/\n/g, '%0a')}`]) {
        const res = await app.app.inject({ url });
        expect(res.statusCode, url).toBe(303);
        expect(offSite(res.headers.location as string), `${url} → ${res.headers.location}`).toBe(false);
      }
    }
    const ok = await app.app.inject({ url: `/lang/en?back=${enc('/signals/new?type=3#map')}` });
    expect(ok.headers.location).toBe('/signals/new?type=3#map');
  });

  test('login’s next never leads to another site, before or after logging in', async () => {
    const p = await citizen(app);
    for (const next of EVIL_TARGETS) {
      const res = await app.app.inject({ url: `/login?next=${enc(next)}`, headers: { cookie: p.cookie } });
      expect(res.statusCode, next).toBe(303);
      expect(offSite(res.headers.location as string), `${next} → ${res.headers.location}`).toBe(false);
      const page = await app.app.inject({ url: `/login?next=${enc(next)}` });
      expect(page.statusCode, next).toBe(200);
    }
    for (const next of ['/\t/evil.example', '/\r\n/evil.example', '//evil.example']) {
      const res = await post(app, '/login', { login: p.username, password: p.password, next });
      expect(res.statusCode, next).toBe(303);
      expect(res.headers.location, next).toBe('/');
    }
    const ok = await app.app.inject({ url: `/login?next=${enc('/my/cases?page=2')}`, headers: { cookie: p.cookie } });
    expect(ok.headers.location).toBe('/my/cases?page=2');
  });
});

describe('body limits (defect 7)', () => {
  test('a 2 MB url-encoded signal form is refused with 413 and a short page that does not echo it', async () => {
    const { plain } = await types(app);
    const big = 'Ж'.repeat(1024 * 1024);
    const res = await rawInject(app, { method: 'POST', url: '/signals/new', payload: form({ typeId: String(plain.id), description: big }), headers: FORM });
    expect(res.statusCode).toBe(413);
    expect(res.body.length).toBeLessThan(20_000);
    expect(res.body).toContain('твърде големи');
    // One oversized value inside a small body is not echoed either.
    const one = await rawInject(app, { method: 'POST', url: '/questions/new', payload: form({ typeId: String(plain.id), description: 'Ъ'.repeat(40_000) }), headers: FORM });
    expect(one.statusCode).toBe(413);
    expect(one.body).not.toContain('ЪЪЪЪЪЪЪЪЪЪ');
  });

  test('a multipart request over the per-request limit is refused with 413, nothing is registered and no upload stays on disk', async () => {
    const { plain } = await types(app);
    const description = `Прекалено голяма заявка ${Date.now()}`;
    const chunk = Buffer.alloc(9 * 1024 * 1024, 7);
    const body = await multipart(
      { typeId: String(plain.id), categoryId: String(plain.categoryId), description, lat: '42.6846', lon: '23.3189' },
      Array.from({ length: 6 }, (_, i) => ({ name: 'photos', filename: `p${i}.jpg`, data: chunk, type: 'image/jpeg' })),
    );
    const res = await rawInject(app, { method: 'POST', url: '/signals/new', payload: body.payload, headers: body.headers });
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.body.length).toBeLessThan(60_000);
    const saved = await app.ctx.db.orm.select({ id: cases.id }).from(cases).where(eq(cases.description, description));
    expect(saved).toEqual([]);
    const tmp = join(app.ctx.config.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });

  test('a photo is streamed to disk, checked, and its temporary file removed after the request', async () => {
    const { plain } = await types(app);
    const { phonePhoto } = await import('../../../test/factories.js');
    const body = await multipart(
      { typeId: String(plain.id), categoryId: String(plain.categoryId), description: 'Сигнал със снимка през диска', lat: '42.6846', lon: '23.3189', formStamp: await stampOf(app, '/signals/new') },
      [{ name: 'photos', filename: 'a.jpg', data: await phonePhoto(), type: 'image/jpeg' }],
    );
    const res = await rawInject(app, { method: 'POST', url: '/signals/new', payload: body.payload, headers: body.headers });
    expect(res.statusCode).toBe(303);
    const token = String(res.headers.location).split('/')[2]!.split('?')[0]!;
    const page = await app.app.inject({ url: `/p/${token}` });
    expect(page.body).toMatch(/\/p\/[^"]+\/photos\/[0-9a-f-]{36}\/thumb\.jpg/);
    const tmp = join(app.ctx.config.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });
});

describe('bad input at the perimeter answers 4xx, never 5xx (defect 8)', () => {
  test('a broken Referer on a page that needs login, a path out of /static, garbage Origin', async () => {
    const res = await rawInject(app, { method: 'POST', url: '/account/profile', payload: form({ firstName: 'X' }), headers: { ...FORM, referer: 'http://[' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    const fromPage = await rawInject(app, { method: 'POST', url: '/account/profile', payload: form({ firstName: 'X' }), headers: { ...FORM, referer: 'http://sofia.test/account?x=1' } });
    expect(fromPage.headers.location).toBe(`/login?next=${enc('/account')}`);
    const foreign = await rawInject(app, { method: 'POST', url: '/account/profile', payload: form({ firstName: 'X' }), headers: { ...FORM, referer: 'https://evil.example//evil.example' } });
    expect(foreign.headers.location).toBe('/login?next=%2F');
    for (const url of ['/static/../../package.json', '/static/..%2f..%2fpackage.json', '/static/%2e%2e/%2e%2e/package.json', '/vendor/leaflet/../../../package.json']) {
      const s = await app.app.inject({ url });
      expect(s.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(s.statusCode, url).toBeLessThan(500);
    }
    const garbage = await app.app.inject({ method: 'POST', url: '/logout', headers: { origin: 'garbage' } });
    expect(garbage.statusCode).toBe(403);
  });
});

describe('logs: no SQL parameters, no tokens (defect 8, item 12)', () => {
  let logged: App;
  const lines: string[] = [];
  beforeAll(async () => {
    logged = await extraApp({
      config: testConfig({ logLevel: 'info', metricsToken: 'metrics-token-0123456789abcdef' }),
      logger: true,
      logStream: { write: (s: string) => void lines.push(s) },
      runWorkers: false,
      routes: (a, ctx) => {
        // A query that fails with a person's data among its parameters, as a NUL in a text once did.
        a.get('/test/failing-query', async () => ctx.db.orm.execute(sql`SELECT ${'Мария Тайнова maria.tainova@example.bg'}::int`));
        a.get('/test/failing-raw', async () => ctx.db.raw.executeSql('SELECT $1::int', ['raw.secret@example.bg']));
      },
    });
  });
  afterAll(async () => {
    await logged?.close();
  });

  test('a failing query answers 500 and its log names the error, not the values', async () => {
    for (const url of ['/test/failing-query', '/test/failing-raw']) {
      const res = await logged.app.inject({ url });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('@example.bg');
    }
    const log = lines.join('');
    expect(log).toContain('unhandled error');
    expect(log).toContain('22P02');
    expect(log).not.toContain('maria.tainova');
    expect(log).not.toContain('Тайнова');
    expect(log).not.toContain('raw.secret');
  });

  test('request logs carry no private links, unsubscribe codes, reset or verify tokens, CSRF tokens or API keys', async () => {
    const secrets = ['PrivTok0123456789abcdefghijklmn', 'MacCode0123456789abcd', 'ResetTok0123456789', 'VerifyTok0123456789', 'CsrfTok0123456789', 'ApiKey0123456789', 'O311Tok0123456789', 'EmailTok0123456789'];
    for (const url of [
      `/p/${secrets[0]}?new=1`,
      `/p/${secrets[0]}/receipt`,
      `/unsubscribe/12/${secrets[1]}`,
      `/reset-password?token=${secrets[2]}`,
      `/verify-email?token=${secrets[3]}&lang=en`,
      `/login?_csrf=${secrets[4]}`,
      `/open311/v2/requests.json?api_key=${secrets[5]}`,
      `/open311/v2/tokens/${secrets[6]}.json`,
      `/account/email/confirm?u=1&token=${secrets[7]}`,
    ]) {
      await logged.app.inject({ url });
    }
    const log = lines.join('');
    expect(log).toContain('"url":"/p/[redacted]?new=1"');
    expect(log).toContain('/unsubscribe/12/[redacted]');
    expect(log).toContain('lang=en');
    for (const s of secrets) expect(log, s).not.toContain(s);
  });

  test('/metrics answers loopback, or a scraper with the bearer token; nobody else', async () => {
    expect((await logged.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    const outside = { remoteAddress: '203.0.113.9' };
    expect((await logged.app.inject({ url: '/metrics', ...outside })).statusCode).toBe(403);
    expect((await logged.app.inject({ url: '/metrics', ...outside, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(403);
    const ok = await logged.app.inject({ url: '/metrics', ...outside, headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('http_requests_total');
    // Without a token setting: loopback only.
    expect((await app.app.inject({ url: '/metrics', ...outside })).statusCode).toBe(403);
    expect((await app.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });
});

describe('the development mailbox (defect 2)', () => {
  test('in demo mode on the embedded database: loopback and administrators only', async () => {
    expect((await app.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(200);
    const outside = { remoteAddress: '198.51.100.23' };
    expect((await app.app.inject({ url: '/dev/mailbox', ...outside })).statusCode).toBe(404);
    expect((await app.app.inject({ url: '/dev/mailbox/1', ...outside })).statusCode).toBe(404);
    const someone = await citizen(app);
    expect((await app.app.inject({ url: '/dev/mailbox', ...outside, headers: { cookie: someone.cookie } })).statusCode).toBe(404);
    const admin = await staff(app, 'admin', 'KC');
    expect((await app.app.inject({ url: '/dev/mailbox', ...outside, headers: { cookie: admin.cookie } })).statusCode).toBe(200);
  });

  test('absent on a server configuration (DATABASE_URL) and with demo off; /health and the admin dashboard say mail is not sent', async () => {
    for (const config of [testConfig({ demo: true, databaseUrl: 'postgres://db.example/sofia' }), testConfig({ demo: false })]) {
      const other = await extraApp({ config, runWorkers: false });
      try {
        expect((await other.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(404);
        const health = (await other.app.inject({ url: '/health' })).json();
        expect(health).toMatchObject({ status: 'ok', mail: { smtp: false } });
        expect(typeof health.mail.queued).toBe('number');
      } finally {
        await other.close();
      }
    }
    const admin = await staff(app, 'admin', 'KC');
    const dash = await app.app.inject({ url: '/admin', headers: { cookie: admin.cookie } });
    expect(dash.body).toContain('SMTP_URL');
  });
});

describe('sessions end after SESSION_MAX_HOURS however active (item 12)', () => {
  test('a session created 13 hours ago is ended and deleted; one created 11 hours ago still works', async () => {
    const p = await citizen(app);
    const token = decodeURIComponent(p.cookie.split('=').slice(1).join('=')).split('.')[0]!;
    const me = () => app.app.inject({ url: '/api/v1/me', headers: { cookie: p.cookie } });
    expect((await me()).statusCode).toBe(200);
    await app.ctx.db.orm.update(sessions).set({ createdAt: sql`now() - interval '11 hours'` }).where(eq(sessions.token, token));
    expect((await me()).statusCode).toBe(200);
    await app.ctx.db.orm.update(sessions).set({ createdAt: sql`now() - interval '13 hours'` }).where(eq(sessions.token, token));
    const ended = await me();
    expect(ended.statusCode).toBe(401);
    expect(String(ended.headers['set-cookie'])).toMatch(/session_token=;|session_token=[^;]*;.*Max-Age=0/);
    expect(await app.ctx.db.orm.select().from(sessions).where(eq(sessions.token, token))).toEqual([]);
  });
});
