import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, lte, notInArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { AppError } from '../../platform/errors/index.js';
import { organisations, services, units } from '../catalog/catalog.tables.js';
import { announcements } from '../cases/index.js';
import type { AnnouncementInput, NewServiceInput, OrganisationInput, ServiceInput, UnitDirectoryInput } from './directory.schemas.js';

/** Kinds of organisations that hold the Municipality's own units; every other kind is an outside body. */
const OWN_KINDS = ['municipality', 'district_admin'];

/** The Municipality itself first, then its districts (and any other body) by their order and code. */
const orgOrder = [sql`CASE WHEN ${organisations.kind} = 'municipality' THEN 0 ELSE 1 END`, asc(organisations.sort), asc(organisations.code), asc(units.id)];

/** A text in both languages. */
export interface Both {
  bg: string;
  en: string;
}

/** A municipal unit as the directory shows it. */
export interface DirectoryUnit {
  code: string;
  name: Both;
  functions: Both | null;
  address: string | null;
  hours: string | null;
  phone: string | null;
  email: string | null;
  organisation: { code: string; name: Both };
}

/** A municipal administrative service as the directory shows it. */
export interface DirectoryService {
  code: string;
  name: Both;
  how: Both;
  documents: Both;
  deadline: Both;
  price: Both;
  unit: { code: string; name: Both } | null;
  active: boolean;
}

/** The units of one organisation, in the directory's order. */
export interface UnitGroup {
  organisation: { code: string; name: Both };
  units: DirectoryUnit[];
}

const both = (bg: string | null, en: string | null): Both | null => (bg || en ? { bg: bg ?? en ?? '', en: en || bg || '' } : null);

