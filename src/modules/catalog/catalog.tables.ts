import { boolean, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { districts } from '../../platform/geo/geo.tables.js';

/** One extra field a type asks for, configured as data (CC-1). */
export interface ExtraField {
  code: string;
  datatype: 'text' | 'number' | 'date' | 'single' | 'multi' | 'bool';
  required: boolean;
  labelBg: string;
  labelEn: string;
  hintBg?: string;
  hintEn?: string;
  options?: { key: string; bg: string; en: string }[];
}

/** Bodies that receive documents: the Municipality, district administrations, utilities … */
export const organisations = pgTable('organisations', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  kind: text('kind').notNull(),
  nameBg: text('name_bg').notNull(),
  nameEn: text('name_en').notNull(),
  phone: text('phone'),
  email: text('email'),
  address: text('address'),
  hours: text('hours'),
});

/** Structural units of an organisation, competent for some categories or for a district. */
export const units = pgTable('units', {
  id: serial('id').primaryKey(),
  organisationId: integer('organisation_id')
    .notNull()
    .references(() => organisations.id),
  parentId: integer('parent_id'),
  code: text('code').notNull().unique(),
  nameBg: text('name_bg').notNull(),
  nameEn: text('name_en').notNull(),
  districtId: integer('district_id').references(() => districts.id),
});

/** Top level of the catalogue (категория). */
export const categories = pgTable('categories', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  callsofiaId: integer('callsofia_id'),
  nameBg: text('name_bg').notNull(),
  nameEn: text('name_en').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

/** Second level of the catalogue (тип), with its extra fields and its share of real signals. */
export const caseTypes = pgTable('case_types', {
  id: serial('id').primaryKey(),
  categoryId: integer('category_id')
    .notNull()
    .references(() => categories.id),
  code: text('code').notNull().unique(),
  nameBg: text('name_bg').notNull(),
  nameEn: text('name_en').notNull(),
  fields: jsonb('fields').$type<ExtraField[]>().notNull().default([]),
  /** Signals of this type among 3,529 real Call Sofia signals (2014–15): drives demo and bench data. */
  weight: integer('weight').notNull().default(0),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});
