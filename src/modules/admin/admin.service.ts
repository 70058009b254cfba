import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { districts } from '../../platform/geo/geo.tables.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { invalidateRouting } from '../cases/index.js';
import type { OrganisationInput, StaffCreateInput, StaffUpdateInput, UnitInput } from './admin.schemas.js';

/** The name of the unique index a failed insert or update ran into, when that was the reason. */
export function uniqueViolation(err: unknown): string | null {
  for (let e = err as { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '23505') return e.constraint ?? e.message ?? '';
  }
  return null;
}

/** The listed keys of a row, for an audit record's before/after. */
export function snapshot<T extends object, K extends keyof T>(row: T | undefined, keys: readonly K[]): Pick<T, K> | undefined {
  if (!row) return undefined;
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = row[k];
  return out;
}

// ------------------------------------------------------------------ organisations

const ORG_KEYS = ['code', 'kind', 'nameBg', 'nameEn', 'phone', 'email', 'address', 'hours'] as const;

/** Every organisation, in directory order. */
export function listOrganisations(orm: Orm) {
  return orm.select().from(organisations).orderBy(asc(organisations.sort), asc(organisations.nameBg));
}

/** One organisation, or NOT_FOUND. */
export async function getOrganisation(orm: Orm, id: number) {
  const [o] = await orm.select().from(organisations).where(eq(organisations.id, id));
  if (!o) throw new AppError('NOT_FOUND');
  return o;
}

/** Creates (id null) or edits an organisation; answers its id. Routing sees the change at once on this instance. */
export async function saveOrganisation(ctx: Ctx, actor: Actor, id: number | null, input: OrganisationInput): Promise<number> {
  const saved = await saveOrganisationRow(ctx, actor, id, input);
  invalidateRouting();
  return saved;
}

async function saveOrganisationRow(ctx: Ctx, actor: Actor, id: number | null, input: OrganisationInput): Promise<number> {
  const taken = await ctx.db.orm
    .select({ id: organisations.id })
    .from(organisations)
    .where(id ? and(eq(organisations.code, input.code), ne(organisations.id, id)) : eq(organisations.code, input.code));
  if (taken.length) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'CODE_TAKEN' }] });
  try {
    return await ctx.db.orm.transaction(async (tx) => {
      if (id === null) {
        const [row] = await tx.insert(organisations).values(input).returning();
        await audit(tx, actor, { action: 'organisation.create', entity: 'organisation', entityId: row!.id, after: snapshot(row, ORG_KEYS) });
        return row!.id;
      }
      const [before] = await tx.select().from(organisations).where(eq(organisations.id, id)).for('update');
      if (!before) throw new AppError('NOT_FOUND');
      const [after] = await tx.update(organisations).set(input).where(eq(organisations.id, id)).returning();
      await audit(tx, actor, { action: 'organisation.update', entity: 'organisation', entityId: id, before: snapshot(before, ORG_KEYS), after: snapshot(after, ORG_KEYS) });
      return id;
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'CODE_TAKEN' }] });
    throw err;
  }
}

// ------------------------------------------------------------------ units

const UNIT_KEYS = ['organisationId', 'parentId', 'code', 'nameBg', 'nameEn', 'districtId', 'active'] as const;

/** A unit as the tree shows it. */
export interface TreeUnit {
  id: number;
  code: string;
  nameBg: string;
  nameEn: string;
  active: boolean;
  districtId: number | null;
  depth: number;
}

