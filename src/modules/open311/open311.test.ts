import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { clock, testApp } from '../../../test/harness.js';
import { phonePhoto, POINTS, types } from '../../../test/factories.js';
import { citizen, lastMail, post, staff } from '../../../test/accounts.factories.js';
import { invalidateCatalog, type CatalogType } from '../catalog/index.js';
import { units } from '../catalog/catalog.tables.js';
import { registerDocument } from '../cases/index.js';
import { DEMO_API_KEY, seedDemoApiKey } from './index.js';
import { hashKey } from './open311.keys.js';
import { parseW3cDateTime, sofiaDateTime } from './open311.service.js';
import { validate, xmlAnswer } from './testkit.js';

let app: App;
let t: Awaited<ReturnType<typeof types>>;
let allFields: CatalogType;
let key: string;

const V2 = '/open311/v2';
const enc = encodeURIComponent;

/** Our own schemas for the answers the shared Open311 schemas do not cover (discovery, errors, FixMyStreet's updates). */
const DISCOVERY = {
  type: 'object',
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: { type: 'string', format: 'date-time' },
    contact: { type: 'string' },
    key_service: { type: 'string' },
    endpoints: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
        properties: { specification: { type: 'string' }, url: { type: 'string', format: 'uri' }, changeset: { type: 'string' }, type: { type: 'string', enum: ['production', 'test'] }, formats: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};
const ERRORS = { type: 'array', minItems: 1, items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string' } }, additionalProperties: false } };
const UPDATES = {
  type: 'array',
  items: {
    type: 'object',
    required: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
    properties: {
      update_id: { type: 'string' },
      service_request_id: { type: 'string' },
      status: { type: 'string', enum: ['open', 'closed', 'fixed', 'in_progress', 'action_scheduled', 'investigating', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'internal_referral'] },
      external_status_code: { type: 'string' },
      updated_datetime: { type: 'string', format: 'date-time' },
      description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      media_url: { anyOf: [{ type: 'string', format: 'uri' }, { type: 'null' }] },
    },
  },
};

type Schema = Parameters<typeof validate>[0];

/**
 * Asks for an endpoint in both formats: both answer `status` with their content type, the JSON
 * is valid against the schema, and the XML parsed into the same shape equals the JSON.
 */
async function both(path: string, root: string, schema: Schema, status = 200, method: 'GET' | 'POST' = 'GET', form?: Record<string, string | string[]>) {
  const results: unknown[] = [];
  for (const fmt of ['json', 'xml'] as const) {
    const [p, q] = path.split('?');
    const url = `${V2}/${p}.${fmt}${q ? `?${q}` : ''}`;
    const payload = form ? toForm(form) : undefined;
    const res = await app.app.inject({ method, url, payload, headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    if (fmt === 'json') {
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      expect(validate(schema, body), `${url} against its schema`).toEqual([]);
      results.push(body);
    } else {
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      results.push(xmlAnswer(res.body, root));
    }
  }
  // A POST creates one request per format: compare the shape, not the numbers.
  if (method === 'GET') expect(results[1], `XML of ${path} has the JSON's data`).toEqual(results[0]);
  return results as [any, any];
}

function toForm(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

const postForm = (fields: Record<string, string | string[]>, fmt: 'json' | 'xml' = 'json') =>
  app.app.inject({ method: 'POST', url: `${V2}/requests.${fmt}`, payload: toForm(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** A valid Open311 submission of the type with every kind of field. */
function request(over: Record<string, string | string[] | undefined> = {}): Record<string, string | string[]> {
  const base: Record<string, string | string[] | undefined> = {
    api_key: key,
    service_code: allFields.code,
    lat: String(POINTS.lozenetsNdk.lat),
    long: String(POINTS.lozenetsNdk.lon),
    description: `Счупена пейка пред НДК ${randomBytes(3).toString('hex')}`,
    'attribute[note]': 'до фонтана',
    'attribute[count]': '3,5',
    'attribute[day]': '2026-11-01T10:00:00+02:00',
    'attribute[kind]': 'b',
    'attribute[many][]': ['x', 'y'],
    'attribute[urgent]': 'true',
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>;
}

async function caseCount(): Promise<number> {
  const { rows } = await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM cases', []);
  return rows[0].n;
}

/** Expects an Open311 error in both formats, naming what is wrong. */
async function expectError(method: 'GET' | 'POST', path: string, status: number, mentions: RegExp, form?: Record<string, string | string[]>) {
  const before = await caseCount();
  const [json, xml] = await both(path, 'errors', ERRORS, status, method, form);
  expect(json.every((e: { code: number }) => e.code === status)).toBe(true);
  expect(json.map((e: { description: string }) => e.description).join(' | ')).toMatch(mentions);
  expect(xml).toEqual(json);
  expect(await caseCount()).toBe(before);
}

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  // The catalogue is data: a type asking every kind of extra field is one row.
  const fields = [
    { code: 'note', datatype: 'text', required: true, labelBg: 'Бележка', labelEn: 'Note', hintBg: 'Къде точно', hintEn: 'Where exactly' },
    { code: 'count', datatype: 'number', required: false, labelBg: 'Брой', labelEn: 'Count' },
    { code: 'day', datatype: 'date', required: false, labelBg: 'Дата', labelEn: 'Date' },
    { code: 'kind', datatype: 'single', required: true, labelBg: 'Вид', labelEn: 'Kind', options: [{ key: 'a', bg: 'Първи', en: 'First' }, { key: 'b', bg: 'Втори', en: 'Second' }] },
    { code: 'many', datatype: 'multi', required: false, labelBg: 'Няколко', labelEn: 'Several', options: [{ key: 'x', bg: 'Хикс', en: 'Ex' }, { key: 'y', bg: 'Игрек', en: 'Why' }] },
    { code: 'urgent', datatype: 'bool', required: false, labelBg: 'Спешно', labelEn: 'Urgent' },
  ];
  await app.ctx.db.raw.executeSql(
    `INSERT INTO case_types (category_id, code, name_bg, name_en, fields, weight, sort)
     SELECT id, 'o311-all-fields', 'Повредена градска мебел', 'Damaged street furniture', $1::jsonb, 0, 998 FROM categories WHERE active ORDER BY sort LIMIT 1
     ON CONFLICT (code) DO NOTHING`,
    [JSON.stringify(fields)],
  );
  invalidateCatalog();
  t = await types(app);
  allFields = t.all.find((x) => x.code === 'o311-all-fields')!;
  key = await seedDemoApiKey(app.ctx.db);
});

describe('Open311 discovery and services (API-1)', () => {
  test('discovery names the GeoReport v2 endpoint, its formats and how to get a key', async () => {
    const [d] = await both('discovery', 'discovery', DISCOVERY);
    expect(d.endpoints[0].specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(d.endpoints[0].url).toBe('http://sofia.test/open311/v2');
    expect(d.endpoints[0].formats).toEqual(expect.arrayContaining(['application/json', 'text/xml']));
    expect(d.key_service).toContain('api_key');
    // Browser applications elsewhere may read the public data.
    expect((await app.app.inject({ url: `${V2}/services.json` })).headers['access-control-allow-origin']).toBe('*');
  });

  test('services: one per active catalogue type, with its category as group and metadata when it asks extra fields', async () => {
    const [list] = await both('services', 'services', 'services.json');
    expect(list).toHaveLength(t.all.length);
    const mine = list.find((s: { service_code: string }) => s.service_code === allFields.code);
    const category = t.catalog.category(allFields.categoryId)!;
    expect(mine).toMatchObject({ service_name: 'Повредена градска мебел', metadata: true, type: 'realtime', group: category.nameBg });
    expect(mine.keywords).toContain('Damaged street furniture');
    expect(list.find((s: { service_code: string }) => s.service_code === t.plain.code).metadata).toBe(false);
    const [en] = await both('services?lang=en', 'services', 'services.json');
    expect(en.find((s: { service_code: string }) => s.service_code === allFields.code)).toMatchObject({ service_name: 'Damaged street furniture', group: category.nameEn });
  });

  test('a service definition lists the extra fields as attributes with Open311 datatypes and list values', async () => {
    const [def] = await both(`services/${allFields.code}`, 'service_definition', 'service-definition.json');
    expect(def.service_code).toBe(allFields.code);
    const byCode = Object.fromEntries(def.attributes.map((a: { code: string }) => [a.code, a]));
    expect(def.attributes.map((a: { order: number }) => a.order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byCode.note).toMatchObject({ variable: true, datatype: 'string', required: true, description: 'Бележка' });
    expect(byCode.note.datatype_description).toContain('Къде точно');
    expect(byCode.count.datatype).toBe('number');
    expect(byCode.day.datatype).toBe('datetime');
    expect(byCode.kind).toMatchObject({ datatype: 'singlevaluelist', required: true, values: [{ key: 'a', name: 'Първи' }, { key: 'b', name: 'Втори' }] });
    expect(byCode.many).toMatchObject({ datatype: 'multivaluelist', values: [{ key: 'x', name: 'Хикс' }, { key: 'y', name: 'Игрек' }] });
    expect(byCode.urgent).toMatchObject({ datatype: 'singlevaluelist', values: [{ key: 'true', name: 'Да' }, { key: 'false', name: 'Не' }] });
    const [en] = await both(`services/${allFields.code}?lang=en`, 'service_definition', 'service-definition.json');
    expect(en.attributes[3].values[1]).toEqual({ key: 'b', name: 'Second' });
    const [plain] = await both(`services/${t.plain.code}`, 'service_definition', 'service-definition.json');
    expect(plain.attributes).toEqual([]);
  });
});

describe('submitting through Open311 (API-1)', () => {
  test('POST registers the same document as the web form: found by its number on the tracking page, on the map and in GET requests', async () => {
    const email = `o311.${randomBytes(3).toString('hex')}@example.bg`;
    const form = request({ email, first_name: 'Мария', last_name: 'Петрова', phone: '+359 888 111 222', media_url: 'https://cdn.example.org/p/1.jpg', device_id: 'android-42', account_id: 'acc-7' });
    const res = await postForm(form);
    expect(res.statusCode, res.body).toBe(200);
    const created = res.json();
    expect(validate('swagger.json#/definitions/RequestResponse', created[0])).toEqual([]);
    const { service_request_id: number, token } = created[0];
    expect(number).toMatch(/^СО\d{2}-КЦ01-\d{6}$/);
    expect(created[0].service_notice).toContain(number);
    expect(created[0].account_id).toBe('acc-7');

    // The citizen's tracking page.
    const page = await app.app.inject({ url: `/cases/${enc(number)}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(form.description);
    expect(page.body).toContain('Хикс, Игрек');
    // The map's list.
    const map = await app.app.inject({ url: `/api/v1/signals?category=${allFields.categoryId}&pageSize=100` });
    expect(map.json().items.map((i: { number: string }) => i.number)).toContain(number);
    // GET requests, by number and among the last 90 days of the service.
    const [byId] = await both(`requests?service_request_id=${enc(number)}`, 'service_requests', 'requests.json');
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatchObject({
      service_request_id: number,
      status: 'open',
      service_code: allFields.code,
      service_name: 'Повредена градска мебел',
      description: form.description,
      service_notice: 'Чакащ обработка',
      media_url: 'https://cdn.example.org/p/1.jpg',
      status_notes: null,
    });
    expect(byId[0].lat).toBeCloseTo(POINTS.lozenetsNdk.lat, 5);
    expect(byId[0].long).toBeCloseTo(POINTS.lozenetsNdk.lon, 5);
    expect(byId[0].agency_responsible).toBeTruthy();
    const [listed] = await both(`requests?service_code=${allFields.code}`, 'service_requests', 'requests.json');
    expect(listed.map((r: { service_request_id: string }) => r.service_request_id)).toContain(number);
    const [one] = await both(`requests/${enc(number)}`, 'service_requests', 'requests.json');
    expect(one[0]).toEqual(byId[0]);
    // The swagger document spells it request/{id}: both answer.
    const [alias] = await both(`request/${enc(number)}`, 'service_requests', 'requests.json');
    expect(alias).toEqual(one);
    const [tok] = await both(`tokens/${token}`, 'service_requests', { type: 'array', minItems: 1, items: { $ref: 'swagger.json#/definitions/TokenResponse' } });
    expect(tok[0]).toEqual({ service_request_id: number, token });

    // The same emails as the web form, and the client's extras kept with the case.
    const mail = await lastMail(app, email, 'case-registered');
    expect(mail?.subject).toContain(number);
    const { rows } = await app.ctx.db.raw.executeSql(
      'SELECT channel, device_id, client_account_id, api_key_id, submitter_name, extra, (SELECT key_hash FROM api_keys k WHERE k.id = c.api_key_id) AS key_hash FROM cases c WHERE reg_number = $1',
      [number],
    );
    expect(rows[0]).toMatchObject({ channel: 'open311', device_id: 'android-42', client_account_id: 'acc-7', submitter_name: 'Мария Петрова', key_hash: hashKey(key) });
    // A W3C datetime for a date field keeps Sofia's day; a comma decimal and true are understood.
    expect(rows[0].extra).toEqual({ note: 'до фонтана', count: 3.5, day: '2026-11-01', kind: 'b', many: ['x', 'y'], urgent: true });
  });

  test('the XML POST answers the same fields, and an address alone is a place', async () => {
    const res = await postForm(request({ lat: undefined, long: undefined, address_string: 'бул. „България“ 1' }), 'xml');
    expect(res.statusCode, res.body).toBe(200);
    const answer = xmlAnswer(res.body, 'service_requests') as Record<string, unknown>[];
    expect(validate('swagger.json#/definitions/RequestResponse', answer[0])).toEqual([]);
    expect(String(answer[0]!.service_request_id)).toMatch(/^СО\d{2}-КЦ01-\d{6}$/);
    const [found] = await both(`requests/${enc(String(answer[0]!.service_request_id))}`, 'service_requests', 'requests.json');
    expect(found[0]).toMatchObject({ address: 'бул. „България“ 1', lat: null, long: null });
    // Empty optional fields are absent ones, not wrong ones.
    const blank = await postForm(request({ lat: '', long: '', address_string: 'ул. „Шипка“ 6', email: '', phone: '', first_name: '', media_url: '', device_id: '', 'attribute[count]': '', 'attribute[many][]': '' }));
    expect(blank.statusCode, blank.body).toBe(200);
  });

  test('a photo sent as multipart media is kept without metadata and listed with extensions=true', async () => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(request())) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
    fd.append('media', new Blob([new Uint8Array(await phonePhoto())], { type: 'image/jpeg' }), 'photo.jpg');
    const r = new Request('http://local/', { method: 'POST', body: fd });
    const res = await app.app.inject({ method: 'POST', url: `${V2}/requests.json`, payload: Buffer.from(await r.arrayBuffer()), headers: { 'content-type': r.headers.get('content-type')! } });
    expect(res.statusCode, res.body).toBe(200);
    const number = res.json()[0].service_request_id;
    const [found] = await both(`requests/${enc(number)}?extensions=true`, 'service_requests', 'requests.json');
    expect(found[0].extended_attributes.media_urls).toHaveLength(1);
    expect(found[0].media_url).toBe(found[0].extended_attributes.media_urls[0]);
    const photo = await app.app.inject({ url: new URL(found[0].media_url).pathname });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
  });
});

describe('reading requests and updates (API-1)', () => {
  test('an answered signal is closed with the answer as status_notes, its history comes as notes, and FixMyStreet clients get the update', async () => {
    const since = sofiaDateTime(new Date(Date.now() - 60_000));
    const created = (await postForm(request())).json()[0];
    const number: string = created.service_request_id;
    const { rows } = await app.ctx.db.raw.executeSql('SELECT u.code FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.reg_number = $1', [number]);
    const officer = await staff(app, 'officer', rows[0].code);
    const answer = `Пейката е подменена ${randomBytes(3).toString('hex')}.`;
    const res = await post(app, `/staff/cases/${enc(number)}/answer`, { status: 'closed', text: answer }, { cookie: officer.cookie });
    expect(res.statusCode, res.body).toBe(303);

    const [one] = await both(`requests/${enc(number)}?extensions=true`, 'service_requests', 'requests.json');
    expect(one[0]).toMatchObject({ status: 'closed', status_notes: answer, service_notice: 'Приключен' });
    expect(one[0].extended_attributes.detailed_status).toBe('closed');
    expect(one[0].notes.map((n: { type: string }) => n.type)).toEqual(['registered', 'routed', 'answer']);
    expect(one[0].notes[2]).toMatchObject({ description: answer });
    expect(one[0].notes.every((n: { datetime: string }) => parseW3cDateTime(n.datetime))).toBe(true);

    const [closed] = await both(`requests?service_code=${allFields.code}&status=closed`, 'service_requests', 'requests.json');
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toContain(number);
    expect(closed.every((r: { status: string }) => r.status === 'closed')).toBe(true);
    const [open] = await both(`requests?service_code=${allFields.code}&status=open`, 'service_requests', 'requests.json');
    expect(open.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(number);
    expect(open.every((r: { status: string }) => r.status === 'open')).toBe(true);

    const [updates] = await both(`servicerequestupdates?start_date=${enc(since)}&end_date=${enc(sofiaDateTime(new Date(Date.now() + 60_000)))}`, 'service_request_updates', UPDATES);
    const mine = updates.filter((u: { service_request_id: string }) => u.service_request_id === number);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'closed', external_status_code: 'closed', description: answer, media_url: null });
    // A range before the answer does not have it.
    const [earlier] = await both(`servicerequestupdates?end_date=${enc(since)}`, 'service_request_updates', UPDATES);
    expect(earlier.map((u: { service_request_id: string }) => u.service_request_id)).not.toContain(number);
  });

  test('dates, paging and lists of numbers and codes filter GET requests; empty parameters count as absent', async () => {
    const a = (await postForm(request())).json()[0].service_request_id as string;
    const b = (await postForm(request())).json()[0].service_request_id as string;
    const [both2] = await both(`requests?service_request_id=${enc(`${a},${b}`)}&start_date=${enc('2000-01-01T00:00:00Z')}`, 'service_requests', 'requests.json');
    expect(both2.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([a, b].sort());
    const [page1] = await both(`requests?service_code=${allFields.code},${t.plain.code}&page_size=1&page=1`, 'service_requests', 'requests.json');
    const [page2] = await both(`requests?service_code=${allFields.code}&page_size=1&page=2`, 'service_requests', 'requests.json');
    expect(page1).toHaveLength(1);
    expect(page1[0].service_request_id).toBe(b);
    expect(page2[0].service_request_id).toBe(a);
    const [old] = await both(`requests?service_code=${allFields.code}&start_date=2020-01-01T00:00:00%2B02:00&end_date=2020-03-01T00:00:00%2B02:00`, 'service_requests', 'requests.json');
    expect(old).toEqual([]);
    const [empty] = await both(`requests?service_code=${allFields.code}&start_date=&end_date=&status=&page=&page_size=&jurisdiction_id=&extensions=`, 'service_requests', 'requests.json');
    expect(empty.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(expect.arrayContaining([a, b]));
    const [ours] = await both(`requests?jurisdiction_id=sofia.bg&service_request_id=${enc(a)}`, 'service_requests', 'requests.json');
    expect(ours).toHaveLength(1);
  });

  test('private documents and hidden signals never appear', async () => {
    const [unit] = await app.ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.code, 'DIR-TRANSPORT'));
    const letter = await registerDocument(
      app.ctx,
      { userId: null, name: 'Иван Иванов', email: null, phone: null, address: null, locale: 'bg', firstName: 'Иван' },
      { kind: 'letter', subject: 'Частно писмо', description: 'Лични данни', unitId: unit!.id },
      [],
      'phone',
    );
    const hidden = (await postForm(request())).json()[0].service_request_id as string;
    await app.ctx.db.raw.executeSql('UPDATE cases SET hidden = true WHERE reg_number = $1', [hidden]);
    for (const n of [letter.number, hidden]) {
      const [list] = await both(`requests?service_request_id=${enc(n)}`, 'service_requests', 'requests.json');
      expect(list).toEqual([]);
      await expectError('GET', `requests/${enc(n)}`, 404, /service_request_id/);
    }
    const all = (await app.app.inject({ url: `${V2}/requests.json` })).json();
    expect(all.length).toBeLessThanOrEqual(1000);
    expect(all.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(letter.number);
    expect(JSON.stringify(all)).not.toContain('Лични данни');
  });
});

describe('Open311 errors in the spec’s form', () => {
  test('bad submissions answer 400 naming the field, in both formats, and register nothing', async () => {
    await expectError('POST', 'requests', 400, /service_code/, request({ service_code: undefined }));
    await expectError('POST', 'requests', 400, /service_code/, request({ service_code: '' }));
    await expectError('POST', 'requests', 400, /\blong\b/, request({ long: undefined }));
    await expectError('POST', 'requests', 400, /\blat\b/, request({ lat: 'север' }));
    await expectError('POST', 'requests', 400, /lat, long.*(outside|извън)/, request({ lat: String(POINTS.plovdiv.lat), long: String(POINTS.plovdiv.lon) }));
    await expectError('POST', 'requests', 400, /address_string/, request({ lat: undefined, long: undefined }));
    await expectError('POST', 'requests', 400, /attribute\[note\]/, request({ 'attribute[note]': undefined }));
    await expectError('POST', 'requests', 400, /attribute\[kind\]/, request({ 'attribute[kind]': 'zzz' }));
    await expectError('POST', 'requests', 400, /attribute\[many\]/, request({ 'attribute[many][]': ['x', 'q'] }));
    await expectError('POST', 'requests', 400, /attribute\[count\]/, request({ 'attribute[count]': 'много' }));
    await expectError('POST', 'requests', 400, /description/, request({ description: 'а'.repeat(4001) }));
    await expectError('POST', 'requests', 400, /description/, request({ description: '' }));
    await expectError('POST', 'requests', 400, /email/, request({ email: 'not-an-email' }));
    await expectError('POST', 'requests', 400, /media_url/, request({ media_url: 'javascript:alert(1)' }));
  });

  test('several problems are several errors', async () => {
    const [json] = await both('requests', 'errors', ERRORS, 400, 'POST', request({ description: '', email: 'x' }));
    expect(json.map((e: { description: string }) => e.description.split(':')[0])).toEqual(expect.arrayContaining(['description', 'email']));
  });

  test('an unknown service_code, request, token or jurisdiction answers 404', async () => {
    await expectError('POST', 'requests', 404, /service_code/, request({ service_code: 'no-such-service' }));
    await expectError('GET', 'services/no-such-service', 404, /service_code/);
    await expectError('GET', 'requests?service_code=no-such-service', 404, /service_code/);
    await expectError('GET', `requests/${enc('СО26-КЦ01-999999')}`, 404, /service_request_id/);
    await expectError('GET', 'requests/nonsense', 404, /service_request_id/);
    await expectError('GET', `tokens/${'A'.repeat(32)}`, 404, /token/);
    await expectError('GET', 'services?jurisdiction_id=plovdiv.bg', 404, /jurisdiction_id/);
    await expectError('GET', 'discovery?jurisdiction_id=x', 404, /jurisdiction_id/);
    await expectError('POST', 'requests?jurisdiction_id=varna.bg', 404, /jurisdiction_id/, request());
    await expectError('POST', 'requests', 404, /jurisdiction_id/, request({ jurisdiction_id: 'varna.bg' }));
    // An unknown endpoint or format is an Open311 error too.
    const yaml = await app.app.inject({ url: `${V2}/services.yaml` });
    expect(yaml.statusCode).toBe(404);
    expect(validate(ERRORS, yaml.json())).toEqual([]);
    // jurisdiction_id=sofia.bg is ours, as is none at all.
    await both('services?jurisdiction_id=sofia.bg', 'services', 'services.json');
  });

  test('malformed, zone-less and too wide dates, bad paging and status answer 400', async () => {
    await expectError('GET', 'requests?start_date=yesterday', 400, /start_date/);
    await expectError('GET', 'requests?start_date=2026-11-01T10:00:00', 400, /start_date.*(zone|зона)/);
    await expectError('GET', 'requests?end_date=2026-02-30T10:00:00Z', 400, /end_date/);
    await expectError('GET', 'requests?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 400, /90/);
    await expectError('GET', 'requests?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z', 400, /end_date/);
    await expectError('GET', 'requests?status=pending', 400, /status/);
    await expectError('GET', 'requests?page_size=1001', 400, /page_size/);
    await expectError('GET', 'requests?page=0', 400, /page/);
    await expectError('GET', 'requests?extensions=maybe', 400, /extensions/);
    await expectError('GET', 'servicerequestupdates?start_date=2026-11-01', 400, /start_date/);
    // Years 0000–0099 are not read as 1900–1999 (Date.UTC's quirk): outside 1900–2100 a date is no date.
    await expectError('GET', 'requests?start_date=0026-01-01T00:00:00Z', 400, /start_date/);
    await expectError('GET', 'servicerequestupdates?end_date=2999-01-01T00:00:00Z', 400, /end_date/);
    await expectError('GET', 'servicerequestupdates?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z', 400, /90/);
  });

  test('a missing, wrong or revoked api_key answers 403 and registers nothing', async () => {
    await expectError('POST', 'requests', 403, /api_key/, request({ api_key: undefined }));
    await expectError('POST', 'requests', 403, /api_key/, request({ api_key: '' }));
    await expectError('POST', 'requests', 403, /api_key/, request({ api_key: 'wrong-key' }));
    const admin = await staff(app, 'admin', 'KC');
    const page = await post(app, '/admin/api-keys', { name: 'Приложение за отнемане' }, { cookie: admin.cookie });
    const revocable = /<code id="new-key">([^<]+)<\/code>/.exec(page.body)![1]!;
    expect((await postForm(request({ api_key: revocable }))).statusCode).toBe(200);
    const [row] = (await app.ctx.db.raw.executeSql('SELECT id FROM api_keys WHERE key_hash = $1', [hashKey(revocable)])).rows;
    expect((await post(app, `/admin/api-keys/${row.id}/revoke`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    await expectError('POST', 'requests', 403, /api_key/, request({ api_key: revocable }));
  });
});

describe('API keys page (API-1)', () => {
  test('administrators create a key shown once, stored hashed, named, renamed and revoked, each audited', async () => {
    const admin = await staff(app, 'admin', 'KC');
    const name = `Мобилно приложение ${randomBytes(3).toString('hex')}`;
    const created = await post(app, '/admin/api-keys', { name }, { cookie: admin.cookie });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toContain('no-store');
    const newKey = /<code id="new-key">([^<]+)<\/code>/.exec(created.body)![1]!;
    expect(newKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await app.ctx.db.raw.executeSql('SELECT id, key_hash, prefix, name, created_by FROM api_keys WHERE name = $1', [name]);
    expect(rows[0]).toMatchObject({ key_hash: hashKey(newKey), prefix: newKey.slice(0, 8), created_by: admin.id });
    const dump = JSON.stringify((await app.ctx.db.raw.executeSql('SELECT * FROM api_keys', [])).rows);
    expect(dump).not.toContain(newKey);

    const list = await app.app.inject({ url: '/admin/api-keys', headers: { cookie: admin.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(name);
    expect(list.body).toContain(`${newKey.slice(0, 8)}…`);
    expect(list.body).not.toContain(newKey);

    // The key works, and its use is noted.
    expect((await postForm(request({ api_key: newKey }))).statusCode).toBe(200);
    expect((await app.ctx.db.raw.executeSql('SELECT last_used_at FROM api_keys WHERE id = $1', [rows[0].id])).rows[0].last_used_at).not.toBeNull();

    const renamed = `${name} 2`;
    expect((await post(app, `/admin/api-keys/${rows[0].id}/name`, { name: renamed }, { cookie: admin.cookie })).statusCode).toBe(303);
    expect((await post(app, `/admin/api-keys/${rows[0].id}/revoke`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    const after = await app.app.inject({ url: '/admin/api-keys?done=revoked', headers: { cookie: admin.cookie } });
    expect(after.body).toContain(renamed);
    expect(after.body).toContain('Отнет на');
    expect((await postForm(request({ api_key: newKey }))).statusCode).toBe(403);

    const audit = await app.ctx.db.raw.executeSql("SELECT action, actor_id FROM audit_log WHERE entity = 'api_key' AND entity_id = $1 ORDER BY id", [String(rows[0].id)]);
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(['api_key.create', 'api_key.rename', 'api_key.revoke']);
    expect(audit.rows.every((r: { actor_id: string }) => r.actor_id === admin.id)).toBe(true);
  });

  test('a key needs a name; only administrators reach the page, and others change nothing', async () => {
    const admin = await staff(app, 'admin', 'KC');
    const before = (await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM api_keys', [])).rows[0].n;
    const empty = await post(app, '/admin/api-keys', { name: '  ' }, { cookie: admin.cookie });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('error-summary');
    const long = await post(app, '/admin/api-keys', { name: 'x'.repeat(101) }, { cookie: admin.cookie });
    expect(long.statusCode).toBe(400);

    const anonymous = await app.app.inject({ url: '/admin/api-keys' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Fapi-keys');
    const u = await citizen(app);
    const officer = await staff(app, 'officer', 'DIR-TRANSPORT');
    for (const cookie of [u.cookie, officer.cookie]) {
      expect((await app.app.inject({ url: '/admin/api-keys', headers: { cookie } })).statusCode).toBe(403);
      expect((await post(app, '/admin/api-keys', { name: 'Чуждо' }, { cookie })).statusCode).toBe(403);
    }
    const [demo] = (await app.ctx.db.raw.executeSql('SELECT id FROM api_keys WHERE key_hash = $1', [hashKey(DEMO_API_KEY)])).rows;
    expect((await post(app, `/admin/api-keys/${demo.id}/revoke`, {}, { cookie: officer.cookie })).statusCode).toBe(403);
    expect((await post(app, '/admin/api-keys/999999999/revoke', {}, { cookie: admin.cookie })).statusCode).toBe(404);
    expect((await app.ctx.db.raw.executeSql('SELECT count(*)::int AS n FROM api_keys', [])).rows[0].n).toBe(before);
    expect((await app.ctx.db.raw.executeSql('SELECT revoked_at FROM api_keys WHERE id = $1', [demo.id])).rows[0].revoked_at).toBeNull();
  });

  test('the demo key is seeded once and works', async () => {
    expect(await seedDemoApiKey(app.ctx.db)).toBe(DEMO_API_KEY);
    expect(await seedDemoApiKey(app.ctx.db)).toBe(DEMO_API_KEY);
    const { rows } = await app.ctx.db.raw.executeSql("SELECT count(*)::int AS n FROM api_keys WHERE name = 'Демо клиент'", []);
    expect(rows[0].n).toBe(1);
    expect((await postForm(request({ api_key: DEMO_API_KEY }))).statusCode).toBe(200);
  });
});

describe('the JSON routes are in the OpenAPI document', () => {
  test('/openapi.json lists the Open311 JSON endpoints and the exports, not the XML twins', async () => {
    const spec = (await app.app.inject({ url: '/openapi.json' })).json();
    const paths = Object.keys(spec.paths);
    for (const p of ['/open311/v2/services.json', '/open311/v2/services/{service_code}.json', '/open311/v2/requests.json', '/open311/v2/requests/{service_request_id}.json', '/open311/v2/servicerequestupdates.json', '/exports/signals.geojson', '/exports/signals.csv', '/feeds/signals.atom']) {
      expect(paths).toContain(p);
    }
    expect(paths.some((p) => p.endsWith('.xml'))).toBe(false);
    expect(spec.paths['/open311/v2/requests.json'].post).toBeTruthy();
    const docs = await app.app.inject({ url: '/docs/api' });
    expect(docs.body).toContain('/open311/v2/requests.json');
  });
});

describe('Sofia date-times', () => {
  test('the offset follows summer time exactly at its changes, and parsing gives the same moment back', () => {
    const cases: [string, string][] = [
      ['2026-03-29T00:59:59.000Z', '2026-03-29T02:59:59+02:00'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29T04:00:00+03:00'],
      ['2026-10-25T00:59:59.000Z', '2026-10-25T03:59:59+03:00'],
      ['2026-10-25T01:00:00.000Z', '2026-10-25T03:00:00+02:00'],
      ['2026-12-31T22:30:00.000Z', '2027-01-01T00:30:00+02:00'],
    ];
    for (const [utc, sofia] of cases) {
      expect(sofiaDateTime(new Date(utc))).toBe(sofia);
      expect(parseW3cDateTime(sofia)!.toISOString()).toBe(utc);
    }
  });
});
