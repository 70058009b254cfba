import { and, asc, desc, eq, gt, lte, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { dayProblem } from '../../platform/errors/validation.js';
import { districts } from '../../platform/geo/index.js';
import { caseTypes, categories } from '../catalog/catalog.tables.js';
import { caseUrl, cases, isStatus, publicCases, statusLabel, STATUSES, type CaseStatus } from '../cases/index.js';
import { escapeXml } from './open311.xml.js';

/** The map's filters with a period: what exports and feeds select from the public signals. */
export interface SignalFilter {
  bbox?: [number, number, number, number];
  category?: number;
  status?: CaseStatus;
  district?: { code: string; id: number; nameBg: string; nameEn: string };
  from?: string;
  to?: string;
}

/** Rows per query when streaming: memory stays flat however many signals match. */
export const EXPORT_BATCH = 2000;
/** Entries in a feed. */
export const FEED_SIZE = 50;


/** Reads the filters from a query; an empty parameter is an absent one; every bad one is named. */
export async function parseSignalFilter(orm: Orm, q: Record<string, unknown>): Promise<SignalFilter> {
  const one = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined || v === null) return undefined;
    const s = (Array.isArray(v) ? String(v.at(-1) ?? '') : String(v)).trim();
    return s === '' ? undefined : s;
  };
  const issues: FieldIssue[] = [];
  const f: SignalFilter = {};
  const bbox = one('bbox');
  if (bbox !== undefined) {
    const n = bbox.split(',').map((x) => (/^-?\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : NaN));
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || Math.abs(n[0]!) > 180 || Math.abs(n[2]!) > 180 || Math.abs(n[1]!) > 90 || Math.abs(n[3]!) > 90) {
      issues.push({ field: 'bbox', code: 'FIELD_INVALID' });
    } else {
      const [w, s, e, no] = n as [number, number, number, number];
      f.bbox = [Math.min(w, e), Math.min(s, no), Math.max(w, e), Math.max(s, no)];
    }
  }
  const category = one('category');
  if (category !== undefined) {
    const [c] = /^\d{1,9}$/.test(category) ? await orm.select({ id: categories.id }).from(categories).where(eq(categories.id, Number(category))) : [];
    if (c) f.category = c.id;
    else issues.push({ field: 'category', code: 'CATEGORY_UNKNOWN' });
  }
  const status = one('status');
  if (status !== undefined) {
    if (isStatus(status)) f.status = status;
    else issues.push({ field: 'status', code: 'NOT_IN_LIST' });
  }
  const district = one('district');
  if (district !== undefined) {
    const [d] = /^\d{2}$/.test(district) ? await orm.select({ id: districts.id, code: districts.code, nameBg: districts.nameBg, nameEn: districts.nameEn }).from(districts).where(eq(districts.code, district)) : [];
    if (d) f.district = d;
    else issues.push({ field: 'district', code: 'NOT_IN_LIST' });
  }
  // A real calendar day in 1900–2100, checked before any query: PostgreSQL refuses year 0, and a
  // failing query after the first bytes were sent cut the answer short behind a 200.
  for (const k of ['from', 'to'] as const) {
    const v = one(k);
    if (v === undefined) continue;
    const problem = dayProblem(v);
    if (problem) issues.push({ field: k, ...problem });
    else f[k] = v;
  }
  if (issues.length) throw new AppError('VALIDATION', { issues });
  return f;
}

/** The public, visible signals a filter selects. */
function whereOf(f: SignalFilter): SQL {
  // A public output: only what the public may see (cases.audience.ts).
  const parts: SQL[] = [eq(cases.kind, 'signal'), publicCases()];
  // The same conditions as the map's partial GiST index, so an area uses it.
  if (f.bbox) parts.push(sql`${cases.location} IS NOT NULL AND ${cases.location} && ST_MakeEnvelope(${f.bbox[0]}, ${f.bbox[1]}, ${f.bbox[2]}, ${f.bbox[3]}, 4326)`);
  if (f.category) parts.push(eq(cases.categoryId, f.category));
  if (f.status) parts.push(eq(cases.status, f.status));
  if (f.district) parts.push(eq(cases.districtId, f.district.id));
  // Days are Sofia's calendar days. A date AT TIME ZONE would first become a timestamptz in the
  // session's zone; as a plain timestamp it is read as Sofia's wall clock, whatever TimeZone is set.
  if (f.from) parts.push(sql`${cases.registeredAt} >= (${f.from}::date::timestamp AT TIME ZONE 'Europe/Sofia')`);
  if (f.to) parts.push(sql`${cases.registeredAt} < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Europe/Sofia')`);
  return and(...parts)!;
}