/** Lower case with Cyrillic folded the same way as Latin, for matching typed words. */
function fold(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('bg').replace(/[„“”"'«»]/g, '');
}

/** The words of a search box; every one must occur for a match. */
function words(q: string | undefined): string[] {
  return fold(q ?? '')
    .split(/[\s,.;:!?()]+/)
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

function matches(terms: string[], texts: (string | null | undefined)[]): boolean {
  if (!terms.length) return true;
  const hay = fold(texts.filter(Boolean).join(' \n '));
  return terms.every((t) => hay.includes(t));
}

async function unitRows(orm: Orm | Tx, where?: ReturnType<typeof eq>) {
  return orm
    .select({ unit: units, org: { code: organisations.code, nameBg: organisations.nameBg, nameEn: organisations.nameEn, kind: organisations.kind } })
    .from(units)
    .innerJoin(organisations, eq(organisations.id, units.organisationId))
    .where(where ? and(eq(units.active, true), where) : eq(units.active, true))
    .orderBy(...orgOrder);
}

function toUnit(r: Awaited<ReturnType<typeof unitRows>>[number]): DirectoryUnit {
  const u = r.unit;
  return {
    code: u.code,
    name: { bg: u.nameBg, en: u.nameEn },
    functions: both(u.functionsBg, u.functionsEn),
    address: u.address,
    hours: u.hours,
    phone: u.phone,
    email: u.email,
    organisation: { code: r.org.code, name: { bg: r.org.nameBg, en: r.org.nameEn } },
  };
}

async function serviceRows(orm: Orm | Tx, opts: { code?: string; unitId?: number; all?: boolean } = {}) {
  const conds = [];
  if (!opts.all) conds.push(eq(services.active, true));
  if (opts.code) conds.push(eq(services.code, opts.code));
  if (opts.unitId) conds.push(eq(services.unitId, opts.unitId));
  return orm
    .select({ s: services, unitCode: units.code, unitBg: units.nameBg, unitEn: units.nameEn })
    .from(services)
    .leftJoin(units, eq(units.id, services.unitId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(services.nameBg));
}

function toService(r: Awaited<ReturnType<typeof serviceRows>>[number]): DirectoryService {
  const s = r.s;
  return {
    code: s.code,
    name: { bg: s.nameBg, en: s.nameEn },
    how: { bg: s.howBg, en: s.howEn },
    documents: { bg: s.documentsBg, en: s.documentsEn },
    deadline: { bg: s.deadlineBg, en: s.deadlineEn },
    price: { bg: s.priceBg, en: s.priceEn },
    unit: r.unitCode ? { code: r.unitCode, name: { bg: r.unitBg!, en: r.unitEn! } } : null,
    active: s.active,
  };
}

/**
 * The public directory (CC-15): active municipal units grouped by organisation and active
 * services, narrowed by the words of `q` in names and functions of either language. Matching
 * runs here rather than in SQL: the directory is a few hundred rows, and the database's ctype
 * (C in PGlite) would not fold the case of Cyrillic letters.
 */
export async function searchDirectory(orm: Orm, q?: string): Promise<{ groups: UnitGroup[]; services: DirectoryService[]; query: string }> {
  const terms = words(q);
  const rows = await unitRows(orm);
  const groups: UnitGroup[] = [];
  for (const r of rows) {
    if (!OWN_KINDS.includes(r.org.kind)) continue;
    const u = toUnit(r);
    if (!matches(terms, [u.name.bg, u.name.en, u.functions?.bg, u.functions?.en, u.organisation.name.bg, u.organisation.name.en])) continue;
    const last = groups.at(-1);
    if (last && last.organisation.code === u.organisation.code) last.units.push(u);
    else groups.push({ organisation: u.organisation, units: [u] });
  }
  const list = (await serviceRows(orm)).map(toService).filter((s) => matches(terms, [s.name.bg, s.name.en]));
  return { groups, services: list, query: (q ?? '').trim() };
}

/** One active unit with the services it is responsible for, or NOT_FOUND. */
export async function unitPage(orm: Orm, code: string): Promise<{ unit: DirectoryUnit; services: DirectoryService[] }> {
  const [r] = await unitRows(orm, eq(units.code, code));
  if (!r) throw new AppError('NOT_FOUND');
  return { unit: toUnit(r), services: (await serviceRows(orm, { unitId: r.unit.id })).map(toService) };
}

/** One active service, or NOT_FOUND. */
export async function servicePage(orm: Orm, code: string): Promise<DirectoryService> {
  const [r] = await serviceRows(orm, { code });
  if (!r) throw new AppError('NOT_FOUND');
  return toService(r);
}

// ------------------------------------------------------------------ administration

/** A unit with its raw directory columns, for the edit form. */
export async function unitForEdit(orm: Orm, code: string) {
  const [r] = await orm.select().from(units).where(eq(units.code, code));
  if (!r) throw new AppError('NOT_FOUND');
  return r;
}

/** Everything the administration page lists: units, outside organisations, services. */
export async function adminOverview(orm: Orm) {
  const [unitList, orgs, svc] = await Promise.all([
    orm
      .select({ code: units.code, nameBg: units.nameBg, nameEn: units.nameEn, active: units.active, phone: units.phone, hours: units.hours, filled: sql<boolean>`${units.functionsBg} IS NOT NULL` })
      .from(units)
      .innerJoin(organisations, eq(organisations.id, units.organisationId))
      .orderBy(...orgOrder),
    orm.select().from(organisations).where(notInArray(organisations.kind, OWN_KINDS)).orderBy(asc(organisations.sort), asc(organisations.nameBg)),
    serviceRows(orm, { all: true }),
  ]);
  return { units: unitList, organisations: orgs, services: svc.map(toService) };
}

const unitSnapshot = (u: typeof units.$inferSelect) => ({
  functionsBg: u.functionsBg,
  functionsEn: u.functionsEn,
  address: u.address,
  hours: u.hours,
  phone: u.phone,
  email: u.email,
});

/** Saves a unit's directory data, audited (entity 'unit'). */
export async function updateUnitDirectory(ctx: Ctx, actor: Actor, code: string, input: UnitDirectoryInput): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [u] = await tx.select().from(units).where(eq(units.code, code)).for('update');
    if (!u) throw new AppError('NOT_FOUND');
    const after = { functionsBg: input.functionsBg, functionsEn: input.functionsEn, address: input.address, hours: input.hours, phone: input.phone, email: input.email };
    await tx.update(units).set(after).where(eq(units.id, u.id));
    await audit(tx, actor, { action: 'unit.directory', entity: 'unit', entityId: u.code, before: unitSnapshot(u), after });
  });
}

/** An outside organisation, for the edit form; municipal organisations are not edited here. */
export async function organisationForEdit(orm: Orm, id: number) {
  const [o] = await orm.select().from(organisations).where(and(eq(organisations.id, id), notInArray(organisations.kind, OWN_KINDS)));
  if (!o) throw new AppError('NOT_FOUND');
  return o;
}

const orgSnapshot = (o: typeof organisations.$inferSelect) => ({
  nameBg: o.nameBg,
  nameEn: o.nameEn,
  kind: o.kind,
  phone: o.phone,
  hours: o.hours,
  functionsBg: o.functionsBg,
  functionsEn: o.functionsEn,
  sort: o.sort,
  callTransfer: o.callTransfer,
});

/** Adds an outside organisation operators can transfer calls to (CC-14), audited. */
export async function createOrganisation(ctx: Ctx, actor: Actor, input: OrganisationInput): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const [o] = await tx
      .insert(organisations)
      .values({ ...input, code: `EXT-${randomBytes(4).toString('hex').toUpperCase()}`, callTransfer: true })
      .returning();
    await audit(tx, actor, { action: 'organisation.create', entity: 'organisation', entityId: o!.id, after: orgSnapshot(o!) });
    return o!.id;
  });
}

