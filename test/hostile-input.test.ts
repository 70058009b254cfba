/**
 * Bad input answers 4xx with a message that names the field and says what is wrong, never 5xx,
 * and saves nothing (issue 11, defects 8, 9 and 10). First the concrete items the security review
 * reproduced, then property tests (fast-check, seeded) that send hostile values to every entry point.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../src/app.js';
import { clock, testApp } from './harness.js';
import { multipart, POINTS, signalBody, types } from './factories.js';
import { citizen, ip, pdf, person, staff, stampOf } from './accounts.factories.js';
import type { CatalogType } from '../src/modules/catalog/index.js';
import { SubmitCaseBody } from '../src/modules/cases/cases.schemas.js';
import { DocumentBody } from '../src/modules/cases/cases.documents.routes.js';
import { RegisterBody } from '../src/modules/accounts/accounts.schemas.js';
import { PostRequestBody, RequestsQuery, SignalsQuery } from '../src/modules/open311/open311.schemas.js';
import { OverviewQuery } from '../src/modules/overview/overview.schemas.js';
import { createKey } from '../src/modules/open311/open311.keys.js';

let app: App;
let t: Awaited<ReturnType<typeof types>>;
let parking: CatalogType;
let admin: { cookie: string };
let officer: { cookie: string };

async function caseCount(): Promise<number> {
  const { rows } = await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM cases', []);
  return (rows[0] as { n: number }).n;
}

const api = (payload: unknown, lang?: 'en') =>
  app.app.inject({ method: 'POST', url: `/api/v1/cases${lang ? '?lang=en' : ''}`, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });

type Fields = { field: string; code: string; message: string }[];

/** A 400 from the JSON API naming `field`; answers the field's message. */
function fieldError(res: { statusCode: number; body: string; json: () => unknown }, field: string): string {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(400);
  const fields = (res.json() as { error: { fields?: Fields } }).error.fields ?? [];
  const f = fields.find((x) => x.field === field);
  expect(f, `${field} in ${res.body.slice(0, 500)}`).toBeDefined();
  return f!.message;
}

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  t = await types(app);
  parking = t.all.find((x) => x.fields.some((f) => f.code === 'seen_on'))!;
  admin = await staff(app, 'admin', 'KC');
  officer = await staff(app, 'officer', 'R09-ADM');
});

