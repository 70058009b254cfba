import { asc, eq } from 'drizzle-orm';
import type { Orm } from '../../platform/db/index.js';
import type { Lang } from '../../platform/errors/index.js';
import { caseTypes, categories, type ExtraField } from './catalog.tables.js';

/** A type as the forms and services use it. */
export interface CatalogType {
  id: number;
  code: string;
  categoryId: number;
  nameBg: string;
  nameEn: string;
  fields: ExtraField[];
  weight: number;
  /** CC-9: where a new document of this type goes. */
  route: { to: 'district' | 'unit' | 'organisation'; unitId: number | null; organisationId: number | null };
}

/** A category with its active types. */
export interface CatalogCategory {
  id: number;
  code: string;
  nameBg: string;
  nameEn: string;
  types: CatalogType[];
}

/** The whole active catalogue, indexed for the submission path. */
export interface Catalog {
  categories: CatalogCategory[];
  category(id: number): CatalogCategory | undefined;
  type(id: number): CatalogType | undefined;
  typeByCode(code: string): CatalogType | undefined;
}

// The catalogue is small and read on every form and map request; administrators' edits
// (a later issue) reach other instances within this many milliseconds.
const TTL_MS = 30_000;
let cached: { at: number; orm: Orm; value: Promise<Catalog> } | null = null;

/** The active catalogue, cached briefly in memory. */
export function getCatalog(orm: Orm): Promise<Catalog> {
  if (cached && cached.orm === orm && Date.now() - cached.at < TTL_MS) return cached.value;
  const value = loadCatalog(orm);
  cached = { at: Date.now(), orm, value };
  value.catch(() => (cached = null));
  return value;
}

/** Drops the cached catalogue, after an edit. */
export function invalidateCatalog(): void {
  cached = null;
}

async function loadCatalog(orm: Orm): Promise<Catalog> {
  const cats = await orm.select().from(categories).where(eq(categories.active, true)).orderBy(asc(categories.sort));
  const types = await orm.select().from(caseTypes).where(eq(caseTypes.active, true)).orderBy(asc(caseTypes.sort));
  const byCat = new Map<number, CatalogCategory>();
  for (const c of cats) byCat.set(c.id, { id: c.id, code: c.code, nameBg: c.nameBg, nameEn: c.nameEn, types: [] });
  const byId = new Map<number, CatalogType>();
  const byCode = new Map<string, CatalogType>();
  for (const t of types) {
    const cat = byCat.get(t.categoryId);
    if (!cat) continue;
    const ct: CatalogType = { id: t.id, code: t.code, categoryId: t.categoryId, nameBg: t.nameBg, nameEn: t.nameEn, fields: t.fields, weight: t.weight, route: { to: (t.routeTo as CatalogType['route']['to']) ?? 'district', unitId: t.routeUnitId, organisationId: t.routeOrganisationId } };
    cat.types.push(ct);
    byId.set(t.id, ct);
    byCode.set(t.code, ct);
  }
  const list = [...byCat.values()].filter((c) => c.types.length > 0);
  return {
    categories: list,
    category: (id) => byCat.get(id),
    type: (id) => byId.get(id),
    typeByCode: (code) => byCode.get(code),
  };
}

/** A catalogue name in the reader's language. */
export function localName(x: { nameBg: string; nameEn: string }, lang: Lang): string {
  return lang === 'en' ? x.nameEn : x.nameBg;
}
