import { and, asc, count, eq, ne } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { invalidateCatalog, type ExtraField } from '../catalog/index.js';
import { caseTypes, categories, organisations, units } from '../catalog/catalog.tables.js';
import { FIELD_CODE, type CategoryInput, type RouteInput, type TypeInput } from './admin.schemas.js';
import { snapshot, uniqueViolation } from './admin.service.js';

const CATEGORY_KEYS = ['code', 'nameBg', 'nameEn', 'sort', 'active'] as const;
const TYPE_KEYS = ['categoryId', 'code', 'nameBg', 'nameEn', 'sort', 'active'] as const;
const ROUTE_KEYS = ['routeTo', 'routeUnitId', 'routeOrganisationId'] as const;

/** The datatypes an extra field can have. */
export const DATATYPES = ['text', 'number', 'date', 'single', 'multi', 'bool'] as const;
/** A type asks for at most this many extra fields: a form longer than that is not filled in. */
export const MAX_FIELDS = 30;
const MAX_OPTIONS = 100;

/** Every category (active or not) with the number of its types. */
export async function listCategories(orm: Orm) {
  const [cats, counts] = await Promise.all([
    orm.select().from(categories).orderBy(asc(categories.sort), asc(categories.id)),
    orm.select({ categoryId: caseTypes.categoryId, n: count() }).from(caseTypes).groupBy(caseTypes.categoryId),
  ]);
  const n = new Map(counts.map((c) => [c.categoryId, c.n]));
  return cats.map((c) => ({ ...c, types: n.get(c.id) ?? 0 }));
}

/** One category, or NOT_FOUND. */
export async function getCategory(orm: Orm, id: number) {
  const [c] = await orm.select().from(categories).where(eq(categories.id, id));
  if (!c) throw new AppError('NOT_FOUND');
  return c;
}

/** The types of a category, active or not, in their order. */
export function typesOf(orm: Orm, categoryId: number) {
  return orm.select().from(caseTypes).where(eq(caseTypes.categoryId, categoryId)).orderBy(asc(caseTypes.sort), asc(caseTypes.id));
}

/** One type, or NOT_FOUND. */
export async function getType(orm: Orm, id: number) {
  const [t] = await orm.select().from(caseTypes).where(eq(caseTypes.id, id));
  if (!t) throw new AppError('NOT_FOUND');
  return t;
}

function codeTaken(err: unknown): never {
  if (uniqueViolation(err) !== null) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'CODE_TAKEN' }] });
  throw err;
}

/** Creates (id null) or edits a category; the change is live at once. */
export async function saveCategory(ctx: Ctx, actor: Actor, id: number | null, input: CategoryInput): Promise<number> {
  const orm = ctx.db.orm;
  const taken = await orm.select({ id: categories.id }).from(categories).where(id ? and(eq(categories.code, input.code), ne(categories.id, id)) : eq(categories.code, input.code));
  if (taken.length) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'CODE_TAKEN' }] });
  const saved = await orm
    .transaction(async (tx) => {
      if (id === null) {
        const [row] = await tx.insert(categories).values(input).returning();
        await audit(tx, actor, { action: 'category.create', entity: 'category', entityId: row!.id, after: snapshot(row, CATEGORY_KEYS) });
        return row!.id;
      }
      const [before] = await tx.select().from(categories).where(eq(categories.id, id)).for('update');
      if (!before) throw new AppError('NOT_FOUND');
      const [after] = await tx.update(categories).set(input).where(eq(categories.id, id)).returning();
      await audit(tx, actor, { action: 'category.update', entity: 'category', entityId: id, before: snapshot(before, CATEGORY_KEYS), after: snapshot(after, CATEGORY_KEYS) });
      return id;
    })
    .catch(codeTaken);
  invalidateCatalog();
  return saved;
}

