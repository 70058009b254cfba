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
  /** A number field's bounds (issue 11); without them 0 … 1,000,000 (cases.extra.ts). */
  min?: number;
  max?: number;
  /** A date field for a day something happened or was seen: not after today. */
  past?: boolean;
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
  /** CC-14: offered to operators as a place to transfer a call to (112, police, utilities …). */
  callTransfer: boolean('call_transfer').notNull().default(false),
  /** What the organisation does, for the directory and the operators (CC-15). */
  functionsBg: text('functions_bg'),
  functionsEn: text('functions_en'),
  sort: integer('sort').notNull().default(0),
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
  /** Directory data (CC-15): functions, place, working hours and contacts. */
  functionsBg: text('functions_bg'),
  functionsEn: text('functions_en'),
  address: text('address'),
  hours: text('hours'),
  phone: text('phone'),
  email: text('email'),
  active: boolean('active').notNull().default(true),
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
  /**
   * CC-9 routing rule, as data: 'district' sends a new document to the administration of the
   * district its point lies in; 'unit' to `routeUnitId`; 'organisation' to an outside body.
   */
  routeTo: text('route_to').notNull().default('district'),
  routeUnitId: integer('route_unit_id'),
  routeOrganisationId: integer('route_organisation_id'),
});

/** Municipal administrative services (CC-15, ES-1): how to obtain them, documents, deadlines, prices. */
export const services = pgTable('services', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  nameBg: text('name_bg').notNull(),
  nameEn: text('name_en').notNull(),
  howBg: text('how_bg').notNull().default(''),
  howEn: text('how_en').notNull().default(''),
  documentsBg: text('documents_bg').notNull().default(''),
  documentsEn: text('documents_en').notNull().default(''),
  deadlineBg: text('deadline_bg').notNull().default(''),
  deadlineEn: text('deadline_en').notNull().default(''),
  priceBg: text('price_bg').notNull().default(''),
  priceEn: text('price_en').notNull().default(''),
  unitId: integer('unit_id').references(() => units.id),
  active: boolean('active').notNull().default(true),
});