/** Units by organisation, each organisation's units in tree order (children after their parent, one level deeper). */
export async function unitTree(orm: Orm): Promise<{ org: { id: number; code: string; nameBg: string; nameEn: string }; units: TreeUnit[] }[]> {
  const [orgs, all] = await Promise.all([listOrganisations(orm), orm.select().from(units).orderBy(asc(units.code))]);
  return orgs.map((org) => {
    const own = all.filter((u) => u.organisationId === org.id);
    const ids = new Set(own.map((u) => u.id));
    const children = new Map<number | null, typeof own>();
    for (const u of own) {
      // A parent in another organisation (older data) or missing: show the unit at the top rather than lose it.
      const p = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
      children.set(p, [...(children.get(p) ?? []), u]);
    }
    const out: TreeUnit[] = [];
    const seen = new Set<number>();
    const walk = (parent: number | null, depth: number) => {
      for (const u of children.get(parent) ?? []) {
        if (seen.has(u.id)) continue;
        seen.add(u.id);
        out.push({ id: u.id, code: u.code, nameBg: u.nameBg, nameEn: u.nameEn, active: u.active, districtId: u.districtId, depth });
        walk(u.id, depth + 1);
      }
    };
    walk(null, 0);
    // Units caught in a cycle written outside this module still appear, at the top.
    for (const u of own) if (!seen.has(u.id)) out.push({ id: u.id, code: u.code, nameBg: u.nameBg, nameEn: u.nameEn, active: u.active, districtId: u.districtId, depth: 0 });
    return { org: { id: org.id, code: org.code, nameBg: org.nameBg, nameEn: org.nameEn }, units: out };
  });
}

/** One unit, or NOT_FOUND. */
export async function getUnit(orm: Orm, id: number) {
  const [u] = await orm.select().from(units).where(eq(units.id, id));
  if (!u) throw new AppError('NOT_FOUND');
  return u;
}

/** Sofia's districts, for the district select. */
export function listDistricts(orm: Orm) {
  return orm.select({ id: districts.id, code: districts.code, nameBg: districts.nameBg, nameEn: districts.nameEn }).from(districts).orderBy(asc(districts.code));
}

/**
 * Creates (id null) or edits a unit. The parent must be of the same organisation and must not
 * be the unit itself or below it; edits of the hierarchy are serialised so that two
 * administrators cannot close a cycle between them. Routing sees the change at once on this instance.
 */
export async function saveUnit(ctx: Ctx, actor: Actor, id: number | null, input: UnitInput): Promise<number> {
  const saved = await saveUnitRow(ctx, actor, id, input);
  invalidateRouting();
  return saved;
}

