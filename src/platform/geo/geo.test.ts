import { describe, expect, test } from 'vitest';
import { testDb } from '../../../test/harness.js';
import { AppError } from '../errors/index.js';
import { DISTRICT_NAMES, locate } from './index.js';

describe('finding the district of a point (PostGIS)', () => {
  test('a point inside each of the 24 districts is placed in that district', async () => {
    const db = await testDb();
    // An interior point of each district polygon, computed by PostGIS, not typed in by hand.
    const { rows } = await db.raw.executeSql(
      'SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM districts ORDER BY code',
      [],
    );
    expect(rows).toHaveLength(24);
    expect(rows.map((r) => r.code)).toEqual(Object.keys(DISTRICT_NAMES).sort());
    for (const r of rows) {
      const place = await locate(db.orm, { lon: Number(r.lon), lat: Number(r.lat) });
      expect(place.districtCode, `district ${r.code}`).toBe(r.code);
    }
  });

  test('a point in the gap between district polygons goes to the nearest district', async () => {
    const db = await testDb();
    // The union of the districts has holes where the source polygons do not meet: take the largest.
    const { rows } = await db.raw.executeSql(
      `WITH u AS (SELECT (ST_Dump(ST_Union(geom))).geom g FROM districts),
            h AS (SELECT ST_MakePolygon(ST_InteriorRingN(g, n)) h FROM u, generate_series(1, ST_NumInteriorRings(g)) n)
       SELECT ST_X(p) lon, ST_Y(p) lat,
              (SELECT count(*) FROM districts d WHERE ST_Covers(d.geom, p))::int AS covering,
              (SELECT code FROM districts d ORDER BY ST_Distance(d.geom::geography, p::geography) LIMIT 1) AS nearest
       FROM (SELECT ST_PointOnSurface(h) p FROM h ORDER BY ST_Area(h) DESC LIMIT 1) x`,
      [],
    );
    const gap = rows[0];
    expect(gap.covering).toBe(0);
    const place = await locate(db.orm, { lon: Number(gap.lon), lat: Number(gap.lat) });
    expect(place.districtCode).toBe(gap.nearest);
  });

  test('the National Palace of Culture is in Lozenets… or Triaditsa, and Plovdiv is outside Sofia', async () => {
    const db = await testDb();
    const ndk = await locate(db.orm, { lat: 42.6846, lon: 23.3189 });
    expect(['09', '10']).toContain(ndk.districtCode);
    await expect(locate(db.orm, { lat: 42.1354, lon: 24.7453 })).rejects.toMatchObject({ code: 'OUTSIDE_SOFIA' });
    // 5 km beyond the city's western edge (Bankya ends near 23.08°E).
    await expect(locate(db.orm, { lat: 42.7, lon: 22.95 })).rejects.toBeInstanceOf(AppError);
  });

  test('coordinates that are not numbers or out of range are refused', async () => {
    const db = await testDb();
    await expect(locate(db.orm, { lat: Number.NaN, lon: 23.3 })).rejects.toMatchObject({ code: 'COORDINATES_INVALID' });
    await expect(locate(db.orm, { lat: 142, lon: 23.3 })).rejects.toMatchObject({ code: 'COORDINATES_INVALID' });
  });

  test('a point in a neighbourhood gets that neighbourhood', async () => {
    const db = await testDb();
    const { rows } = await db.raw.executeSql(
      'SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM neighbourhoods ORDER BY source_id LIMIT 5',
      [],
    );
    for (const r of rows) {
      const place = await locate(db.orm, { lon: Number(r.lon), lat: Number(r.lat) });
      expect(place.neighbourhoodId).not.toBeNull();
    }
  });
});
