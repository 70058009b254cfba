import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { cached, publicDataChanged, publicDataKey, TtlCache } from '../../platform/cache/index.js';
import type { Orm } from '../../platform/db/index.js';
import { districts } from '../../platform/geo/index.js';
import { caseTypes, categories } from '../catalog/catalog.tables.js';
import type { MapFilter } from './cases.schemas.js';
import { caseUrl, statusLabel } from './cases.service.js';
import { cases } from './cases.tables.js';
import { publicCases } from './cases.audience.js';

/** The map shows what was registered in the last 30 days (CC-6). */
export const MAP_DAYS = 30;
/** Sofia municipality's bounding box, the default map area. */
export const SOFIA_BBOX: [number, number, number, number] = [23.0, 42.5, 23.6, 42.85];
// One cluster per ~64 px screen cell; from this zoom on, every signal is its own marker.
const CELL_PX = 64;
const NO_CLUSTER_ZOOM = 17;
const MAX_SINGLE_POINTS = 2000;

function recentPublicSignals(f: Omit<MapFilter, 'zoom' | 'bbox'>, now: Date): SQL {
  const since = new Date(now.getTime() - MAP_DAYS * 86_400_000);
  const parts: SQL[] = [
    eq(cases.kind, 'signal'),
    // What the public may see (cases.audience.ts); the same words as the map's partial index.
    publicCases(),
    sql`${cases.location} IS NOT NULL`,
    gte(cases.registeredAt, since),
  ];
  if (f.category) parts.push(eq(cases.categoryId, f.category));
  if (f.status) parts.push(eq(cases.status, f.status));
  if (f.district) parts.push(sql`${cases.districtId} = (SELECT id FROM ${districts} WHERE code = ${f.district})`);
  return and(...parts)!;
}

function bboxOf(f: MapFilter): [number, number, number, number] {
  if (!f.bbox) return SOFIA_BBOX;
  const [w, s, e, n] = f.bbox.split(',').map(Number) as [number, number, number, number];
  return [Math.min(w, e), Math.min(s, n), Math.max(w, e), Math.max(s, n)];
}

/** A GeoJSON feature of the map: a cluster with its count, or one signal. */
export type MapFeature = {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties:
    | { cluster: true; count: number }
    | { cluster: false; number: string; url: string; status: string; statusLabel: string; category: string; type: string; registeredAt: string };
};

/** The map's answer: clusters and single signals, and how many signals they stand for. */
export type MapAnswer = { type: 'FeatureCollection'; features: MapFeature[]; total: number };

// Below this zoom an answer aggregates thousands of signals (the whole city at zoom 11: ~11,000 at
// city scale, 10 ms of the database each time) and everyone looking at that part of the city asks
// the same: answers are kept for a few seconds, keyed by the area snapped to the zoom's tiles.
const CACHE_BELOW_ZOOM = 15;
const cache = new TtlCache<Promise<MapAnswer>>(15_000, 500);

/**
 * Tells the map (and every other cache of public data in this process) that public signals
 * changed here. Other instances' answers age out within 15 s, the same order as the 30 s the
 * browser may keep them (Cache-Control).
 */
export function mapChanged(): void {
  publicDataChanged();
}

/** The area widened to whole tiles of the zoom, so that nearby views share one cached answer. */
function snapToTiles([w, s, e, n]: [number, number, number, number], zoom: number): [number, number, number, number] {
  const step = 360 / 2 ** zoom;
  const snap = (v: number, up: boolean) => Number(((up ? Math.ceil(v / step) : Math.floor(v / step)) * step).toFixed(6));
  return [Math.max(-180, snap(w, false)), Math.max(-90, snap(s, false)), Math.min(180, snap(e, true)), Math.min(90, snap(n, true))];
}

/**
 * Clusters the public signals of the last 30 days inside the requested area on the server,
 * in a grid that matches the zoom, so the browser gets at most a few hundred features however
 * many signals there are.
 */
export async function mapClusters(orm: Orm, f: MapFilter, lang: 'bg' | 'en', now: Date): Promise<MapAnswer> {
  if (f.zoom >= CACHE_BELOW_ZOOM) return computeClusters(orm, f, bboxOf(f), lang, now);
  const box = snapToTiles(bboxOf(f), f.zoom);
  const key = publicDataKey([f.zoom, box, f.category ?? null, f.status ?? null, f.district ?? null, lang]);
  return cached(cache, key, Date.now(), () => computeClusters(orm, f, box, lang, now));
}