function columns() {
  return {
    id: cases.id,
    number: cases.regNumber,
    registeredAt: cases.registeredAt,
    updatedAt: cases.updatedAt,
    status: cases.status,
    description: cases.description,
    address: cases.address,
    lon: sql<number | null>`ST_X(${cases.location})`,
    lat: sql<number | null>`ST_Y(${cases.location})`,
    catBg: categories.nameBg,
    catEn: categories.nameEn,
    typeBg: caseTypes.nameBg,
    typeEn: caseTypes.nameEn,
    dBg: districts.nameBg,
    dEn: districts.nameEn,
  };
}

type Row = Awaited<ReturnType<typeof selectRows>>[number];

function selectRows(orm: Orm, where: SQL) {
  return orm
    .select(columns())
    .from(cases)
    .leftJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .leftJoin(districts, eq(districts.id, cases.districtId))
    .where(where);
}

/**
 * The selected signals in batches by id (keyset pagination): each batch is one short query, so
 * 100,000 rows never sit in memory together and no cursor holds a connection between batches.
 * Each query also looks at a bounded window of ids: "the next 2,000 matching rows" alone lets the
 * planner sort every remaining match when its statistics lag behind a bulk insert, which made
 * each batch cost as much as the rest of the export.
 */
export async function* signalBatches(orm: Orm, f: SignalFilter, batch = EXPORT_BATCH): AsyncGenerator<Row[]> {
  const where = whereOf(f);
  // Rows registered while the export runs are left for the next one: it ends where it began.
  const [top] = await orm.select({ max: sql<string | number | null>`max(${cases.id})` }).from(cases);
  const last = Number(top?.max ?? 0);
  let after = 0;
  let span = batch * 4;
  while (after < last) {
    const upto = after + span;
    const rows = await selectRows(orm, and(where, gt(cases.id, after), lte(cases.id, upto))!).orderBy(asc(cases.id)).limit(batch);
    if (rows.length) yield rows;
    if (rows.length === batch) {
      after = rows.at(-1)!.id;
    } else {
      after = upto;
      // Sparse matches: widen the window, up to a million ids a query.
      if (rows.length < batch / 4) span = Math.min(span * 2, 1 << 20);
    }
  }
}

/** A signal as an export presents it, in one language. */
function present(r: Row, lang: Lang, base: string) {
  const en = lang === 'en';
  return {
    number: r.number,
    url: `${base}${caseUrl(r.number)}`,
    registeredAt: r.registeredAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    status: r.status,
    statusLabel: statusLabel(r.status, lang),
    open: isStatus(r.status) ? STATUSES[r.status].open : true,
    category: (en ? r.catEn : r.catBg) ?? null,
    type: (en ? r.typeEn : r.typeBg) ?? null,
    district: (en ? r.dEn : r.dBg) ?? null,
    address: r.address,
    description: r.description,
    lat: r.lat === null ? null : Number(r.lat),
    lon: r.lon === null ? null : Number(r.lon),
  };
}

/** The selected signals as a GeoJSON FeatureCollection, written piece by piece (API-3). */
export async function* geojsonStream(ctx: Ctx, f: SignalFilter, lang: Lang, batch = EXPORT_BATCH): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[';
  let first = true;
  for await (const rows of signalBatches(ctx.db.read, f, batch)) {
    const parts = rows.map((r) => {
      const { lat, lon, ...properties } = present(r, lang, ctx.config.publicBaseUrl);
      // A signal with only an address has no point: GeoJSON allows a null geometry.
      const geometry = lat === null || lon === null ? null : { type: 'Point', coordinates: [lon, lat] };
      return JSON.stringify({ type: 'Feature', id: r.number, geometry, properties });
    });
    yield (first ? '' : ',') + parts.join(',');
    first = false;
  }
  yield ']}\n';
}