/** Edits an outside organisation, audited. */
export async function updateOrganisation(ctx: Ctx, actor: Actor, id: number, input: OrganisationInput): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [o] = await tx.select().from(organisations).where(and(eq(organisations.id, id), notInArray(organisations.kind, OWN_KINDS))).for('update');
    if (!o) throw new AppError('NOT_FOUND');
    const [n] = await tx.update(organisations).set(input).where(eq(organisations.id, id)).returning();
    await audit(tx, actor, { action: 'organisation.update', entity: 'organisation', entityId: id, before: orgSnapshot(o), after: orgSnapshot(n!) });
  });
}

/**
 * Takes an outside organisation off (or back on) the operators' transfer list. The table has no
 * `active` column: for an outside body, being offered for transfers is what being active means,
 * and its past transfers keep pointing at it.
 */
export async function setOrganisationActive(ctx: Ctx, actor: Actor, id: number, active: boolean): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [o] = await tx.select().from(organisations).where(and(eq(organisations.id, id), notInArray(organisations.kind, OWN_KINDS))).for('update');
    if (!o) throw new AppError('NOT_FOUND');
    if (o.callTransfer === active) return;
    await tx.update(organisations).set({ callTransfer: active }).where(eq(organisations.id, id));
    await audit(tx, actor, { action: active ? 'organisation.activate' : 'organisation.deactivate', entity: 'organisation', entityId: id, before: { callTransfer: o.callTransfer }, after: { callTransfer: active } });
  });
}

/** A transfer destination as the operator console lists it. */
export interface TransferContact {
  id: number;
  nameBg: string;
  nameEn: string;
  kind: string;
  phone: string | null;
  hours: string | null;
}

/** Active organisations a call can be transferred to (CC-14), by their order, then name. */
export async function listTransferContacts(orm: Orm): Promise<TransferContact[]> {
  return orm
    .select({ id: organisations.id, nameBg: organisations.nameBg, nameEn: organisations.nameEn, kind: organisations.kind, phone: organisations.phone, hours: organisations.hours })
    .from(organisations)
    .where(eq(organisations.callTransfer, true))
    .orderBy(asc(organisations.sort), asc(organisations.nameBg));
}

/** A service of any state, for the edit form. */
export async function serviceForEdit(orm: Orm, code: string): Promise<DirectoryService> {
  const [r] = await serviceRows(orm, { code, all: true });
  if (!r) throw new AppError('NOT_FOUND');
  return toService(r);
}

async function unitIdOf(tx: Tx, code: string | null): Promise<number | null> {
  if (!code) return null;
  const [u] = await tx.select({ id: units.id }).from(units).where(and(eq(units.code, code), eq(units.active, true)));
  if (!u) throw new AppError('VALIDATION', { issues: [{ field: 'unitCode', code: 'NOT_IN_LIST' }] });
  return u.id;
}

const serviceSnapshot = (s: typeof services.$inferSelect) => {
  const { id: _id, ...rest } = s;
  return rest;
};