/** Creates (id null) or edits a type's name, place and state; the change is live at once. */
export async function saveType(ctx: Ctx, actor: Actor, id: number | null, input: TypeInput): Promise<number> {
  const orm = ctx.db.orm;
  const issues: FieldIssue[] = [];
  const [cat] = await orm.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId));
  if (!cat) issues.push({ field: 'categoryId', code: 'NOT_IN_LIST' });
  const taken = await orm.select({ id: caseTypes.id }).from(caseTypes).where(id ? and(eq(caseTypes.code, input.code), ne(caseTypes.id, id)) : eq(caseTypes.code, input.code));
  if (taken.length) issues.push({ field: 'code', code: 'CODE_TAKEN' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  const saved = await orm
    .transaction(async (tx) => {
      if (id === null) {
        const [row] = await tx.insert(caseTypes).values({ ...input, fields: [] }).returning();
        await audit(tx, actor, { action: 'type.create', entity: 'case_type', entityId: row!.id, after: snapshot(row, [...TYPE_KEYS, 'fields', ...ROUTE_KEYS]) });
        return row!.id;
      }
      const [before] = await tx.select().from(caseTypes).where(eq(caseTypes.id, id)).for('update');
      if (!before) throw new AppError('NOT_FOUND');
      const [after] = await tx.update(caseTypes).set(input).where(eq(caseTypes.id, id)).returning();
      await audit(tx, actor, { action: 'type.update', entity: 'case_type', entityId: id, before: snapshot(before, TYPE_KEYS), after: snapshot(after, TYPE_KEYS) });
      return id;
    })
    .catch(codeTaken);
  invalidateCatalog();
  return saved;
}

/** How many rows the extra-fields form shows: the existing fields plus one empty row to add. */
export function fieldRows(existing: number): number {
  return Math.min(existing + 1, MAX_FIELDS);
}

/**
 * Reads the extra-fields form: row i is `fields.<i>.<property>`; options are lines
 * "key|Bulgarian|English". An entirely empty row (the one offered for adding) is skipped, a row
 * marked for removal is dropped; problems are named `fields.<i>.<property>`.
 */
export function parseFieldRows(values: Record<string, string>): { fields: ExtraField[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const rows: { pos: number; i: number; field: ExtraField }[] = [];
  const indexes = new Set<number>();
  for (const k of Object.keys(values)) {
    const m = /^fields\.(\d{1,3})\./.exec(k);
    if (m) indexes.add(Number(m[1]));
  }
  const seen = new Map<string, number>();
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const v = (p: string) => (values[`fields.${i}.${p}`] ?? '').trim();
    const name = (p: string) => `fields.${i}.${p}`;
    const filled = ['code', 'labelBg', 'labelEn', 'hintBg', 'hintEn', 'options'].some((p) => v(p) !== '');
    if (!filled || v('remove') !== '') continue;
    const code = v('code');
    if (!code) issues.push({ field: name('code'), code: 'FIELD_REQUIRED' });
    else if (!FIELD_CODE.test(code)) issues.push({ field: name('code'), code: 'CODE_INVALID' });
    else if (seen.has(code)) issues.push({ field: name('code'), code: 'CODE_TAKEN' });
    else seen.set(code, i);
    const datatype = v('datatype') as ExtraField['datatype'];
    if (!(DATATYPES as readonly string[]).includes(datatype)) issues.push({ field: name('datatype'), code: 'NOT_IN_LIST' });
    for (const [p, max, required] of [
      ['labelBg', 200, true],
      ['labelEn', 200, true],
      ['hintBg', 500, false],
      ['hintEn', 500, false],
    ] as const) {
      if (required && !v(p)) issues.push({ field: name(p), code: 'FIELD_REQUIRED' });
      else if (v(p).length > max) issues.push({ field: name(p), code: 'FIELD_TOO_LONG' });
    }
    const field: ExtraField = { code, datatype, required: v('required') !== '', labelBg: v('labelBg'), labelEn: v('labelEn') };
    if (v('hintBg')) field.hintBg = v('hintBg');
    if (v('hintEn')) field.hintEn = v('hintEn');
    if (datatype === 'single' || datatype === 'multi') {
      const lines = v('options')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      const options: NonNullable<ExtraField['options']> = [];
      let bad = lines.length > MAX_OPTIONS;
      for (const line of lines) {
        const parts = line.split('|').map((s) => s.trim());
        const [key = '', bg = '', en = ''] = parts;
        if (parts.length !== 3 || !FIELD_CODE.test(key) || !bg || !en || bg.length > 200 || en.length > 200 || options.some((o) => o.key === key)) bad = true;
        else options.push({ key, bg, en });
      }
      if (!lines.length) issues.push({ field: name('options'), code: 'OPTIONS_REQUIRED' });
      else if (bad) issues.push({ field: name('options'), code: 'OPTIONS_INVALID' });
      field.options = options;
    }
    const pos = Number(v('pos'));
    rows.push({ pos: Number.isFinite(pos) && v('pos') !== '' ? pos : i, i, field });
  }
  if (rows.length > MAX_FIELDS) issues.push({ field: `fields.${rows[MAX_FIELDS]!.i}.code`, code: 'FIELD_TOO_LONG' });
  // The position column reorders the fields; ties keep the order of the rows.
  rows.sort((a, b) => a.pos - b.pos || a.i - b.i);
  return { fields: rows.map((r) => r.field), issues };
}

/** Replaces a type's extra fields (CC-1); the forms ask for the new fields at once. */
export async function saveFields(ctx: Ctx, actor: Actor, typeId: number, fields: ExtraField[]): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [before] = await tx.select({ fields: caseTypes.fields }).from(caseTypes).where(eq(caseTypes.id, typeId)).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    await tx.update(caseTypes).set({ fields }).where(eq(caseTypes.id, typeId));
    await audit(tx, actor, { action: 'type.fields', entity: 'case_type', entityId: typeId, before: { fields: before.fields }, after: { fields } });
  });
  invalidateCatalog();
}