const CSV_COLUMNS = ['number', 'registered_at', 'updated_at', 'status', 'status_label', 'open', 'category', 'type', 'district', 'address', 'lat', 'lon', 'url', 'description'];

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The selected signals as CSV (UTF-8 with BOM, so spreadsheets read Cyrillic), written piece by piece (API-3). */
export async function* csvStream(ctx: Ctx, f: SignalFilter, lang: Lang, batch = EXPORT_BATCH): AsyncGenerator<string> {
  yield '\uFEFF' + CSV_COLUMNS.join(',') + '\r\n';
  for await (const rows of signalBatches(ctx.db.read, f, batch)) {
    yield rows
      .map((r) => {
        const p = present(r, lang, ctx.config.publicBaseUrl);
        return [p.number, p.registeredAt, p.updatedAt, p.status, p.statusLabel, p.open, p.category, p.type, p.district, p.address, p.lat, p.lon, p.url, p.description].map(csvCell).join(',') + '\r\n';
      })
      .join('');
  }
}

/** The feed's own address: its filters in a fixed order, so one feed has one id. */
export function feedQuery(f: SignalFilter, lang: Lang): string {
  const q = new URLSearchParams();
  if (f.district) q.set('district', f.district.code);
  if (f.category) q.set('category', String(f.category));
  if (f.bbox) q.set('bbox', f.bbox.join(','));
  if (f.status) q.set('status', f.status);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (lang === 'en') q.set('lang', 'en');
  return q.toString();
}

/**
 * An Atom 1.0 feed of the newest and latest-changed public signals for a district, a category
 * or an area (API-3): the 50 most recently updated, each linking to its public page.
 */
export async function atomFeed(ctx: Ctx, f: SignalFilter, lang: Lang): Promise<string> {
  const orm = ctx.db.read;
  const base = ctx.config.publicBaseUrl;
  const rows = await selectRows(orm, whereOf(f)).orderBy(desc(cases.updatedAt), desc(cases.id)).limit(FEED_SIZE);
  const [catName] = f.category ? await orm.select({ bg: categories.nameBg, en: categories.nameEn }).from(categories).where(eq(categories.id, f.category)) : [];
  const en = lang === 'en';
  const what: string[] = [];
  if (f.district) what.push(en ? `${f.district.nameEn} district` : `район ${f.district.nameBg}`);
  if (catName) what.push(catName[lang]);
  if (f.bbox) what.push(en ? 'selected area' : 'избрана област');
  if (f.status) what.push(statusLabel(f.status, lang));
  const title = `${en ? 'Signals' : 'Сигнали'}${what.length ? ` – ${what.join(', ')}` : ` – ${en ? 'Sofia' : 'София'}`}`;
  const host = new URL(base).hostname;
  const query = feedQuery(f, lang);
  const self = `${base}/feeds/signals.atom${query ? `?${query}` : ''}`;
  const alt = new URLSearchParams();
  if (f.district) alt.set('district', f.district.code);
  if (f.category) alt.set('category', String(f.category));
  if (f.status) alt.set('status', f.status);
  const updated = rows[0]?.updatedAt ?? ctx.now();
  const x = escapeXml;
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    `<id>${x(`tag:${host},2026:feeds/signals${query ? `?${query}` : ''}`)}</id>`,
    `<title>${x(title)}</title>`,
    `<updated>${updated.toISOString()}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${x(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${x(`${base}/${alt.size ? `?${alt}` : ''}`)}"/>`,
    `<author><name>${x(en ? 'Sofia Municipality – Contact Center' : 'Столична община – Контактен център')}</name><uri>${x(base)}</uri></author>`,
    `<generator>sofia-citizen-services</generator>`,
  ];
  for (const r of rows) {
    const p = present(r, lang, base);
    const facts = [
      `${en ? 'Status' : 'Статус'}: ${p.statusLabel}`,
      p.category && `${en ? 'Category' : 'Категория'}: ${p.category}`,
      p.district && `${en ? 'District' : 'Район'}: ${p.district}`,
      p.address && `${en ? 'Address' : 'Адрес'}: ${p.address}`,
    ].filter(Boolean);
    out.push(
      '<entry>',
      `<id>${x(`tag:${host},2026:cases/${r.number}`)}</id>`,
      `<title>${x(`${r.number} – ${p.type ?? ''}`.trim())}</title>`,
      `<published>${r.registeredAt.toISOString()}</published>`,
      `<updated>${r.updatedAt.toISOString()}</updated>`,
      `<link rel="alternate" type="text/html" href="${x(p.url)}"/>`,
      p.category ? `<category term="${x(p.category)}"/>` : '',
      `<summary type="text">${x(`${facts.join('\n')}\n\n${p.description}`)}</summary>`,
      '</entry>',
    );
  }
  out.push('</feed>\n');
  return out.join('');
}
