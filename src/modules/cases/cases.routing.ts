import { asc, eq } from 'drizzle-orm';
import type { Orm } from '../../platform/db/index.js';
import type { CatalogType } from '../catalog/index.js';
import { organisations, units } from '../catalog/catalog.tables.js';

/** Where a document goes and how the public history names its holder (never a person). */
export interface Route {
  unitId: number;
  organisationId: number | null;
  label: { bg: string; en: string };
}

let kcUnit: { orm: Orm; id: Promise<number> } | null = null;

/** The Contact Center's unit: the catch-all for documents no rule places. */
export function contactCenterUnit(orm: Orm): Promise<number> {
  if (!kcUnit || kcUnit.orm !== orm) {
    const id = orm
      .select({ id: units.id })
      .from(units)
      .where(eq(units.code, 'KC'))
      .then((r) => r[0]!.id);
    kcUnit = { orm, id };
  }
  return kcUnit.id;
}

// Units and organisations change rarely (administrators' pages) and every submission routes:
// they are read from a copy at most this old; an edit on this instance drops it at once.
const DIRECTORY_TTL_MS = 30_000;
interface Directory {
  unit: Map<number, { bg: string; en: string }>;
  children: Map<number, number[]>;
  unitOfDistrict: Map<number, number>;
  organisation: Map<number, { bg: string; en: string }>;
}
let directory: { orm: Orm; at: number; value: Promise<Directory> } | null = null;

function routingDirectory(orm: Orm): Promise<Directory> {
  if (directory && directory.orm === orm && Date.now() - directory.at < DIRECTORY_TTL_MS) return directory.value;
  const value = (async () => {
    const [us, os] = await Promise.all([
      orm.select({ id: units.id, bg: units.nameBg, en: units.nameEn, districtId: units.districtId, parentId: units.parentId }).from(units).orderBy(asc(units.id)),
      orm.select({ id: organisations.id, bg: organisations.nameBg, en: organisations.nameEn }).from(organisations),
    ]);
    const d: Directory = { unit: new Map(), children: new Map(), unitOfDistrict: new Map(), organisation: new Map() };
    for (const u of us) {
      d.unit.set(u.id, { bg: u.bg, en: u.en });
      if (u.parentId !== null) d.children.set(u.parentId, [...(d.children.get(u.parentId) ?? []), u.id]);
      if (u.districtId !== null && !d.unitOfDistrict.has(u.districtId)) d.unitOfDistrict.set(u.districtId, u.id);
    }
    for (const o of os) d.organisation.set(o.id, { bg: o.bg, en: o.en });
    return d;
  })();
  directory = { orm, at: Date.now(), value };
  value.catch(() => (directory = null));
  return value;
}

/**
 * A unit with every unit below it, from the same copy: what its staff may see (AC-5). After an
 * administrator moves a unit, other instances follow within DIRECTORY_TTL_MS.
 */
export async function unitAndBelow(orm: Orm, unitId: number): Promise<Set<number>> {
  const d = await routingDirectory(orm);
  const out = new Set<number>();
  const stack = [unitId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(d.children.get(id) ?? []));
  }
  return out;
}

/** A unit's public name from the same copy. */
export async function unitName(orm: Orm, unitId: number): Promise<{ bg: string; en: string } | null> {
  return (await routingDirectory(orm)).unit.get(unitId) ?? null;
}

/** Drops the routing copy of units and organisations, after an administrator changed one. */
export function invalidateRouting(): void {
  directory = null;
}

/**
 * CC-9, applied at registration: the type's rule sends the document to a fixed unit, to an
 * outside organisation (the Contact Center keeps watch over it), or to the administration of
 * the district its point lies in; without a district the Contact Center distributes it by hand.
 */
export async function routeFor(orm: Orm, type: CatalogType | undefined, districtId: number | null): Promise<Route> {
  const [kc, copy] = await Promise.all([contactCenterUnit(orm), routingDirectory(orm)]);
  let d = copy;
  // A rule naming a unit or organisation the copy does not know yet (created on another instance
  // moments ago): read the copy again rather than route past the rule.
  const named = type?.route.to === 'unit' ? type.route.unitId : type?.route.to === 'organisation' ? type.route.organisationId : null;
  if (named && !(type!.route.to === 'unit' ? d.unit.has(named) : d.organisation.has(named))) {
    invalidateRouting();
    d = await routingDirectory(orm);
  }
  const toUnit = (unitId: number, organisationId: number | null = null): Route => {
    const u = d.unit.get(unitId);
    return { unitId, organisationId, label: { bg: u?.bg ?? '', en: u?.en ?? '' } };
  };
  if (type?.route.to === 'unit' && type.route.unitId && d.unit.has(type.route.unitId)) return toUnit(type.route.unitId);
  if (type?.route.to === 'organisation' && type.route.organisationId) {
    const o = d.organisation.get(type.route.organisationId);
    if (o) return { unitId: kc, organisationId: type.route.organisationId, label: { bg: o.bg, en: o.en } };
  }
  if (districtId !== null) {
    const u = d.unitOfDistrict.get(districtId);
    if (u !== undefined) return toUnit(u);
  }
  return toUnit(kc);
}

/** A route to a unit, with the unit's public name. */
export async function unitRoute(orm: Orm, unitId: number, organisationId: number | null): Promise<Route> {
  const [u] = await orm.select({ bg: units.nameBg, en: units.nameEn }).from(units).where(eq(units.id, unitId));
  return { unitId, organisationId, label: { bg: u?.bg ?? '', en: u?.en ?? '' } };
}
