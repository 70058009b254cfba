import { index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { multiPolygonColumn } from '../db/types.js';

/** Sofia's 24 administrative districts (райони), official numbers "01".."24". */
export const districts = pgTable(
  'districts',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    nameBg: text('name_bg').notNull(),
    nameEn: text('name_en').notNull(),
    geom: multiPolygonColumn('geom').notNull(),
  },
  (t) => [index('districts_geom_gix').using('gist', t.geom)],
);

/** Neighbourhoods (квартали / ж.к.); the source data carries no names, only numbers. */
export const neighbourhoods = pgTable(
  'neighbourhoods',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id').notNull().unique(),
    nameBg: text('name_bg').notNull(),
    nameEn: text('name_en').notNull(),
    districtId: integer('district_id').references(() => districts.id),
    geom: multiPolygonColumn('geom').notNull(),
  },
  (t) => [index('neighbourhoods_geom_gix').using('gist', t.geom)],
);