function serviceValues(input: ServiceInput, unitId: number | null) {
  const { unitCode: _u, ...rest } = input;
  return { ...rest, unitId };
}

/** Adds a service (CC-15), audited (entity 'service', by its code). */
export async function createService(ctx: Ctx, actor: Actor, input: NewServiceInput): Promise<string> {
  return ctx.db.orm.transaction(async (tx) => {
    const unitId = await unitIdOf(tx, input.unitCode);
    const { code, ...fields } = input;
    const [s] = await tx.insert(services).values({ ...serviceValues(fields, unitId), code }).onConflictDoNothing({ target: services.code }).returning();
    if (!s) throw new AppError('VALIDATION', { issues: [{ field: 'code', code: 'FIELD_INVALID' }] });
    await audit(tx, actor, { action: 'service.create', entity: 'service', entityId: s.code, after: serviceSnapshot(s) });
    return s.code;
  });
}

/** Edits a service, audited with the values before and after. */
export async function updateService(ctx: Ctx, actor: Actor, code: string, input: ServiceInput): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [s] = await tx.select().from(services).where(eq(services.code, code)).for('update');
    if (!s) throw new AppError('NOT_FOUND');
    const unitId = await unitIdOf(tx, input.unitCode);
    const [n] = await tx.update(services).set(serviceValues(input, unitId)).where(eq(services.id, s.id)).returning();
    await audit(tx, actor, { action: 'service.update', entity: 'service', entityId: code, before: serviceSnapshot(s), after: serviceSnapshot(n!) });
  });
}

/** Withdraws a service from the public directory (or offers it again), audited. */
export async function setServiceActive(ctx: Ctx, actor: Actor, code: string, active: boolean): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const [s] = await tx.select().from(services).where(eq(services.code, code)).for('update');
    if (!s) throw new AppError('NOT_FOUND');
    if (s.active === active) return;
    await tx.update(services).set({ active }).where(eq(services.id, s.id));
    await audit(tx, actor, { action: active ? 'service.activate' : 'service.deactivate', entity: 'service', entityId: code, before: { active: s.active }, after: { active } });
  });
}

/** Active units to choose a responsible unit from. */
export async function unitChoices(orm: Orm) {
  return orm.select({ code: units.code, nameBg: units.nameBg, nameEn: units.nameEn }).from(units).where(eq(units.active, true)).orderBy(asc(units.id));
}

// ------------------------------------------------------------------ announcements (CC-16)

/** An announcement as pages, the API and the home page show it. */
export interface Announcement {
  id: number;
  title: Both;
  text: Both;
  startsAt: Date;
  endsAt: Date;
  lat: number | null;
  lon: number | null;
  radiusM: number | null;
  unit: { code: string; name: Both } | null;
}

function announcementQuery(orm: Orm | Tx) {
  return orm
    .select({
      a: announcements,
      lat: sql<number | null>`ST_Y(${announcements.center})`,
      lon: sql<number | null>`ST_X(${announcements.center})`,
      unitCode: units.code,
      unitBg: units.nameBg,
      unitEn: units.nameEn,
    })
    .from(announcements)
    .leftJoin(units, eq(units.id, announcements.unitId));
}

type AnnouncementRow = Awaited<ReturnType<typeof announcementQuery>>[number];

function toAnnouncement(r: AnnouncementRow): Announcement {
  const a = r.a;
  return {
    id: a.id,
    title: { bg: a.titleBg, en: a.titleEn },
    text: { bg: a.textBg, en: a.textEn },
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    lat: r.lat === null ? null : Number(r.lat),
    lon: r.lon === null ? null : Number(r.lon),
    radiusM: a.radiusM,
    unit: r.unitCode ? { code: r.unitCode, name: { bg: r.unitBg!, en: r.unitEn! } } : null,
  };
}

/** Announcements in force at `now` (start ≤ now < end), newest first. */
export async function currentAnnouncements(orm: Orm, now: Date): Promise<Announcement[]> {
  const rows = await announcementQuery(orm)
    .where(and(lte(announcements.startsAt, now), gt(announcements.endsAt, now)))
    .orderBy(desc(announcements.startsAt), desc(announcements.id))
    .limit(100);
  return rows.map(toAnnouncement);
}