async function saveUnitRow(ctx: Ctx, actor: Actor, id: number | null, input: UnitInput): Promise<number> {
  const orm = ctx.db.orm;
  const issues: FieldIssue[] = [];
  const [org] = await orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, input.organisationId));
  if (!org) issues.push({ field: 'organisationId', code: 'NOT_IN_LIST' });
  if (input.districtId !== null) {
    const [d] = await orm.select({ id: districts.id }).from(districts).where(eq(districts.id, input.districtId));
    if (!d) issues.push({ field: 'districtId', code: 'NOT_IN_LIST' });
  }
  const taken = await orm.select({ id: units.id }).from(units).where(id ? and(eq(units.code, input.code), ne(units.id, id)) : eq(units.code, input.code));
  if (taken.length) issues.push({ field: 'code', code: 'CODE_TAKEN' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  try {
    return await orm.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('admin.units.tree'))`);
      const before = id === null ? undefined : (await tx.select().from(units).where(eq(units.id, id)))[0];
      if (id !== null && !before) throw new AppError('NOT_FOUND');
      await checkParent(tx, id, input);
      if (before && before.organisationId !== input.organisationId) {
        const [kids] = await tx.select({ n: count() }).from(units).where(eq(units.parentId, before.id));
        if (kids!.n > 0) throw new AppError('VALIDATION', { issues: [{ field: 'organisationId', code: 'UNIT_HAS_SUBUNITS' }] });
      }
      if (id === null) {
        const [row] = await tx.insert(units).values(input).returning();
        await audit(tx, actor, { action: 'unit.create', entity: 'unit', entityId: row!.id, after: snapshot(row, UNIT_KEYS) });
        return row!.id;
      }
      const [after] = await tx.update(units).set(input).where(eq(units.id, id)).returning();
      await audit(tx, actor, { action: 'unit.update', entity: 'unit', entityId: id, before: snapshot(before, UNIT_KEYS), after: snapshot(after, UNIT_KEYS) });
      return id;
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'CODE_TAKEN' }] });
    throw err;
  }
}

async function checkParent(tx: Tx, id: number | null, input: UnitInput): Promise<void> {
  if (input.parentId === null) return;
  const fail = (code: 'UNIT_PARENT_CYCLE' | 'UNIT_PARENT_ORGANISATION' | 'NOT_IN_LIST') => {
    throw new AppError('VALIDATION', { issues: [{ field: 'parentId', code }] });
  };
  if (input.parentId === id) fail('UNIT_PARENT_CYCLE');
  const all = await tx.select({ id: units.id, parentId: units.parentId, organisationId: units.organisationId }).from(units);
  const byId = new Map(all.map((u) => [u.id, u]));
  const parent = byId.get(input.parentId);
  if (!parent) fail('NOT_IN_LIST');
  if (parent!.organisationId !== input.organisationId) fail('UNIT_PARENT_ORGANISATION');
  if (id === null) return;
  // Walk up from the new parent: meeting the unit itself means it would sit below its own sub-unit.
  const seen = new Set<number>();
  for (let p = parent; p && !seen.has(p.id); p = p.parentId === null ? undefined : byId.get(p.parentId)) {
    if (p.id === id) fail('UNIT_PARENT_CYCLE');
    seen.add(p.id);
  }
}

/** Active units with their organisation, for selects. */
export async function unitOptions(orm: Orm, lang: 'bg' | 'en', opts: { includeInactive?: boolean } = {}) {
  const rows = await orm
    .select({ id: units.id, code: units.code, bg: units.nameBg, en: units.nameEn, active: units.active, orgBg: organisations.nameBg, orgEn: organisations.nameEn })
    .from(units)
    .innerJoin(organisations, eq(organisations.id, units.organisationId))
    .where(opts.includeInactive ? undefined : eq(units.active, true))
    .orderBy(asc(organisations.sort), asc(organisations.nameBg), asc(units.code));
  return rows.map((u) => ({ id: u.id, label: `${u[lang]} (${u.code})`, group: lang === 'en' ? u.orgEn : u.orgBg, active: u.active }));
}

// ------------------------------------------------------------------ staff (AC-5)

const STAFF_KEYS = ['username', 'email', 'firstName', 'lastName', 'role', 'unitId'] as const;
const PAGE = 100;

/** What the staff list may be narrowed to. */
export interface StaffFilter {
  role?: string;
  unitId?: number;
  page: number;
}

/** Staff accounts (role other than citizen), by name, a page at a time. */
export async function listStaff(orm: Orm, f: StaffFilter) {
  const conds: SQL[] = [ne(users.role, 'citizen')];
  if (f.role) conds.push(eq(users.role, f.role));
  if (f.unitId) conds.push(eq(users.unitId, f.unitId));
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    orm
      .select({ id: users.id, username: users.displayUsername, login: users.username, email: users.email, firstName: users.firstName, lastName: users.lastName, role: users.role, unitId: users.unitId, unitBg: units.nameBg, unitEn: units.nameEn })
      .from(users)
      .leftJoin(units, eq(units.id, users.unitId))
      .where(where)
      .orderBy(asc(users.lastName), asc(users.firstName), asc(users.username))
      .limit(PAGE)
      .offset((f.page - 1) * PAGE),
    orm.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, total: total!.n, pages: Math.max(1, Math.ceil(total!.n / PAGE)) };
}

/** One staff member, or NOT_FOUND (citizens are not staff). */
export async function getStaff(orm: Orm, id: string) {
  const [u] = await orm.select().from(users).where(and(eq(users.id, id), ne(users.role, 'citizen')));
  if (!u) throw new AppError('NOT_FOUND');
  return u;
}

async function checkUnitFor(orm: Orm | Tx, role: string, unitId: number | null, currentUnitId: number | null): Promise<void> {
  // Every role but the administrator works for a unit and sees that unit's documents (AC-5).
  if (unitId === null) {
    if (role !== 'admin') throw new AppError('VALIDATION', { issues: [{ field: 'unitId', code: 'FIELD_REQUIRED' }] });
    return;
  }
  const [u] = await orm.select({ active: units.active }).from(units).where(eq(units.id, unitId));
  // A unit closed later stays acceptable for the people already in it; new people go to open units.
  if (!u || (!u.active && unitId !== currentUnitId)) throw new AppError('VALIDATION', { issues: [{ field: 'unitId', code: 'NOT_IN_LIST' }] });
}

/**
 * Creates a staff account without a password and emails its owner a one-hour link to set one
 * (the same link as "forgotten password"), so no administrator ever knows a colleague's password.
 */
export async function createStaff(ctx: Ctx, actor: Actor, input: StaffCreateInput): Promise<string> {
  const orm = ctx.db.orm;
  const login = input.username.toLowerCase();
  const issues: FieldIssue[] = [];
  const taken = await orm.select({ username: users.username, email: users.email }).from(users).where(or(eq(users.username, login), eq(users.email, input.email)));
  if (taken.some((t) => t.username === login)) issues.push({ field: 'username', code: 'USERNAME_TAKEN' });
  if (taken.some((t) => t.email === input.email)) issues.push({ field: 'email', code: 'EMAIL_TAKEN' });
  try {
    await checkUnitFor(orm, input.role, input.unitId, null);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length) throw new AppError('VALIDATION', { issues });
  const id = randomBytes(16).toString('hex');
  try {
    await orm.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          id,
          name: `${input.firstName} ${input.lastName}`,
          email: input.email,
          emailVerified: true,
          username: login,
          displayUsername: input.username,
          firstName: input.firstName,
          lastName: input.lastName,
          locale: input.locale,
          role: input.role,
          unitId: input.unitId,
          createdAt: ctx.now(),
          updatedAt: ctx.now(),
        })
        .returning();
      await audit(tx, actor, { action: 'staff.create', entity: 'user', entityId: id, after: snapshot(row, STAFF_KEYS) });
    });
  } catch (err) {
    const which = uniqueViolation(err);
    if (which !== null) {
      throw new AppError('VALIDATION', { issues: [which.includes('email') ? { field: 'email', code: 'EMAIL_TAKEN' } : { field: 'username', code: 'USERNAME_TAKEN' }] });
    }
    throw err;
  }
  // After the commit: better-auth looks the person up on its own connection.
  await ctx.auth.api.requestPasswordReset({ body: { email: input.email, redirectTo: '/reset-password' } });
  return id;
}

/** Emails a staff member a new link to set their password (the first one expires after an hour). */
export async function sendPasswordLink(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  const u = await getStaff(ctx.db.orm, id);
  if (u.closedAt) throw new AppError('NOT_FOUND');
  await ctx.db.orm.transaction((tx) => audit(tx, actor, { action: 'staff.password_link', entity: 'user', entityId: id, after: { email: u.email } }));
  await ctx.auth.api.requestPasswordReset({ body: { email: u.email, redirectTo: '/reset-password' } });
}

/** Changes a staff member's role and unit; an administrator cannot take away their own rights. */
export async function updateStaff(ctx: Ctx, actor: Actor, id: string, input: StaffUpdateInput): Promise<void> {
  const orm = ctx.db.orm;
  const current = await getStaff(orm, id);
  if (id === actor.id && current.role === 'admin' && input.role !== 'admin') throw new AppError('VALIDATION', { issues: [{ field: 'role', code: 'OWN_ADMIN_ROLE' }] });
  await checkUnitFor(orm, input.role, input.unitId, current.unitId);
  await orm.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), ne(users.role, 'citizen'))).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    const [after] = await tx.update(users).set({ role: input.role, unitId: input.unitId, updatedAt: ctx.now() }).where(eq(users.id, id)).returning();
    await audit(tx, actor, { action: 'staff.update', entity: 'user', entityId: id, before: snapshot(before, STAFF_KEYS), after: snapshot(after, STAFF_KEYS) });
  });
}

/** Removes staff rights: the account stays, as a citizen's, without a unit. */
export async function revokeStaff(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  if (id === actor.id) throw new AppError('OWN_ADMIN_ROLE');
  await ctx.db.orm.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), ne(users.role, 'citizen'))).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    const [after] = await tx.update(users).set({ role: 'citizen', unitId: null, updatedAt: ctx.now() }).where(eq(users.id, id)).returning();
    await audit(tx, actor, { action: 'staff.revoke', entity: 'user', entityId: id, before: snapshot(before, STAFF_KEYS), after: snapshot(after, STAFF_KEYS) });
  });
}
