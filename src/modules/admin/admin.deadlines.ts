import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/index.js';
import { sofiaDay, type Day } from '../../platform/calendar/index.js';
import { AppError, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { cleanText, dayProblem, ID_MAX, numberProblem, textProblem, toNumber, zodIssues } from '../../platform/errors/validation.js';
import { KINDS, type CaseKind } from '../cases/index.js';
import { caseTypes, categories, organisations } from '../catalog/catalog.tables.js';
import { deadlinePolicies, policiesChanged } from '../deadlines/index.js';
import { CLOCK_EVENTS, LengthUnit, PolicyClocks, type ClockEvent, type ClockSpec, type ExtensionSpec, type Length } from '../deadlines/deadlines.policy.js';
import { uniqueViolation } from './admin.service.js';

/*
 * Deadline policies edited by administrators (issue 12). A policy belongs to an organisation and a
 * kind of document, optionally one type; a change is a new version with its own start date, never
 * an edit of the old one: documents registered before that date keep the clocks they were given
 * (their case_clocks rows point at the version they were registered under), so a change never
 * applies retroactively. Every version is audited in its transaction and reaches this process's
 * policies at once (policiesChanged), other instances within the policies' 30 s cache.
 *
 * The clocks are edited in a structured form: one fieldset per clock, named `clocks.<i>.<field>`
 * (events as checkboxes `clocks.<i>.start.<event>`, extensions as `clocks.<i>.ext.<j>.<field>`),
 * each problem reported on its own field; PolicyClocks (zod) checks the result once more.
 */

export const KIND_CODES = Object.keys(KINDS) as CaseKind[];
export const LENGTH_UNITS = LengthUnit.options;
export const EVENT_GROUPS = ['start', 'stopOn', 'pauseOn', 'resumeOn'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];
export const ON_RESUME = ['extend', 'restart'] as const;

/** PolicyClocks' bounds, repeated in the form's hints and messages. */
export const MAX_CLOCKS = 10;
export const LENGTH_MAX = 3650;
export const EXTENSION_MAX_DAYS = 365;
const CODE = /^[a-z_]{2,30}$/;
const LABEL_MAX = 200;
const SOURCE_MAX = 200;
export const NOTE_MAX = 500;

/** Which policy a page is about: an organisation's kind of document, optionally one type. */
export interface PolicyKey {
  organisationId: number;
  kind: CaseKind;
  typeId: number | null;
}

/** The key with the names it is shown by. */
export interface PolicyPlace {
  key: PolicyKey;
  organisation: { id: number; code: string; nameBg: string; nameEn: string };
  type: { id: number; nameBg: string; nameEn: string } | null;
}

/** A stored version, with who added it and when. */
export interface PolicyVersion {
  id: number;
  validFrom: Day;
  clocks: ClockSpec[];
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

/** One policy of the overview: its place, its versions' start dates, the one in force today and the next. */
export interface PolicyGroup extends PolicyPlace {
  versions: number;
  current: Day | null;
  upcoming: Day | null;
}

const last = (v: unknown): string => (typeof v === 'string' ? v.trim() : Array.isArray(v) ? String(v.at(-1) ?? '').trim() : '');

/**
 * The policy a query names (?organisation=&kind=&type=), checked against the database: every
 * problem named by its field (an organisation or type that does not exist is not in the list).
 */
export async function policyPlace(orm: Orm, q: Record<string, unknown>): Promise<PolicyPlace> {
  const issues: FieldIssue[] = [];
  const org = last(q.organisation);
  const kind = last(q.kind);
  const type = last(q.type);
  const id = (s: string) => (/^[1-9]\d{0,9}$/.test(s) && Number(s) <= ID_MAX ? Number(s) : null);
  if (!org) issues.push({ field: 'organisation', code: 'FIELD_REQUIRED' });
  else if (id(org) === null) issues.push({ field: 'organisation', code: 'NOT_IN_LIST' });
  if (!kind) issues.push({ field: 'kind', code: 'FIELD_REQUIRED' });
  else if (!(KIND_CODES as string[]).includes(kind)) issues.push({ field: 'kind', code: 'NOT_IN_LIST' });
  if (type && id(type) === null) issues.push({ field: 'type', code: 'NOT_IN_LIST' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  const [[o], [t]] = await Promise.all([
    orm.select({ id: organisations.id, code: organisations.code, nameBg: organisations.nameBg, nameEn: organisations.nameEn }).from(organisations).where(eq(organisations.id, id(org)!)),
    type ? orm.select({ id: caseTypes.id, nameBg: caseTypes.nameBg, nameEn: caseTypes.nameEn }).from(caseTypes).where(eq(caseTypes.id, id(type)!)) : Promise.resolve([]),
  ]);
  if (!o) issues.push({ field: 'organisation', code: 'NOT_IN_LIST' });
  if (type && !t) issues.push({ field: 'type', code: 'NOT_IN_LIST' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  return { key: { organisationId: o!.id, kind: kind as CaseKind, typeId: t?.id ?? null }, organisation: o!, type: t ?? null };
}

/** The query string of a policy's page. */
export function placeQuery(k: PolicyKey): string {
  return `organisation=${k.organisationId}&kind=${k.kind}${k.typeId === null ? '' : `&type=${k.typeId}`}`;
}

const sameType = (typeId: number | null) => (typeId === null ? isNull(deadlinePolicies.typeId) : eq(deadlinePolicies.typeId, typeId));

/** The versions of one policy, newest start first, with the username of whoever added each. */
export async function policyVersions(orm: Orm, k: PolicyKey): Promise<PolicyVersion[]> {
  const rows = await orm
    .select({
      id: deadlinePolicies.id,
      validFrom: deadlinePolicies.validFrom,
      clocks: deadlinePolicies.clocks,
      note: deadlinePolicies.note,
      createdAt: deadlinePolicies.createdAt,
      by: users.displayUsername,
      byName: users.username,
    })
    .from(deadlinePolicies)
    .leftJoin(users, eq(users.id, deadlinePolicies.createdBy))
    .where(and(eq(deadlinePolicies.organisationId, k.organisationId), eq(deadlinePolicies.kind, k.kind), sameType(k.typeId)))
    .orderBy(desc(deadlinePolicies.validFrom), desc(deadlinePolicies.id));
  return rows.map((r) => ({ id: r.id, validFrom: String(r.validFrom), clocks: r.clocks, note: r.note, createdAt: r.createdAt, createdBy: r.by ?? r.byName ?? null }));
}

/** The version in force on a day (the latest that started by then), and the next one to start. */
export function inForce(versions: PolicyVersion[], today: Day): { current: PolicyVersion | null; upcoming: PolicyVersion | null } {
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  return { current: sorted.filter((v) => v.validFrom <= today).at(-1) ?? null, upcoming: sorted.find((v) => v.validFrom > today) ?? null };
}

/** Every policy that has a version, in directory order of organisations, then kind and type. */
export async function policyGroups(orm: Orm, today: Day): Promise<PolicyGroup[]> {
  const rows = await orm
    .select({
      organisationId: deadlinePolicies.organisationId,
      kind: deadlinePolicies.kind,
      typeId: deadlinePolicies.typeId,
      validFrom: deadlinePolicies.validFrom,
      orgCode: organisations.code,
      orgBg: organisations.nameBg,
      orgEn: organisations.nameEn,
      orgSort: organisations.sort,
      typeBg: caseTypes.nameBg,
      typeEn: caseTypes.nameEn,
    })
    .from(deadlinePolicies)
    .innerJoin(organisations, eq(organisations.id, deadlinePolicies.organisationId))
    .leftJoin(caseTypes, eq(caseTypes.id, deadlinePolicies.typeId))
    .orderBy(asc(organisations.sort), asc(organisations.nameBg), asc(deadlinePolicies.validFrom));
  const groups = new Map<string, PolicyGroup & { sort: number }>();
  for (const r of rows) {
    const id = `${r.organisationId}/${r.kind}/${r.typeId ?? ''}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        key: { organisationId: r.organisationId, kind: r.kind as CaseKind, typeId: r.typeId },
        organisation: { id: r.organisationId, code: r.orgCode, nameBg: r.orgBg, nameEn: r.orgEn },
        type: r.typeId === null ? null : { id: r.typeId, nameBg: r.typeBg ?? '', nameEn: r.typeEn ?? '' },
        versions: 0,
        current: null,
        upcoming: null,
        sort: groups.size,
      };
      groups.set(id, g);
    }
    const day = String(r.validFrom);
    g.versions++;
    if (day <= today) g.current = day;
    else g.upcoming ??= day;
  }
  const kindOrder = (k: string) => KIND_CODES.indexOf(k as CaseKind);
  return [...groups.values()]
    .sort((a, b) => a.sort - b.sort || (a.organisation.id === b.organisation.id ? kindOrder(a.key.kind) - kindOrder(b.key.kind) || (a.key.typeId ?? 0) - (b.key.typeId ?? 0) : 0))
    .map(({ sort: _, ...g }) => g);
}

/**
 * What a policy without a version of its own falls back to (the engine's rule, deadlines.service
 * policyFor): a type's policy to its organisation's policy for the kind, an organisation's to the
 * Municipality's. Answers that policy's place and the version in force today, or null.
 */
export async function fallbackOf(orm: Orm, k: PolicyKey, today: Day): Promise<{ organisation: { nameBg: string; nameEn: string }; typeless: boolean; version: PolicyVersion } | null> {
  const municipalities = await orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.kind, 'municipality'));
  const candidates: PolicyKey[] = [];
  if (k.typeId !== null) candidates.push({ ...k, typeId: null });
  for (const m of municipalities) if (m.id !== k.organisationId) candidates.push({ organisationId: m.id, kind: k.kind, typeId: k.typeId }, { organisationId: m.id, kind: k.kind, typeId: null });
  for (const c of candidates) {
    const { current } = inForce(await policyVersions(orm, c), today);
    if (!current) continue;
    const [o] = await orm.select({ nameBg: organisations.nameBg, nameEn: organisations.nameEn }).from(organisations).where(eq(organisations.id, c.organisationId));
    return { organisation: o!, typeless: c.typeId === null, version: current };
  }
  return null;
}

/** Options for the pages' selects: organisations, and types under their categories. */
export async function placeOptions(orm: Orm) {
  const [orgs, types] = await Promise.all([
    orm.select({ id: organisations.id, code: organisations.code, nameBg: organisations.nameBg, nameEn: organisations.nameEn }).from(organisations).orderBy(asc(organisations.sort), asc(organisations.nameBg)),
    orm
      .select({ id: caseTypes.id, nameBg: caseTypes.nameBg, nameEn: caseTypes.nameEn, catBg: categories.nameBg, catEn: categories.nameEn })
      .from(caseTypes)
      .innerJoin(categories, eq(categories.id, caseTypes.categoryId))
      .orderBy(asc(categories.sort), asc(categories.nameBg), asc(caseTypes.nameBg)),
  ]);
  return { orgs, types };
}

// ------------------------------------------------------------------ the form

/** Form values. */
export type Values = Record<string, string | undefined>;

const f = (i: number, p: string) => `clocks.${i}.${p}`;
const fx = (i: number, j: number, p: string) => `clocks.${i}.ext.${j}.${p}`;

/** A policy's clocks as the form's values (and an empty extension row under each clock). */
export function clockValues(clocks: ClockSpec[]): Values {
  const v: Values = {};
  clocks.forEach((c, i) => {
    v[f(i, 'code')] = c.code;
    v[f(i, 'labelBg')] = c.label.bg;
    v[f(i, 'labelEn')] = c.label.en;
    v[f(i, 'source')] = c.source;
    v[f(i, 'n')] = String(c.length.n);
    v[f(i, 'unit')] = c.length.unit;
    for (const g of EVENT_GROUPS) for (const e of c[g]) v[f(i, `${g}.${e}`)] = 'on';
    v[f(i, 'onResume')] = c.onResume;
    v[f(i, 'expireN')] = c.expireAfterPause ? String(c.expireAfterPause.n) : '';
    v[f(i, 'expireUnit')] = c.expireAfterPause?.unit ?? 'calendar_days';
    v[f(i, 'anonN')] = c.anonymous === 'none' ? '' : String(c.anonymous.target.n);
    v[f(i, 'anonUnit')] = c.anonymous === 'none' ? 'calendar_days' : c.anonymous.target.unit;
    v[f(i, 'satisfiedByEmail')] = c.satisfiedByEmail ? 'on' : '';
    v[f(i, 'shownToSubmitter')] = c.shownToSubmitter ? 'on' : '';
    c.extensions.forEach((e, j) => {
      v[fx(i, j, 'code')] = e.code;
      v[fx(i, j, 'labelBg')] = e.label.bg;
      v[fx(i, j, 'labelEn')] = e.label.en;
      v[fx(i, j, 'source')] = e.source;
      v[fx(i, j, 'maxDays')] = String(e.maxDays);
      v[fx(i, j, 'notice')] = e.notice ? 'on' : '';
    });
    v[fx(i, c.extensions.length, 'code')] = '';
  });
  return v;
}

/** The form of a new version, started from a version's clocks: those, an empty clock to add, the start date empty. */
export function newVersionValues(clocks: ClockSpec[]): Values {
  const v = clockValues(clocks);
  const i = clocks.length;
  Object.assign(v, { [f(i, 'code')]: '', [f(i, 'unit')]: 'calendar_days', [f(i, 'onResume')]: 'extend', [fx(i, 0, 'code')]: '' });
  return v;
}

/** The clocks and extension rows a form has, by their indexes as posted (a form shown again keeps its own). */
export function formShape(values: Values): { i: number; ext: number[] }[] {
  const clocks = new Map<number, Set<number>>();
  for (const k of Object.keys(values)) {
    const m = /^clocks\.(\d{1,2})\.(?:ext\.(\d{1,2})\.)?/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    if (!clocks.has(i)) clocks.set(i, new Set());
    if (m[2] !== undefined) clocks.get(i)!.add(Number(m[2]));
  }
  return [...clocks.entries()].sort((a, b) => a[0] - b[0]).map(([i, ext]) => ({ i, ext: [...ext].sort((a, b) => a - b) }));
}

/** A new version as the form gives it. */
export interface VersionInput {
  validFrom: Day;
  note: string | null;
  clocks: ClockSpec[];
}

/**
 * Reads a new version from the form. Refused with VALIDATION naming each bad field: a start date
 * that is not a date or is before today (a change never applies retroactively); a length that is
 * not a whole number from 1 to 3650; a unit, event or resume mode not in the list; a clock without a
 * start or stop event; an extension of more than 365 days; codes that are malformed or repeated;
 * missing or overlong labels. Nothing is read from the database.
 */
export function parseVersion(values: Values, today: Day): VersionInput {
  const issues: FieldIssue[] = [];
  const bad = (field: string, code: ErrorCode, params?: FieldIssue['params']) => issues.push(params ? { field, code, params } : { field, code });
  const v = (k: string) => values[k] ?? '';

  const validFrom = v('validFrom').trim();
  if (!validFrom) bad('validFrom', 'FIELD_REQUIRED');
  else {
    const p = dayProblem(validFrom);
    if (p) bad('validFrom', p.code, p.params);
    else if (validFrom < today) bad('validFrom', 'VALID_FROM_PAST', { min: today });
  }
  const noteText = cleanText(v('note'));
  const np = textProblem(noteText, { max: NOTE_MAX, min: 0, multiline: true });
  if (np) bad('note', np.code, np.params);

  const text = (field: string, max: number, required: boolean): string => {
    const s = cleanText(v(field));
    const p = textProblem(s, { max, min: required ? 1 : 0 });
    if (p) bad(field, p.code, p.params);
    return s;
  };
  const length = (nField: string, unitField: string, required: boolean): Length | null => {
    const raw = v(nField).trim();
    if (!raw && !required) return null;
    if (!raw) {
      bad(nField, 'FIELD_REQUIRED');
      return null;
    }
    const n = toNumber(raw);
    const p = numberProblem(n, { min: 1, max: LENGTH_MAX, int: true });
    if (p) bad(nField, p.code, p.params);
    const unit = v(unitField).trim();
    if (!(LENGTH_UNITS as readonly string[]).includes(unit)) bad(unitField, unit ? 'NOT_IN_LIST' : 'FIELD_REQUIRED');
    return p ? null : { n: n as number, unit: unit as Length['unit'] };
  };

  const clocks: ClockSpec[] = [];
  // Where each kept clock and extension was in the form, for the schema's messages.
  const places: { i: number; ext: number[] }[] = [];
  const clockCodes = new Set<string>();
  const extensionCodes = new Set<string>();
  const shape = formShape(values);
  for (const { i, ext } of shape) {
    const filledText = ['code', 'labelBg', 'labelEn', 'source', 'n', 'expireN', 'anonN'].some((p) => cleanText(v(f(i, p))) !== '');
    const anyEvent = Object.keys(values).some((k) => k.startsWith(`clocks.${i}.`) && EVENT_GROUPS.some((g) => k.startsWith(`clocks.${i}.${g}.`)) && v(k) !== '');
    const extFilled = (j: number) => ['code', 'labelBg', 'labelEn', 'source', 'maxDays'].some((p) => cleanText(v(fx(i, j, p))) !== '');
    // An empty clock (the one offered for adding) and a clock marked for removal are left out.
    if ((!filledText && !anyEvent && !ext.some(extFilled)) || v(f(i, 'remove')) !== '') continue;

    const code = text(f(i, 'code'), 30, true);
    if (code && !CODE.test(code)) bad(f(i, 'code'), 'CODE_INVALID');
    else if (code && clockCodes.has(code)) bad(f(i, 'code'), 'CODE_TAKEN');
    clockCodes.add(code);
    const label = { bg: text(f(i, 'labelBg'), LABEL_MAX, true), en: text(f(i, 'labelEn'), LABEL_MAX, true) };
    const source = text(f(i, 'source'), SOURCE_MAX, false);
    const len = length(f(i, 'n'), f(i, 'unit'), true);

    const groups = {} as Record<EventGroup, ClockEvent[]>;
    for (const g of EVENT_GROUPS) {
      const prefix = `clocks.${i}.${g}.`;
      const chosen = Object.keys(values).filter((k) => k.startsWith(prefix) && v(k) !== '').map((k) => k.slice(prefix.length));
      const unknown = chosen.filter((e) => !(CLOCK_EVENTS as readonly string[]).includes(e));
      if (unknown.length) bad(f(i, g), 'NOT_IN_LIST');
      groups[g] = CLOCK_EVENTS.filter((e) => chosen.includes(e));
      if ((g === 'start' || g === 'stopOn') && !chosen.length) bad(f(i, g), 'FIELD_REQUIRED');
    }
    // A clock that pauses must be able to run again, and one that resumes must have paused.
    if (groups.pauseOn.length && !groups.resumeOn.length) bad(f(i, 'resumeOn'), 'FIELD_REQUIRED');
    if (groups.resumeOn.length && !groups.pauseOn.length) bad(f(i, 'pauseOn'), 'FIELD_REQUIRED');
    const onResume = v(f(i, 'onResume')).trim() || 'extend';
    if (!(ON_RESUME as readonly string[]).includes(onResume)) bad(f(i, 'onResume'), 'NOT_IN_LIST');
    const expire = length(f(i, 'expireN'), f(i, 'expireUnit'), false);
    const anon = length(f(i, 'anonN'), f(i, 'anonUnit'), false);

    const extensions: ExtensionSpec[] = [];
    const extPlaces: number[] = [];
    for (const j of ext) {
      if (!extFilled(j) || v(fx(i, j, 'remove')) !== '') continue;
      const ecode = text(fx(i, j, 'code'), 30, true);
      if (ecode && !CODE.test(ecode)) bad(fx(i, j, 'code'), 'CODE_INVALID');
      // Staff choose an extension by its code (deadlines.service extendClock): one meaning per policy.
      else if (ecode && extensionCodes.has(ecode)) bad(fx(i, j, 'code'), 'CODE_TAKEN');
      extensionCodes.add(ecode);
      const elabel = { bg: text(fx(i, j, 'labelBg'), LABEL_MAX, true), en: text(fx(i, j, 'labelEn'), LABEL_MAX, true) };
      const esource = text(fx(i, j, 'source'), SOURCE_MAX, false);
      const rawDays = v(fx(i, j, 'maxDays')).trim();
      const days = toNumber(rawDays);
      // ЗДОИ art. 30–31 allow 10 and 14 days; nothing the law knows comes near a year.
      const dp: { code: ErrorCode; params?: FieldIssue['params'] } | null = rawDays ? numberProblem(days, { min: 1, max: EXTENSION_MAX_DAYS, int: true }) : { code: 'FIELD_REQUIRED' };
      if (dp) bad(fx(i, j, 'maxDays'), dp.code, dp.params);
      extPlaces.push(j);
      extensions.push({ code: ecode, label: elabel, source: esource, maxDays: dp ? 1 : (days as number), notice: v(fx(i, j, 'notice')) !== '' });
    }

    places.push({ i, ext: extPlaces });
    clocks.push({
      code,
      label,
      source,
      length: len ?? { unit: 'calendar_days', n: 1 },
      start: groups.start,
      stopOn: groups.stopOn,
      pauseOn: groups.pauseOn,
      resumeOn: groups.resumeOn,
      onResume: onResume as ClockSpec['onResume'],
      ...(expire ? { expireAfterPause: expire } : {}),
      extensions,
      satisfiedByEmail: v(f(i, 'satisfiedByEmail')) !== '',
      shownToSubmitter: v(f(i, 'shownToSubmitter')) !== '',
      anonymous: anon ? { target: anon } : 'none',
    });
  }
  if (!clocks.length && !issues.some((x) => x.field.startsWith('clocks.'))) bad('clocks', 'FIELD_REQUIRED');
  if (clocks.length > MAX_CLOCKS) bad('clocks', 'TOO_MANY_ITEMS', { max: MAX_CLOCKS });
  if (issues.length) throw new AppError('VALIDATION', { issues });

  // The schema the engine reads is the last word; its paths are mapped back to the form's fields.
  const parsed = PolicyClocks.safeParse(clocks);
  if (!parsed.success) throw new AppError('VALIDATION', { issues: zodIssues(parsed.error.issues, clocks).map((x) => ({ ...x, field: formField(x.field) })) });
  return { validFrom, note: noteText || null, clocks: parsed.data };

  /** A schema path (`0.length.n`, `1.extensions.0.maxDays`) as the form field it came from. */
  function formField(path: string): string {
    const [at, ...rest] = path.split('.');
    const c = places[Number(at)];
    if (!c) return 'clocks';
    const names: Record<string, string> = { 'label.bg': 'labelBg', 'label.en': 'labelEn', 'length.n': 'n', 'length.unit': 'unit', 'expireAfterPause.n': 'expireN', 'expireAfterPause.unit': 'expireUnit', 'anonymous.target.n': 'anonN', 'anonymous.target.unit': 'anonUnit' };
    if (rest[0] === 'extensions' && rest[1] !== undefined) {
      const j = c.ext[Number(rest[1])];
      const sub = rest.slice(2).join('.');
      return j === undefined ? f(c.i, 'code') : fx(c.i, j, names[sub] ?? (sub || 'code'));
    }
    return f(c.i, names[rest.join('.')] ?? rest[0] ?? 'code');
  }
}

const versionTaken = (): never => {
  throw new AppError('VALIDATION', { issues: [{ field: 'validFrom', code: 'POLICY_VERSION_EXISTS' }] });
};

/**
 * Adds a version to a policy, audited in its transaction. Refused, naming `validFrom`, when the
 * policy already has a version starting that day (also when two administrators add it at once: the
 * unique key decides). Answers the new version's id.
 */
export async function addPolicyVersion(ctx: Ctx, actor: Actor, k: PolicyKey, input: VersionInput): Promise<number> {
  const today = sofiaDay(ctx.now());
  // Checked again here, for callers other than the form.
  if (input.validFrom < today) throw new AppError('VALIDATION', { issues: [{ field: 'validFrom', code: 'VALID_FROM_PAST', params: { min: today } }] });
  const orm = ctx.db.orm;
  const [taken] = await orm
    .select({ id: deadlinePolicies.id })
    .from(deadlinePolicies)
    .where(and(eq(deadlinePolicies.organisationId, k.organisationId), eq(deadlinePolicies.kind, k.kind), sameType(k.typeId), eq(deadlinePolicies.validFrom, input.validFrom)));
  if (taken) versionTaken();
  const id = await orm
    .transaction(async (tx) => {
      const [row] = await tx
        .insert(deadlinePolicies)
        .values({ organisationId: k.organisationId, kind: k.kind, typeId: k.typeId, validFrom: input.validFrom, clocks: input.clocks, note: input.note, createdBy: actor.id })
        .returning({ id: deadlinePolicies.id });
      await audit(tx, actor, {
        action: 'deadlines.policy.add',
        entity: 'deadline_policy',
        entityId: row!.id,
        after: { organisationId: k.organisationId, kind: k.kind, typeId: k.typeId, validFrom: input.validFrom, note: input.note, clocks: input.clocks },
      });
      return row!.id;
    })
    .catch((err: unknown) => (uniqueViolation(err) !== null ? versionTaken() : Promise.reject(err)));
  policiesChanged();
  return id;
}