/** Announcements that ended within the last `days` days, most recently ended first. */
export async function pastAnnouncements(orm: Orm, now: Date, days = 60, limit = 20): Promise<Announcement[]> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const rows = await announcementQuery(orm)
    .where(and(lte(announcements.endsAt, now), gt(announcements.endsAt, since)))
    .orderBy(desc(announcements.endsAt), desc(announcements.id))
    .limit(limit);
  return rows.map(toAnnouncement);
}

/** The latest announcements of every state, for administrators. */
export async function recentAnnouncements(orm: Orm, limit = 100): Promise<Announcement[]> {
  const rows = await announcementQuery(orm).orderBy(desc(announcements.startsAt), desc(announcements.id)).limit(limit);
  return rows.map(toAnnouncement);
}

/** One announcement, or NOT_FOUND. */
export async function findAnnouncement(orm: Orm, id: number): Promise<Announcement> {
  const [r] = await announcementQuery(orm).where(eq(announcements.id, id));
  if (!r) throw new AppError('NOT_FOUND');
  return toAnnouncement(r);
}

const announcementSnapshot = (a: Announcement) => ({
  titleBg: a.title.bg,
  titleEn: a.title.en,
  textBg: a.text.bg,
  textEn: a.text.en,
  startsAt: a.startsAt.toISOString(),
  endsAt: a.endsAt.toISOString(),
  lat: a.lat,
  lon: a.lon,
  radiusM: a.radiusM,
  unitCode: a.unit?.code ?? null,
});

async function announcementValues(tx: Tx, input: AnnouncementInput) {
  const area = input.lat !== undefined && input.lon !== undefined && input.radiusM !== undefined;
  return {
    titleBg: input.titleBg,
    titleEn: input.titleEn,
    textBg: input.textBg,
    textEn: input.textEn,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    center: area ? { lat: input.lat!, lon: input.lon! } : null,
    radiusM: area ? input.radiusM! : null,
    unitId: await unitIdOf(tx, input.unitCode),
  };
}

async function lockedAnnouncement(tx: Tx, id: number): Promise<Announcement> {
  await tx.select({ id: announcements.id }).from(announcements).where(eq(announcements.id, id)).for('update');
  const [r] = await announcementQuery(tx).where(eq(announcements.id, id));
  if (!r) throw new AppError('NOT_FOUND');
  return toAnnouncement(r);
}

/** Publishes an announcement (CC-16), audited. */
export async function createAnnouncement(ctx: Ctx, actor: Actor, input: AnnouncementInput): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(announcements)
      .values({ ...(await announcementValues(tx, input)), createdBy: actor.id })
      .returning({ id: announcements.id });
    const a = await lockedAnnouncement(tx, row!.id);
    await audit(tx, actor, { action: 'announcement.create', entity: 'announcement', entityId: a.id, after: announcementSnapshot(a) });
    return a.id;
  });
}

/** Edits an announcement, audited with before and after. */
export async function updateAnnouncement(ctx: Ctx, actor: Actor, id: number, input: AnnouncementInput): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const before = await lockedAnnouncement(tx, id);
    await tx.update(announcements).set(await announcementValues(tx, input)).where(eq(announcements.id, id));
    const after = await lockedAnnouncement(tx, id);
    await audit(tx, actor, { action: 'announcement.update', entity: 'announcement', entityId: id, before: announcementSnapshot(before), after: announcementSnapshot(after) });
  });
}

/** Ends an announcement now; one that had not started yet ends without ever being shown. */
export async function endAnnouncement(ctx: Ctx, actor: Actor, id: number): Promise<void> {
  const now = ctx.now();
  await ctx.db.orm.transaction(async (tx) => {
    const before = await lockedAnnouncement(tx, id);
    if (before.endsAt.getTime() <= now.getTime()) return;
    const startsAt = before.startsAt.getTime() > now.getTime() ? now : before.startsAt;
    await tx.update(announcements).set({ endsAt: now, startsAt }).where(eq(announcements.id, id));
    await audit(tx, actor, {
      action: 'announcement.end',
      entity: 'announcement',
      entityId: id,
      before: { startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString() },
      after: { startsAt: startsAt.toISOString(), endsAt: now.toISOString() },
    });
  });
}
