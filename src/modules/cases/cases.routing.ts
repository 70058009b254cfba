import { eq } from 'drizzle-orm';
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

/**
 * CC-9, applied at registration: the type's rule sends the document to a fixed unit, to an
 * outside organisation (the Contact Center keeps watch over it), or to the administration of
 * the district its point lies in; without a district the Contact Center distributes it by hand.
 */
export async function routeFor(orm: Orm, type: CatalogType | undefined, districtId: number | null): Promise<Route> {
  const kc = await contactCenterUnit(orm);
  if (type?.route.to === 'unit' && type.route.unitId) return unitRoute(orm, type.route.unitId, null);
  if (type?.route.to === 'organisation' && type.route.organisationId) {
    const [o] = await orm.select({ bg: organisations.nameBg, en: organisations.nameEn }).from(organisations).where(eq(organisations.id, type.route.organisationId));
    if (o) return { unitId: kc, organisationId: type.route.organisationId, label: { bg: o.bg, en: o.en } };
  }
  if (districtId !== null) {
    const [u] = await orm.select({ id: units.id }).from(units).where(eq(units.districtId, districtId)).limit(1);
    if (u) return unitRoute(orm, u.id, null);
  }
  return unitRoute(orm, kc, null);
}

/** A route to a unit, with the unit's public name. */
export async function unitRoute(orm: Orm, unitId: number, organisationId: number | null): Promise<Route> {
  const [u] = await orm.select({ bg: units.nameBg, en: units.nameEn }).from(units).where(eq(units.id, unitId));
  return { unitId, organisationId, label: { bg: u?.bg ?? '', en: u?.en ?? '' } };
}
