import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { clock, testApp } from '../../../test/harness.js';
import { POINTS } from '../../../test/factories.js';
import { invalidateCatalog } from '../catalog/index.js';
import { geojsonStream, signalBatches } from './open311.exports.js';
import { parseXml, type XmlNode } from './testkit.js';

let app: App;
let category: number;
let mladost: string;
let lozenets: string;
const tag = randomBytes(4).toString('hex');
const N = 450;
const sql = (text: string, values: unknown[] = []) => app.ctx.db.raw.executeSql(text, values);

/** A category and type of its own, so the shared test database's other signals stay out of the counts. */
async function newCategory(name: string): Promise<{ category: number; type: number }> {
  const code = `exp-${name}-${tag}`;
  const c = (await sql('INSERT INTO categories (code, name_bg, name_en, sort) VALUES ($1, $2, $3, 999) RETURNING id', [code, `Износ ${name}`, `Export ${name}`])).rows[0].id;
  const t = (await sql('INSERT INTO case_types (category_id, code, name_bg, name_en, sort) VALUES ($1, $2, $3, $4, 999) RETURNING id', [c, code, `Тип ${name}`, `Type ${name}`])).rows[0].id;
  return { category: Number(c), type: Number(t) };
}

/** Inserts `n` public signals of a category, one an hour from 1 March 2026 00:00 Sofia time, at a point (jittered). */
async function insertSignals(cat: { category: number; type: number }, n: number, point: { lat: number; lon: number }, from = 1, extra: Partial<Record<'kind' | 'is_public' | 'hidden' | 'description' | 'location', string>> = {}) {
  const year = 10_000 + Math.floor(Math.random() * 20_000);
  await sql(
    `INSERT INTO cases (kind, register_code, reg_year, reg_seq, reg_number, registered_at, channel, category_id, type_id, status,
                        description, address, location, district_id, is_public, hidden, updated_at)
     SELECT ${extra.kind ?? "'signal'"}, 'EX01', $1::int, g, 'EXP-' || $2::text || '-' || $1::int || '-' || g,
            '2026-03-01T00:00:00+02:00'::timestamptz + make_interval(hours => g - 1), 'web', $3::int, $4::int,
            CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'pending' END,
            ${extra.description ?? "'Описание ' || g"}, 'ул. „Тестова“ ' || g,
            ${extra.location ?? 'ST_SetSRID(ST_MakePoint($5::float8 + (g % 10) * 0.0001, $6::float8), 4326)'},
            (SELECT id FROM districts WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326)) LIMIT 1),
            ${extra.is_public ?? 'true'}, ${extra.hidden ?? 'false'},
            '2026-03-01T00:00:00+02:00'::timestamptz + make_interval(hours => g - 1, mins => 30)
     FROM generate_series($7::int, $7::int + $8::int - 1) g`,
    [year, tag, cat.category, cat.type, point.lon, point.lat, from, n],
  );
}

const get = (url: string) => app.app.inject({ url });
const features = async (q: string) => {
  const res = await get(`/exports/signals.geojson?${q}`);
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body).features as { geometry: { type: string; coordinates: [number, number] } | null; properties: Record<string, unknown> }[];
};

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  const cat = await newCategory('main');
  category = cat.category;
  await insertSignals(cat, N, POINTS.lozenetsNdk);
  await insertSignals(cat, 30, POINTS.mladost, 1001);
  // None of these may ever be exported: hidden, private, a question.
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 2001, { hidden: 'true', description: "'СКРИТ сигнал'" });
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 2002, { is_public: 'false', description: "'ЧАСТЕН документ'" });
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 2003, { kind: "'question'", description: "'ВЪПРОС без място'" });
  // What a CSV must carry safely, and a signal with an address but no point.
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 3001, { description: `'Текст, с "кавички"' || chr(10) || 'и нов ред'` });
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 3002, { description: "'=HYPERLINK(\"http://evil\")'" });
  await insertSignals(cat, 1, POINTS.lozenetsNdk, 3003, { location: 'NULL' });
  const code = async (p: { lat: number; lon: number }) => (await sql('SELECT code FROM districts WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))', [p.lon, p.lat])).rows[0].code as string;
  mladost = await code(POINTS.mladost);
  lozenets = await code(POINTS.lozenetsNdk);
});

