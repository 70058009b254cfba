import { customType } from 'drizzle-orm/pg-core';

/** A longitude/latitude pair in WGS84 (SRID 4326). */
export interface LonLat {
  lon: number;
  lat: number;
}

/**
 * PostGIS point column with its SRID kept in the type (drizzle's own geometry() drops it).
 * Written as EWKT, read back through ST_AsText-free hex EWKB parsing would be heavy, so reads
 * select ST_X/ST_Y explicitly where coordinates are needed.
 */
export const pointColumn = customType<{ data: LonLat; driverData: string }>({
  dataType() {
    return 'geometry(Point,4326)';
  },
  toDriver(p: LonLat): string {
    return `SRID=4326;POINT(${p.lon} ${p.lat})`;
  },
  fromDriver(v: string): LonLat {
    return parseEwkbPoint(v);
  },
});

/** PostGIS multipolygon column in SRID 4326; written and read only through SQL functions. */
export const multiPolygonColumn = customType<{ data: string; driverData: string }>({
  dataType() {
    return 'geometry(MultiPolygon,4326)';
  },
});

/** Parses the hex EWKB of a 2-D point, as PostgreSQL returns geometry values in text mode. */
export function parseEwkbPoint(hex: string): LonLat {
  const buf = Buffer.from(hex, 'hex');
  const le = buf[0] === 1;
  const type = le ? buf.readUInt32LE(1) : buf.readUInt32BE(1);
  const hasSrid = (type & 0x20000000) !== 0;
  const off = 5 + (hasSrid ? 4 : 0);
  const lon = le ? buf.readDoubleLE(off) : buf.readDoubleBE(off);
  const lat = le ? buf.readDoubleLE(off + 8) : buf.readDoubleBE(off + 8);
  return { lon, lat };
}
