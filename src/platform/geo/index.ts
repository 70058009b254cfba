import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, Orm, Tx } from '../db/index.js';
import type { LonLat } from '../db/types.js';
import { AppError } from '../errors/index.js';
import { districts, neighbourhoods } from './geo.tables.js';

export { districts, neighbourhoods };

/** The official names of Sofia's 24 districts by number, in Bulgarian and in the official transliteration. */
export const DISTRICT_NAMES: Record<string, { bg: string; en: string }> = {
  '01': { bg: 'Средец', en: 'Sredets' },
  '02': { bg: 'Красно село', en: 'Krasno Selo' },
  '03': { bg: 'Възраждане', en: 'Vazrazhdane' },
  '04': { bg: 'Оборище', en: 'Oborishte' },
  '05': { bg: 'Сердика', en: 'Serdika' },
  '06': { bg: 'Подуяне', en: 'Poduyane' },
  '07': { bg: 'Слатина', en: 'Slatina' },
  '08': { bg: 'Изгрев', en: 'Izgrev' },
  '09': { bg: 'Лозенец', en: 'Lozenets' },
  '10': { bg: 'Триадица', en: 'Triaditsa' },
  '11': { bg: 'Красна поляна', en: 'Krasna Polyana' },
  '12': { bg: 'Илинден', en: 'Ilinden' },
  '13': { bg: 'Надежда', en: 'Nadezhda' },
  '14': { bg: 'Искър', en: 'Iskar' },
  '15': { bg: 'Младост', en: 'Mladost' },
  '16': { bg: 'Студентски', en: 'Studentski' },
  '17': { bg: 'Витоша', en: 'Vitosha' },
  '18': { bg: 'Овча купел', en: 'Ovcha Kupel' },
  '19': { bg: 'Люлин', en: 'Lyulin' },
  '20': { bg: 'Връбница', en: 'Vrabnitsa' },
  '21': { bg: 'Нови Искър', en: 'Novi Iskar' },
  '22': { bg: 'Кремиковци', en: 'Kremikovtsi' },
  '23': { bg: 'Панчарево', en: 'Pancharevo' },
  '24': { bg: 'Банкя', en: 'Bankya' },
};

/**
 * How far outside every district polygon a point may be and still count as Sofia: the source
 * polygons leave slivers between neighbours (and along the outer edge) a few metres to a few
 * tens of metres wide; a point there belongs to the nearest district.
 */
export const GAP_TOLERANCE_M = 150;

/** Where a point lies: its district and, when known, its neighbourhood. */
export interface Place {
  districtId: number;
  districtCode: string;
  neighbourhoodId: number | null;
}

type Q = Orm | Tx;

/** Finds the district and neighbourhood of a point, or throws OUTSIDE_SOFIA. */
export async function locate(db: Q, p: LonLat, field = 'location'): Promise<Place> {
  if (!Number.isFinite(p.lon) || !Number.isFinite(p.lat) || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) {
    throw new AppError('COORDINATES_INVALID', { field });
  }
  const pt = sql`ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)`;
  // Nearest district by the index (<->), then its true distance in metres on the sphere: 0 inside.
  const res = await db.execute(sql`
    SELECT d.id, d.code,
           ST_Distance(d.geom::geography, ${pt}::geography) AS dist,
           (SELECT n.id FROM ${neighbourhoods} n WHERE ST_Covers(n.geom, ${pt}) LIMIT 1) AS nid
    FROM ${districts} d
    ORDER BY d.geom <-> ${pt}
    LIMIT 3`);
  const rows = (res as unknown as { rows: { id: number; code: string; dist: number; nid: number | null }[] }).rows;
  // <-> orders by bounding boxes for polygons: re-order the few candidates by true distance.
  const best = rows.map((r) => ({ ...r, dist: Number(r.dist) })).sort((a, b) => a.dist - b.dist)[0];
  if (!best || best.dist > GAP_TOLERANCE_M) throw new AppError('OUTSIDE_SOFIA', { field });
  return { districtId: Number(best.id), districtCode: best.code, neighbourhoodId: best.nid === null ? null : Number(best.nid) };
}

/** Loads the districts and neighbourhoods from the reference GeoJSON, once. */
export async function loadGeography(db: Database, referenceDir: string): Promise<void> {
  const [{ n }] = (await db.raw.executeSql('SELECT count(*)::int AS n FROM districts', [])).rows as [{ n: number }];
  if (n > 0) return;
  const d = JSON.parse(readFileSync(join(referenceDir, 'sofia-districts.geojson'), 'utf8')) as FeatureCollection;
  for (const f of d.features) {
    const code = String(f.properties.obns_num);
    const names = DISTRICT_NAMES[code];
    if (!names) throw new Error(`unknown district number ${code}`);
    await db.raw.executeSql(
      'INSERT INTO districts (code, name_bg, name_en, geom) VALUES ($1, $2, $3, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)))',
      [code, names.bg, names.en, JSON.stringify(f.geometry)],
    );
  }
  const nb = JSON.parse(readFileSync(join(referenceDir, 'sofia-neighbourhoods.geojson'), 'utf8')) as FeatureCollection;
  for (const f of nb.features) {
    const id = Number(f.properties.id);
    await db.raw.executeSql(
      `INSERT INTO neighbourhoods (source_id, name_bg, name_en, geom)
       VALUES ($1, $2, $3, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), 3)))`,
      [id, `Квартал № ${id}`, `Neighbourhood No. ${id}`, JSON.stringify(f.geometry)],
    );
  }
  // A neighbourhood belongs to the district that holds its interior point.
  await db.raw.executeSql(
    `UPDATE neighbourhoods n SET district_id = (
       SELECT d.id FROM districts d ORDER BY d.geom <-> ST_PointOnSurface(n.geom) LIMIT 1)`,
    [],
  );
  await db.raw.executeSql('ANALYZE districts; ANALYZE neighbourhoods', []);
}

interface FeatureCollection {
  features: { properties: Record<string, unknown>; geometry: unknown }[];
}