describe('exports of public signals (API-3)', () => {
  const total = N + 30 + 3;

  test('GeoJSON: every public signal of the selection, hidden and private ones and questions never', async () => {
    const res = await get(`/exports/signals.geojson?category=${category}`);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['content-disposition']).toContain('signals.geojson');
    const fc = JSON.parse(res.body);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(total);
    expect(res.body).not.toMatch(/СКРИТ|ЧАСТЕН|ВЪПРОС/);
    const f = fc.features.find((x: { properties: { description: string } }) => x.properties.description === 'Описание 1');
    expect(f.geometry.type).toBe('Point');
    expect(f.geometry.coordinates).toEqual([expect.closeTo(POINTS.lozenetsNdk.lon + 0.0001, 6), expect.closeTo(POINTS.lozenetsNdk.lat, 6)]);
    expect(f.properties).toMatchObject({ status: 'pending', statusLabel: 'Чакащ обработка', open: true, category: 'Износ main', type: 'Тип main', address: 'ул. „Тестова“ 1' });
    expect(f.properties.url).toBe(`http://sofia.test/cases/${encodeURIComponent(f.properties.number)}`);
    expect(f.properties.registeredAt).toBe('2026-02-28T22:00:00.000Z');
    expect(fc.features.filter((x: { geometry: unknown }) => x.geometry === null)).toHaveLength(1);
    const en = await features(`category=${category}&status=closed&lang=en`);
    expect(en[0]!.properties).toMatchObject({ statusLabel: 'Closed', category: 'Export main', open: false });
  });

  test('the map’s filters: status, district, area and Sofia days', async () => {
    const closed = await features(`category=${category}&status=closed`);
    expect(closed.length).toBe(150 + 10 + 1);
    expect(closed.every((f) => f.properties.status === 'closed')).toBe(true);
    expect(await features(`category=${category}&district=${mladost}`)).toHaveLength(30);
    expect((await features(`category=${category}&district=${lozenets}`)).length).toBe(N + 3);
    const box = [POINTS.mladost.lon - 0.01, POINTS.mladost.lat - 0.01, POINTS.mladost.lon + 0.01, POINTS.mladost.lat + 0.01].join(',');
    const inBox = await features(`category=${category}&bbox=${box}`);
    expect(inBox).toHaveLength(30);
    // 2 and 3 March in Sofia: hours 24..71 after 1 March 00:00.
    const days = await features(`category=${category}&from=2026-03-02&to=2026-03-03&district=${lozenets}`);
    expect(days).toHaveLength(48);
    // Empty parameters are absent ones.
    expect(await features(`category=${category}&status=&district=&bbox=&from=&to=`)).toHaveLength(total);
  });

  test('CSV: UTF-8 with BOM, one row per signal, quotes, new lines and formulas made safe', async () => {
    const res = await get(`/exports/signals.csv?category=${category}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const header = res.body.slice(1).split('\r\n')[0];
    expect(header).toBe('number,registered_at,updated_at,status,status_label,open,category,type,district,address,lat,lon,url,description');
    expect(res.body).toContain('"Текст, с ""кавички""\nи нов ред"');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(res.body).not.toMatch(/СКРИТ|ЧАСТЕН|ВЪПРОС/);
    // Rows end with CRLF; the one line break inside a quoted cell is a bare LF.
    expect(res.body.trimEnd().split('\r\n')).toHaveLength(total + 1);
    expect(res.body).toContain('Чакащ обработка');
  });

  test('exports are written batch by batch: no query reads more than a batch', async () => {
    const sizes: number[] = [];
    for await (const rows of signalBatches(app.ctx.db.orm, { category }, 100)) sizes.push(rows.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.length).toBeGreaterThanOrEqual(5);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    const chunks: string[] = [];
    for await (const c of geojsonStream(app.ctx, { category }, 'bg', 100)) chunks.push(c);
    // The opening, one piece per batch, the closing.
    expect(chunks).toHaveLength(sizes.length + 2);
    expect(JSON.parse(chunks.join('')).features).toHaveLength(total);
  });

  test('5,000 signals stream out whole over HTTP', async () => {
    const big = await newCategory('big');
    await insertSignals(big, 5000, POINTS.lyulin);
    const csv = await get(`/exports/signals.csv?category=${big.category}`);
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(5001);
    const geo = await features(`category=${big.category}`);
    expect(geo).toHaveLength(5000);
    expect(new Set(geo.map((f) => f.properties.number)).size).toBe(5000);
  });

  test('bad filters answer 400 naming them', async () => {
    for (const [q, field] of [
      ['bbox=1,2,3', 'bbox'],
      ['bbox=a,b,c,d', 'bbox'],
      ['status=open', 'status'],
      ['district=99', 'district'],
      ['category=abc', 'category'],
      ['category=999999999', 'category'],
      ['from=2026-02-30', 'from'],
      ['to=01.03.2026', 'to'],
    ] as const) {
      for (const path of ['/exports/signals.geojson', '/exports/signals.csv', '/feeds/signals.atom']) {
        if (path.endsWith('.atom') && (field === 'from' || field === 'to')) continue;
        const res = await app.app.inject({ url: `${path}?${q}`, headers: { accept: 'application/json' } });
        expect(res.statusCode, `${path}?${q}`).toBe(400);
        expect(res.json().error.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
    }
  });
});

function child(n: XmlNode, name: string): XmlNode | undefined {
  return n.children.find((c) => c.name === name);
}

/** Checks the Atom 1.0 rules a reader relies on (RFC 4287 §4.1): ids, titles, dates, links, an author. */
function atom(xml: string): { feed: XmlNode; entries: XmlNode[] } {
  const feed = parseXml(xml);
  expect(feed.name).toBe('feed');
  expect(feed.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  for (const name of ['id', 'title', 'updated']) expect(feed.children.filter((c) => c.name === name), `feed/${name}`).toHaveLength(1);
  expect(child(feed, 'id')!.text).toMatch(/^tag:sofia\.test,2026:/);
  expect(child(feed, 'updated')!.text).toMatch(date);
  const self = feed.children.find((c) => c.name === 'link' && c.attrs.rel === 'self');
  expect(self?.attrs.href).toMatch(/^http:\/\/sofia\.test\/feeds\/signals\.atom/);
  expect(child(child(feed, 'author')!, 'name')!.text).toBeTruthy();
  const entries = feed.children.filter((c) => c.name === 'entry');
  const ids = new Set<string>();
  for (const e of entries) {
    for (const name of ['id', 'title', 'updated', 'summary']) expect(e.children.filter((c) => c.name === name), `entry/${name}`).toHaveLength(1);
    expect(child(e, 'id')!.text).toMatch(/^tag:sofia\.test,2026:cases\//);
    ids.add(child(e, 'id')!.text);
    expect(child(e, 'updated')!.text).toMatch(date);
    expect(e.children.find((c) => c.name === 'link' && c.attrs.rel === 'alternate')?.attrs.href).toMatch(/^http:\/\/sofia\.test\/cases\//);
  }
  expect(ids.size).toBe(entries.length);
  return { feed, entries };
}

describe('Atom feeds (API-3)', () => {
  test('a category’s feed: the 50 most recently updated public signals, newest first, each linking to its page', async () => {
    const res = await get(`/feeds/signals.atom?category=${category}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const { feed, entries } = atom(res.body);
    expect(entries).toHaveLength(50);
    expect(child(feed, 'title')!.text).toBe('Сигнали – Износ main');
    const updated = entries.map((e) => child(e, 'updated')!.text);
    expect([...updated].sort().reverse()).toEqual(updated);
    expect(res.body).not.toMatch(/СКРИТ|ЧАСТЕН|ВЪПРОС/);
    const withText = entries.find((e) => child(e, 'summary')!.text.includes('кавички'))!;
    expect(child(withText, 'summary')!.text).toMatch(/^Статус: Чакащ обработка\nКатегория: Износ main\nРайон: .+\nАдрес: ул. „Тестова“ 3001\n\nТекст, с "кавички"\nи нов ред$/);
  });

  test('a signal submitted now leads its category’s feed and its entry opens its public page', async () => {
    const [type] = (await sql('SELECT id FROM case_types WHERE category_id = $1', [category])).rows;
    invalidateCatalog();
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: { kind: 'signal', categoryId: category, typeId: type.id, description: 'Нов сигнал за емисията', ...POINTS.lozenetsNdk } });
    expect(res.statusCode, res.body).toBe(201);
    const { entries } = atom((await get(`/feeds/signals.atom?category=${category}`)).body);
    expect(child(entries[0]!, 'title')!.text).toBe(`${res.json().number} – Тип main`);
    expect(child(entries[0]!, 'summary')!.text).toContain('Нов сигнал за емисията');
    const page = await get(new URL(entries[0]!.children.find((c) => c.name === 'link')!.attrs.href!).pathname);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Нов сигнал за емисията');
  });

  test('a district’s and an area’s feed hold only their signals; English on request', async () => {
    const district = await get(`/feeds/signals.atom?district=${mladost}&category=${category}&lang=en`);
    const { feed, entries } = atom(district.body);
    expect(entries).toHaveLength(30);
    expect(child(feed, 'title')!.text).toMatch(/^Signals – .+ district, Export main$/);
    expect(feed.attrs['xml:lang']).toBe('en');
    const box = [POINTS.mladost.lon - 0.01, POINTS.mladost.lat - 0.01, POINTS.mladost.lon + 0.01, POINTS.mladost.lat + 0.01].join(',');
    const area = atom((await get(`/feeds/signals.atom?bbox=${box}&category=${category}`)).body);
    expect(area.entries).toHaveLength(30);
    // Without filters: all of Sofia, still at most 50.
    expect(atom((await get('/feeds/signals.atom')).body).entries.length).toBeLessThanOrEqual(50);
  });
});