describe('the concrete items of defects 8 and 9', () => {
  test('a NUL or another control character in a text is a 400 naming the field, not a 500; nothing is saved', async () => {
    const before = await caseCount();
    for (const [field, value] of [
      ['description', 'Дупка\u0000на пътя'],
      ['description', 'Дупка \u001b[31m на пътя'],
      ['name', 'Мария\u0000'],
      ['address', 'ул. „Шипка“\u00076'],
    ] as const) {
      const msg = fieldError(await api(signalBody(t.plain, { [field]: value })), field);
      expect(msg).toMatch(/управляващи знаци/);
    }
    // Lines and tabs are fine in a long text.
    const ok = await api(signalBody(t.plain, { description: 'Първи ред\r\nвтори ред\tс табулация' }));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await caseCount()).toBe(before + 1);
  });

  test('JSON with a number or an object where the form expects text is a 400 naming the field', async () => {
    const before = await caseCount();
    for (const description of [123, { a: 1 }, [1, 2], true, null]) {
      const res = await app.app.inject({
        method: 'POST',
        url: '/signals/new',
        payload: JSON.stringify({ typeId: t.plain.id, description, address: 'ул. „Шипка“ 6', step: 'submit', formStamp: await stampOf(app, '/signals/new') }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, `${JSON.stringify(description)}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.body, res.body.replace(/[\s\S]*<main/, '').slice(0, 3000)).toContain('href="#description"');
    }
    expect(await caseCount()).toBe(before);
  });

  test('numbers out of range say their range (lat=999, page=10001, page=0), in both languages', async () => {
    expect(fieldError(await api(signalBody(t.plain, { lat: 999 })), 'lat')).toBe('Стойността трябва да е между -90 и 90.');
    expect(fieldError(await api(signalBody(t.plain, { lat: '999', lang: 'en' }), 'en'), 'lat')).toBe('The value must be between -90 and 90.');
    expect(fieldError(await app.app.inject({ url: '/api/v1/signals?page=10001' }), 'page')).toBe('Стойността трябва да е между 1 и 10 000.');
    expect(fieldError(await app.app.inject({ url: '/api/v1/signals?page=0&lang=en' }), 'page')).toBe('The value must be between 1 and 10,000.');
    // A text too long says its maximum.
    expect(fieldError(await api(signalBody(t.plain, { description: 'я'.repeat(4001) })), 'description')).toBe('Текстът е твърде дълъг: най-много 4000 знака.');
  });

  test('lat of "", null, true or [] is not 0 or 1', async () => {
    const before = await caseCount();
    expect(fieldError(await api(signalBody(t.plain, { lat: true })), 'lat')).toBe('Въведете число.');
    expect(fieldError(await api(signalBody(t.plain, { lat: [] })), 'lat')).toBe('Въведете число.');
    expect(fieldError(await api(signalBody(t.plain, { lat: '1e1' })), 'lat')).toBe('Въведете число.');
    // Empty is absent: a longitude without a latitude is not a point.
    for (const lat of ['', null]) {
      const res = await api(signalBody(t.plain, { lat }));
      expect(res.statusCode).toBe(400);
      expect((res.json() as { error: { fields: Fields } }).error.fields.map((f) => f.field)).toContain('lat');
    }
    expect(await caseCount()).toBe(before);
  });

  test('a description of only spaces and zero-width characters is empty', async () => {
    expect(fieldError(await api(signalBody(t.plain, { description: ' \u200B\u200C\u200D\u2060\uFEFF\u00AD ' })), 'description')).toBe('Полето е задължително.');
  });

  test('extra fields: a negative size and dates in 2099 or 0000 are refused with their bounds', async () => {
    const before = await caseCount();
    const extra = (over: Record<string, unknown>, type: CatalogType) => ({ ...signalBody(type).extra, ...over });
    expect(fieldError(await api(signalBody(t.pothole, { extra: extra({ size_cm: -5 }, t.pothole) })), 'extra.size_cm')).toMatch(/^Стойността трябва да е между 1 и \d/);
    expect(fieldError(await api(signalBody(t.pothole, { extra: extra({ size_cm: 1e9 }, t.pothole) })), 'extra.size_cm')).toMatch(/^Стойността трябва да е между/);
    for (const day of ['2099-01-01', '0000-01-01']) {
      expect(fieldError(await api(signalBody(parking, { extra: extra({ seen_on: day }, parking) })), 'extra.seen_on')).toMatch(/^Датата трябва да е между 1900-01-01 и \d{4}-\d{2}-\d{2}\.$/);
    }
    expect(await caseCount()).toBe(before);
  });

  test('export and audit dates of year 0000 are a 400 naming the field, before any query', async () => {
    for (const url of ['/exports/signals.csv?from=0000-01-01', '/exports/signals.geojson?to=0000-01-01', '/exports/signals.csv?from=2026-02-30', '/exports/signals.geojson?from=9999-12-31']) {
      const res = await app.app.inject({ url });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(res.body).toMatch(/from|to/);
    }
    const res = await app.app.inject({ url: '/admin/audit?from=0000-01-01', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('1900-01-01');
    const csv = await app.app.inject({ url: '/admin/audit.csv?to=0000-01-01', headers: { cookie: admin.cookie } });
    expect(csv.statusCode).toBe(400);
  });
});

describe('a NUL where no schema looks (searches, login) is a 400 naming the field', () => {
  test('the inbox and user searches, the directory, tracking and the login form', async () => {
    for (const [url, cookie] of [['/staff?q=a%00b', officer.cookie], ['/admin/users?q=a%00b', admin.cookie], ['/directory?q=%00'], ['/track?number=%00']] as [string, string?][]) {
      const res = await app.app.inject({ url, headers: cookie ? { cookie } : {} });
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toMatch(/(q|number): Текстът съдържа непозволени управляващи знаци/);
    }
    const login = await app.app.inject({ method: 'POST', url: '/login', payload: 'login=a%00b&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip() });
    expect(login.statusCode).toBe(400);
    expect(login.body).toContain('login: Текстът съдържа непозволени управляващи знаци');
  });
});

describe('attachment names (defect 10)', () => {
  test('a stored name gets the extension of the detected type and loses control and format characters', async () => {
    const u = await citizen(app);
    const [unit] = (await app.ctx.db.raw.executeSql("SELECT id FROM units WHERE code = 'DIR-TRANSPORT'", [])).rows as { id: number }[];
    const body = await multipart(
      { kind: 'letter', unitId: String(unit!.id), subject: `Писмо ${randomBytes(3).toString('hex')}`, description: 'Моля вижте приложенията.' },
      [
        { name: 'files', filename: 'invoice.pdf.hta', data: pdf() },
        { name: 'files', filename: 'report\u202Efdp.hta', data: pdf() },
        { name: 'files', filename: '\u200B\u0000\u202E', data: pdf() },
      ],
    );
    const res = await app.app.inject({ method: 'POST', url: '/documents/new', payload: body.payload, headers: { ...body.headers, cookie: u.cookie, 'sec-fetch-site': 'same-origin' } });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const number = decodeURIComponent(String(res.headers.location).split('/')[2]!.split('?')[0]!);
    const { rows } = await app.ctx.db.raw.executeSql(
      "SELECT f.filename FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reg_number = $1 ORDER BY f.position",
      [number],
    );
    expect((rows as { filename: string }[]).map((r) => r.filename)).toEqual(['invoice.pdf', 'reportfdp.pdf', 'document.pdf']);
  });
});

// ------------------------------------------------------------------ property tests (fast-check)

/*
 * Each property takes a valid request, replaces one to three of its fields (named by the zod
 * schema of the entry point) with hostile values, and checks what a user would notice: never a
 * 5xx; a 4xx names at least one field; nothing is saved on a 4xx. Seeded, so a failure is
 * reproducible; short, so the suite stays fast on two cores (FUZZ_RUNS=500 for a longer run).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261111);
const settings = <T>(examples: T[] = [], numRuns = RUNS) => ({ numRuns, seed: SEED, endOnFailure: true, examples });

/** Strings that broke something somewhere, or might: control and format characters, SQL, odd Unicode, odd numbers and days. */
const SPECIAL = [
  '\u0000', 'a\u0000b', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\r\n', '\t', 'x\ny', '\u202Eexe.pdf', '\u200B', '\u200B\u200C\u2060\uFEFF\u00AD',
  ' ', '', '\uD800', 'a\uDFFFb', '\uFFFF', '\uFFFE', '🙂‍🙂', 'Z\u0351\u0352\u0353', "'; DROP TABLE cases; --", '$1', "E'\\x00'", '$$x$$', '\\', '%00',
  '../../etc/passwd', '<script>alert(1)</script>', '0000-01-01', '9999-12-31', '2026-02-30', '-1', '0', '1e308', 'NaN', 'Infinity', '999', '-999',
  '10001', '٣', '１２', '0x1F', ' 42 ', '1,5', 'true', 'null', '[]', '{}',
];
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SPECIAL), fc.string({ maxLength: 12 })).map(([a, b]) => `${b}${a}${b}`) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((i) => ['я', 'x', '\u0000', '\u200B'][i]!.repeat(4001 + i * 3000)) },
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1e308, 1e308, -0, 2 ** 53 + 1, -2_147_483_649, 2_147_483_648, 0.5, -90.0001, 180.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** Anything JSON can carry where a field is expected: wrong types, lists, objects. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 3 }) },
);
/** One to three of `fields`, each with a hostile value. */
const mutation = <V>(fields: readonly string[], value: fc.Arbitrary<V>) => fc.dictionary(fc.constantFrom(...fields), value, { minKeys: 1, maxKeys: 3 });

type Res = Awaited<ReturnType<App['app']['inject']>>;

/** The fields an error answer names: JSON fields, Open311 descriptions, an HTML form's error summary or the error page's list. */
function namedFields(res: Res): string[] {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const body = res.json() as { error?: { fields?: { field: string }[] } } | { description: string }[];
    if (Array.isArray(body)) return body.map((e) => e.description);
    return (body.error?.fields ?? []).map((f) => f.field);
  }
  if (type.includes('xml')) return [...res.body.matchAll(/<description>([^<]*)<\/description>/g)].map((m) => m[1]!);
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? '';
  const linked = [...summary.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]!);
  const listed = [...res.body.matchAll(/<li>([^<]+?): [^<]+<\/li>/g)].map((m) => m[1]!);
  return [...linked, ...listed];
}

/** What every property asserts about one answer. */
function expectSafe(res: Res, what: string, ok: number[], saved: { before: number; after: number }, expected = 1): void {
  const detail = `${what} → ${res.statusCode}: ${res.body.slice(0, 600)}`;
  expect(res.statusCode, detail).toBeLessThan(500);
  if (ok.includes(res.statusCode)) {
    expect(saved.after - saved.before, detail).toBeLessThanOrEqual(expected);
    return;
  }
  expect(res.statusCode, detail).toBeGreaterThanOrEqual(400);
  // A request over the body limit (413) is refused as a whole, before any field is read.
  if (res.statusCode !== 413) expect(namedFields(res).length, `no field named: ${detail}`).toBeGreaterThan(0);
  expect(saved.after, `saved on a ${res.statusCode}: ${detail}`).toBe(saved.before);
}

const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'string' && x.length > 80 ? `${x.slice(0, 40)}…(${x.length})` : x));

describe('property tests: hostile values never cause a 5xx, a 4xx names a field, nothing is saved', () => {
  let userCount: () => Promise<number>;
  beforeAll(() => {
    userCount = async () => ((await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM users', [])).rows[0] as { n: number }).n;
  });

  test('POST /api/v1/cases (SubmitCaseBody): wrong types, control characters, huge and negative numbers', async () => {
    const fields = [...Object.keys(SubmitCaseBody.shape), ...t.pothole.fields.map((f) => `extra.${f.code}`), 'extra.unknown', 'extra'];
    const examples = [
      { description: 'a\u0000b' }, { name: '\u0000' }, { lat: '' }, { lat: null }, { lat: true }, { lat: [] }, { lat: 999 }, { description: '\u200B\u200B' },
      { 'extra.size_cm': -5 }, { categoryId: '1e3' }, { typeId: { a: 1 } }, { extra: [] },
    ].map((m) => [m] as [Record<string, unknown>]);
    await fc.assert(
      fc.asyncProperty(mutation(fields, hostileJson), async (m) => {
        const body: Record<string, unknown> = signalBody(t.pothole, { description: `Дупка ${randomBytes(4).toString('hex')}` });
        const extra = { ...(body.extra as object) } as Record<string, unknown>;
        for (const [k, v] of Object.entries(m)) if (k.startsWith('extra.')) extra[k.slice(6)] = v;
        body.extra = extra;
        // A hostile "extra" itself replaces the answers.
        for (const [k, v] of Object.entries(m)) if (!k.startsWith('extra.')) body[k] = v;
        const before = await caseCount();
        const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' }, remoteAddress: ip() });
        expectSafe(res, show(m), [201], { before, after: await caseCount() });
      }),
      settings(examples),
    );
  });

  test('the signal form (multipart): every field a hostile string', async () => {
    const fields = ['typeId', 'categoryId', 'description', 'address', 'lat', 'lon', 'districtCode', 'name', 'submitterAddress', 'phone', 'email', 'lang', ...t.pothole.fields.map((f) => `x_${f.code}`)];
    const examples: [Record<string, string>][] = [[{ description: 'a\u0000b' }], [{ lat: '999' }], [{ x_size_cm: '-5' }], [{ name: '\u202E' }], [{ address: 'x'.repeat(301) }]];
    await fc.assert(
      fc.asyncProperty(mutation(fields, hostileString), async (m) => {
        const values: Record<string, string> = {
          typeId: String(t.pothole.id), x_surface: 'road', description: `Дупка ${randomBytes(4).toString('hex')}`, address: 'бул. „България“ 1',
          lat: String(POINTS.lozenetsNdk.lat), lon: String(POINTS.lozenetsNdk.lon), step: 'submit', formStamp: await stampOf(app, '/signals/new'), ...m,
        };
        const form = await multipart(values);
        const before = await caseCount();
        const res = await app.app.inject({ method: 'POST', url: '/signals/new', ...form, remoteAddress: ip() });
        expectSafe(res, show(m), [303], { before, after: await caseCount() });
      }),
      settings(examples),
    );
  });

  test('the document form of a logged-in citizen (DocumentBody), with hostile file names', async () => {
    const [unit] = (await app.ctx.db.raw.executeSql("SELECT id FROM units WHERE code = 'DIR-TRANSPORT'", [])).rows as { id: number }[];
    let author = await citizen(app);
    let sent = 0;
    const fields = Object.keys(DocumentBody.shape);
    await fc.assert(
      fc.asyncProperty(mutation(fields, hostileString), fc.option(hostileString, { nil: undefined }), async (m, filename) => {
        // An account may send 20 documents an hour: a new author before the limit is near.
        if (sent >= 15) [author, sent] = [await citizen(app), 0];
        const values = { kind: 'letter', unitId: String(unit!.id), subject: `Писмо ${randomBytes(3).toString('hex')}`, description: 'Моля вижте приложението.', ...m };
        const files = filename === undefined ? [] : [{ name: 'files', filename: filename || 'x', data: pdf() }];
        const form = await multipart(values, files);
        const before = await caseCount();
        const res = await app.app.inject({ method: 'POST', url: '/documents/new', payload: form.payload, headers: { ...form.headers, cookie: author.cookie, 'sec-fetch-site': 'same-origin' }, remoteAddress: ip() });
        if (res.statusCode === 303) sent++;
        expectSafe(res, `${show(m)} file ${show(filename)}`, [303], { before, after: await caseCount() });
        if (res.statusCode === 303 && filename !== undefined) {
          const { rows } = await app.ctx.db.raw.executeSql('SELECT filename FROM case_files WHERE case_id = (SELECT max(id) FROM cases)', []);
          expect((rows[0] as { filename: string }).filename).toMatch(/^[^\p{Cc}\p{Cf}]+\.pdf$/u);
        }
      }),
      settings<[Record<string, string>, string | undefined]>([[{ subject: 'a\u0000b' }, 'invoice.pdf.hta'], [{ description: '\u200B' }, 'report\u202Efdp.hta']], Math.min(RUNS, 30)),
    );
  });

  test('the registration form (RegisterBody), as a form and as JSON', async () => {
    const fields = Object.keys(RegisterBody.shape);
    await fc.assert(
      fc.asyncProperty(mutation(fields, hostileJson), fc.boolean(), async (m, asJson) => {
        const p = { ...person(), formStamp: await stampOf(app, '/register') } as Record<string, unknown>;
        for (const [k, v] of Object.entries(m)) p[k] = asJson ? v : typeof v === 'string' ? v : JSON.stringify(v);
        const before = await userCount();
        const res = asJson
          ? await app.app.inject({ method: 'POST', url: '/register', payload: JSON.stringify(p), headers: { 'content-type': 'application/json' }, remoteAddress: ip() })
          : await app.app.inject({ method: 'POST', url: '/register', payload: new URLSearchParams(p as Record<string, string>).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip() });
        expectSafe(res, `${asJson ? 'JSON' : 'form'} ${show(m)}`, [200, 303], { before, after: await userCount() });
      }),
      settings([[{ firstName: 'Мария\u0000' }, false] as [Record<string, unknown>, boolean], [{ lastName: 7 }, true], [{ address: '\u001b[2J' }, false]], Math.min(RUNS, 30)),
    );
  });

  test('Open311 POST requests (PostRequestBody) with an api_key made for the test, as a form and as JSON', async () => {
    const { key } = await createKey(app.ctx, { id: null, label: 'fuzz' }, `Fuzz ${randomBytes(3).toString('hex')}`);
    const fields = [...Object.keys(PostRequestBody.shape), ...t.pothole.fields.map((f) => `attribute[${f.code}]`)];
    await fc.assert(
      fc.asyncProperty(mutation(fields, hostileJson), fc.boolean(), async (m, asJson) => {
        const body: Record<string, unknown> = {
          api_key: key, service_code: t.pothole.code, lat: String(POINTS.lozenetsNdk.lat), long: String(POINTS.lozenetsNdk.lon),
          description: `Дупка ${randomBytes(4).toString('hex')}`, 'attribute[surface]': 'road',
        };
        for (const [k, v] of Object.entries(m)) body[k] = asJson ? v : typeof v === 'string' ? v : JSON.stringify(v);
        const before = await caseCount();
        const res = asJson
          ? await app.app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' }, remoteAddress: ip() })
          : await app.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', payload: new URLSearchParams(body as Record<string, string>).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip() });
        expectSafe(res, `${asJson ? 'JSON' : 'form/xml'} ${show(m)}`, [200, 201], { before, after: await caseCount() });
      }),
      settings([[{ description: 'a\u0000b' }, true] as [Record<string, unknown>, boolean], [{ lat: '999' }, false], [{ device_id: '\u0000' }, false], [{ media_url: 'http://a/\u0000' }, true], [{ first_name: { a: 1 } }, true]]),
    );
  });

  test('query strings: exports, feeds, overview, map and list, Open311 requests, the audit log', async () => {
    const endpoints: { url: string; fields: string[]; cookie?: string; check?: (res: Res) => void }[] = [
      { url: '/exports/signals.csv', fields: Object.keys(SignalsQuery.shape), check: (r) => expect(r.body.endsWith('\r\n'), 'a CSV cut short').toBe(true) },
      { url: '/exports/signals.geojson', fields: Object.keys(SignalsQuery.shape), check: (r) => expect(() => JSON.parse(r.body), 'a GeoJSON cut short').not.toThrow() },
      { url: '/feeds/signals.atom', fields: ['district', 'category', 'bbox', 'status', 'lang'] },
      { url: '/overview', fields: Object.keys(OverviewQuery.shape) },
      { url: '/overview.csv', fields: Object.keys(OverviewQuery.shape) },
      { url: '/api/v1/overview', fields: Object.keys(OverviewQuery.shape) },
      { url: '/api/v1/signals', fields: ['category', 'status', 'district', 'page', 'pageSize', 'lang'] },
      { url: '/api/v1/map/clusters', fields: ['bbox', 'zoom', 'category', 'status', 'district', 'lang'] },
      { url: '/api/v1/signals/nearby', fields: ['typeId', 'lat', 'lon', 'lang'] },
      { url: '/', fields: ['category', 'status', 'district', 'page'] },
      { url: '/open311/v2/requests.json', fields: Object.keys(RequestsQuery.shape) },
      { url: '/staff', fields: ['q', 'state', 'status', 'category', 'district', 'older', 'page'], cookie: officer.cookie },
      { url: '/admin/users', fields: ['q', 'role', 'page'], cookie: admin.cookie },
      { url: '/directory', fields: ['q', 'lang'] },
      { url: '/admin/audit', fields: ['entity', 'entityId', 'actor', 'action', 'from', 'to', 'before', 'after'], cookie: admin.cookie },
      { url: '/admin/audit.csv', fields: ['entity', 'entityId', 'actor', 'action', 'from', 'to'], cookie: admin.cookie },
    ];
    const base: Record<string, string> = { typeId: String(t.plain.id), lat: String(POINTS.lozenetsNdk.lat), lon: String(POINTS.lozenetsNdk.lon) };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints).chain((e) => fc.tuple(fc.constant(e), mutation(e.fields, fc.oneof(hostileString, fc.array(hostileString, { minLength: 2, maxLength: 3 }))))),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), hostileString), { maxLength: 2 }),
        async ([e, m], noise) => {
        const q = new URLSearchParams(e.url === '/api/v1/signals/nearby' ? base : {});
        for (const [k, v] of Object.entries(m)) {
          q.delete(k);
          for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
        }
        for (const [k, v] of noise) q.append(k, v);
        const res = await app.app.inject({ url: `${e.url}?${q}`, headers: e.cookie ? { cookie: e.cookie } : {} });
        expectSafe(res, `${e.url}?${q.toString().slice(0, 300)}`, [200], { before: 0, after: 0 });
        if (res.statusCode === 200) e.check?.(res);
      }),
      settings<[[(typeof endpoints)[number], Record<string, string | string[]>], [string, string][]]>([], RUNS * 2),
    );
    // Path segments and the tracking box: a number, a token or a code that is not one is a 404 or a 400.
    const paths = ['/cases/%s', '/api/v1/cases/%s', '/open311/v2/requests/%s.json', '/open311/v2/tokens/%s.json', '/open311/v2/services/%s.json', '/p/%s', '/track?number=%s', '/directory/%s'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostileString, async (path, v) => {
        const url = path.replace('%s', encodeURIComponent(v.slice(0, 2000).replace(/[\uD800-\uDFFF]/g, '\uFFFD')));
        const res = await app.app.inject({ url });
        expect(res.statusCode, `${url.slice(0, 200)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }),
      settings<[string, string]>([['/cases/%s', '\u0000'], ['/open311/v2/requests/%s.json', 'СО26-КЦ01-\u0000']], RUNS),
    );
    // The concrete items of defect 8, one per route.
    for (const url of ['/exports/signals.csv?from=0000-01-01', '/exports/signals.geojson?from=0000-01-01', '/admin/audit?from=0000-01-01', '/admin/audit?entity=%00', '/api/v1/signals?page=0', '/api/v1/signals?page=10001', '/api/v1/map/clusters?zoom=-1']) {
      const res = await app.app.inject({ url, headers: { cookie: admin.cookie } });
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });
});