async function computeClusters(orm: Orm, f: MapFilter, [w, s, e, n]: [number, number, number, number], lang: 'bg' | 'en', now: Date): Promise<MapAnswer> {
  const where = and(recentPublicSignals(f, now), sql`${cases.location} && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`)!;
  const zoom = f.zoom;
  type Row = { n: number; lon: number; lat: number; id: number };
  let rows: Row[];
  if (zoom >= NO_CLUSTER_ZOOM) {
    rows = (await orm
      .select({ n: sql<number>`1`, lon: sql<number>`ST_X(${cases.location})`, lat: sql<number>`ST_Y(${cases.location})`, id: cases.id })
      .from(cases)
      .where(where)
      .orderBy(desc(cases.registeredAt))
      .limit(MAX_SINGLE_POINTS)) as Row[];
  } else {
    const cellLon = (360 * CELL_PX) / (256 * 2 ** zoom);
    // Web Mercator stretches latitude by 1/cos(lat): a square screen cell spans fewer degrees north–south.
    const cellLat = cellLon * Math.cos((((s + n) / 2) * Math.PI) / 180);
    rows = (await orm
      .select({
        n: sql<number>`count(*)::int`,
        lon: sql<number>`avg(ST_X(${cases.location}))`,
        lat: sql<number>`avg(ST_Y(${cases.location}))`,
        id: sql<number>`min(${cases.id})`,
      })
      .from(cases)
      .where(where)
      .groupBy(sql`floor(ST_X(${cases.location}) / ${cellLon}::float8)`, sql`floor(ST_Y(${cases.location}) / ${cellLat}::float8)`)) as Row[];
  }
  const singles = rows.filter((r) => Number(r.n) === 1).map((r) => Number(r.id));
  const details = new Map<number, Awaited<ReturnType<typeof signalSummaries>>[number]>();
  for (const d of await signalSummaries(orm, singles)) details.set(d.id, d);
  let total = 0;
  const features: MapFeature[] = rows.map((r) => {
    const count = Number(r.n);
    total += count;
    const coordinates: [number, number] = [Number(r.lon), Number(r.lat)];
    const d = count === 1 ? details.get(Number(r.id)) : undefined;
    if (!d) return { type: 'Feature', geometry: { type: 'Point', coordinates }, properties: { cluster: true, count } };
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates },
      properties: {
        cluster: false,
        number: d.number,
        url: caseUrl(d.number),
        status: d.status,
        statusLabel: statusLabel(d.status, lang),
        category: lang === 'en' ? d.catEn : d.catBg,
        type: lang === 'en' ? d.typeEn : d.typeBg,
        registeredAt: d.registeredAt.toISOString(),
      },
    };
  });
  return { type: 'FeatureCollection', features, total };
}

async function signalSummaries(orm: Orm, ids: number[]) {
  if (!ids.length) return [];
  const rows = await orm
    .select({
      id: cases.id,
      number: cases.regNumber,
      status: cases.status,
      registeredAt: cases.registeredAt,
      catBg: categories.nameBg,
      catEn: categories.nameEn,
      typeBg: caseTypes.nameBg,
      typeEn: caseTypes.nameEn,
    })
    .from(cases)
    .leftJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .where(inArray(cases.id, ids));
  return rows.map((r) => ({ ...r, catBg: r.catBg ?? '', catEn: r.catEn ?? '', typeBg: r.typeBg ?? '', typeEn: r.typeEn ?? '' }));
}

/** One row of the map's list view (the same selection, without JavaScript). */
export interface SignalListRow {
  number: string;
  registeredAt: Date;
  status: string;
  category: string;
  type: string;
  district: string | null;
  address: string | null;
}

/** A page of the public signals the map shows, newest first. */
export async function listMapSignals(orm: Orm, f: MapFilter, lang: 'bg' | 'en', now: Date, page: number, pageSize = 20): Promise<{ rows: SignalListRow[]; total: number }> {
  const where = recentPublicSignals(f, now);
  const [rows, [cnt]] = await Promise.all([
    orm
      .select({
        number: cases.regNumber,
        registeredAt: cases.registeredAt,
        status: cases.status,
        catBg: categories.nameBg,
        catEn: categories.nameEn,
        typeBg: caseTypes.nameBg,
        typeEn: caseTypes.nameEn,
        dBg: districts.nameBg,
        dEn: districts.nameEn,
        address: cases.address,
      })
      .from(cases)
      .leftJoin(categories, eq(categories.id, cases.categoryId))
      .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
      .leftJoin(districts, eq(districts.id, cases.districtId))
      .where(where)
      .orderBy(desc(cases.registeredAt), desc(cases.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    orm.select({ n: sql<number>`count(*)::int` }).from(cases).where(where),
  ]);
  return {
    total: Number(cnt?.n ?? 0),
    rows: rows.map((r) => ({
      number: r.number,
      registeredAt: r.registeredAt,
      status: r.status,
      category: (lang === 'en' ? r.catEn : r.catBg) ?? '',
      type: (lang === 'en' ? r.typeEn : r.typeBg) ?? '',
      district: (lang === 'en' ? r.dEn : r.dBg) ?? null,
      address: r.address,
    })),
  };
}

/** How close a public signal must be to count as "maybe already reported". */
export const NEARBY_METRES = 50;

/** One public signal near a new one. */
export interface NearbySignal {
  number: string;
  url: string;
  registeredAt: Date;
  status: string;
  statusLabel: string;
  type: string;
  description: string;
  metres: number;
}

/**
 * Public signals of the same category within 50 m from the last 30 days, nearest first:
 * what the form offers as "Може би вече е подаден" so that a person can follow one instead.
 */
export async function nearbySignals(orm: Orm, categoryId: number, lat: number, lon: number, lang: 'bg' | 'en', now: Date): Promise<NearbySignal[]> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;
  // A box of ~0.001° (≥ 80 m at Sofia's latitude) lets the map's GiST index find candidates;
  // the sphere distance then keeps those within 50 m.
  const rows = await orm
    .select({
      number: cases.regNumber,
      registeredAt: cases.registeredAt,
      status: cases.status,
      typeBg: caseTypes.nameBg,
      typeEn: caseTypes.nameEn,
      description: cases.description,
      metres: sql<number>`ST_DistanceSphere(${cases.location}, ${point})`,
    })
    .from(cases)
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .where(and(recentPublicSignals({ category: categoryId }, now), sql`${cases.location} && ST_Expand(${point}, 0.001)`, sql`ST_DistanceSphere(${cases.location}, ${point}) <= ${NEARBY_METRES}`))
    .orderBy(sql`ST_DistanceSphere(${cases.location}, ${point})`)
    .limit(5);
  return rows.map((r) => ({
    number: r.number,
    url: caseUrl(r.number),
    registeredAt: r.registeredAt,
    status: r.status,
    statusLabel: statusLabel(r.status, lang),
    type: (lang === 'en' ? r.typeEn : r.typeBg) ?? '',
    description: r.description.slice(0, 140),
    metres: Math.round(Number(r.metres)),
  }));
}