/** Sets a type's routing rule (CC-9): the district's administration, a fixed unit, or an outside organisation. */
export async function saveRoute(ctx: Ctx, actor: Actor, typeId: number, input: RouteInput): Promise<void> {
  const orm = ctx.db.orm;
  const issues: FieldIssue[] = [];
  // Only the target the rule uses is kept: a stale id in the other column would mislead a reader.
  const next = {
    routeTo: input.routeTo,
    routeUnitId: input.routeTo === 'unit' ? input.routeUnitId : null,
    routeOrganisationId: input.routeTo === 'organisation' ? input.routeOrganisationId : null,
  };
  if (input.routeTo === 'unit') {
    if (next.routeUnitId === null) issues.push({ field: 'routeUnitId', code: 'FIELD_REQUIRED' });
    else {
      const [u] = await orm.select({ active: units.active }).from(units).where(eq(units.id, next.routeUnitId));
      if (!u?.active) issues.push({ field: 'routeUnitId', code: 'NOT_IN_LIST' });
    }
  }
  if (input.routeTo === 'organisation') {
    if (next.routeOrganisationId === null) issues.push({ field: 'routeOrganisationId', code: 'FIELD_REQUIRED' });
    else {
      const [o] = await orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, next.routeOrganisationId));
      if (!o) issues.push({ field: 'routeOrganisationId', code: 'NOT_IN_LIST' });
    }
  }
  if (issues.length) throw new AppError('VALIDATION', { issues });
  await orm.transaction(async (tx) => {
    const [before] = await tx.select().from(caseTypes).where(eq(caseTypes.id, typeId)).for('update');
    if (!before) throw new AppError('NOT_FOUND');
    const [after] = await tx.update(caseTypes).set(next).where(eq(caseTypes.id, typeId)).returning();
    await audit(tx, actor, { action: 'type.route', entity: 'case_type', entityId: typeId, before: snapshot(before, ROUTE_KEYS), after: snapshot(after, ROUTE_KEYS) });
  });
  invalidateCatalog();
}
