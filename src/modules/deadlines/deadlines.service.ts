import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import { endOfSofiaDay, loadCalendar, sofiaDay, type Day } from '../../platform/calendar/index.js';
import { AppError } from '../../platform/errors/index.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { cases, type CaseChange, type RegistrationExtension, type RegistrationInfo } from '../cases/index.js';
import { afterEvents, clocksAtRegistration, dueOf, extended, type ClockRow } from './deadlines.engine.js';
import type { ClockEvent, ClockSpec, ExtensionSpec } from './deadlines.policy.js';
import { caseClocks, deadlinePolicies } from './deadlines.tables.js';

// ------------------------------------------------------------------ policies

interface PolicyRow {
  id: number;
  organisationId: number;
  kind: string;
  typeId: number | null;
  validFrom: Day;
  clocks: ClockSpec[];
}
interface Policies {
  byId: Map<number, PolicyRow>;
  all: PolicyRow[];
  unitOrganisation: Map<number, number>;
  /** Organisations whose policies others without their own fall back to (district administrations are parts of the Municipality). */
  fallback: number[];
}

const TTL_MS = 30_000;
let generation = 0;
const cache = new WeakMap<Orm, { at: number; generation: number; value: Promise<Policies> }>();

async function readPolicies(orm: Orm | Tx): Promise<Policies> {
  const [rows, unitRows, orgRows] = await Promise.all([
    orm.select().from(deadlinePolicies).orderBy(asc(deadlinePolicies.validFrom), asc(deadlinePolicies.id)),
    orm.select({ id: units.id, organisationId: units.organisationId }).from(units),
    orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.kind, 'municipality')),
  ]);
  const all = rows.map((r) => ({ id: r.id, organisationId: r.organisationId, kind: r.kind, typeId: r.typeId, validFrom: String(r.validFrom), clocks: r.clocks }));
  return { byId: new Map(all.map((p) => [p.id, p])), all, unitOrganisation: new Map(unitRows.map((u) => [u.id, u.organisationId])), fallback: orgRows.map((o) => o.id) };
}

/**
 * The policies, read at most every 30 s per process (and at once after a change here). Inside a
 * transaction pass it as `reader` (see loadCalendar: PGlite would wait on itself).
 */
export async function policies(orm: Orm, reader: Orm | Tx = orm): Promise<Policies> {
  const hit = cache.get(orm);
  if (hit && hit.generation === generation && Date.now() - hit.at < TTL_MS) return hit.value;
  const entry = { at: Date.now(), generation, value: readPolicies(reader) };
  cache.set(orm, entry);
  entry.value.catch(() => cache.delete(orm));
  return entry.value;
}

/** Drops the cached policies (after an administrator's change). */
export function policiesChanged(): void {
  generation++;
}

/**
 * The policy a document falls under: the one of the handling unit's organisation for its kind
 * (one for its type first), valid on its registration day — the latest that started by then, so a
 * change never reaches back to documents registered before it started. Without one of its own an
 * organisation falls back to the Municipality's.
 */
export function policyFor(p: Policies, unitId: number | null, kind: string, typeId: number | null, day: Day): PolicyRow | null {
  const org = unitId === null ? undefined : p.unitOrganisation.get(unitId);
  for (const o of [...(org === undefined ? [] : [org]), ...p.fallback]) {
    const candidates = p.all.filter((x) => x.organisationId === o && x.kind === kind && x.validFrom <= day && (x.typeId === null || x.typeId === typeId));
    if (!candidates.length) continue;
    // A policy for the type wins over the kind's; among equals the latest start.
    candidates.sort((a, b) => Number(a.typeId !== null) - Number(b.typeId !== null) || a.validFrom.localeCompare(b.validFrom));
    return candidates.at(-1)!;
  }
  return null;
}

// ------------------------------------------------------------------ registration

/**
 * The clocks of a new document, as members of its registration statement (cases.hooks.ts). The
 * registration moment is the database's and unknown here: the rows are computed for the Sofia
 * days around this process's clock, and the statement keeps those of its own day; a clock in
 * hours is counted from the moment itself, in SQL.
 */
export async function registrationClocks(ctx: Ctx, info: RegistrationInfo): Promise<RegistrationExtension | null> {
  const p = await policies(ctx.db.orm);
  const cal = await loadCalendar(ctx.db.orm);
  const values: SQL[] = [];
  // The Sofia day before, of and after this process's moment, by the calendar (not ± 24 hours: a
  // day of 23 or 25 hours at a clock change would skip one), each with the policy of its own day.
  const today = sofiaDay(info.now);
  for (const day of [cal.addCalendarDays(today, -1), today, cal.addCalendarDays(today, 1)]) {
    const policy = policyFor(p, info.unitId, info.kind, info.typeId, day);
    if (!policy) continue;
    // A moment inside that day: only the day counts (a clock in hours is counted in SQL from the real moment).
    const at = new Date(endOfSofiaDay(day).getTime() - 12 * 3600_000);
    for (const r of clocksAtRegistration(policy.clocks, { at, anonymous: info.anonymous, hasEmail: info.hasEmail }, cal)) {
      const spec = policy.clocks.find((c) => c.code === r.code)!;
      const len = info.anonymous && spec.anonymous !== 'none' ? spec.anonymous.target : spec.length;
      const hours = r.state === 'running' && len.unit === 'hours' ? len.n : null;
      values.push(
        sql`(${day}::date, ${policy.id}::int, ${r.code}::text, ${r.legal}::boolean, ${r.state}::text, ${r.startedOn}::date, ${r.dueOn}::date, ${r.dueAt?.toISOString() ?? null}::timestamptz, ${hours}::int)`,
      );
    }
  }
  if (!values.length) return null;
  const regAt = sql`(SELECT last_at FROM n)`;
  const regDay = sql`((SELECT last_at FROM n) AT TIME ZONE 'Europe/Sofia')::date`;
  const due = sql`CASE WHEN kv.hours IS NOT NULL THEN ${regAt} + make_interval(hours => kv.hours) ELSE kv.due_at END`;
  return {
    before: [sql`kv(day, policy_id, code, legal, state, started_on, due_on, due_at, hours) AS (VALUES ${sql.join(values, sql`, `)})`],
    caseValues: { dueAt: sql`(SELECT min(${due}) FROM kv WHERE kv.day = ${regDay} AND kv.state = 'running')` },
    after: (caseId) => [
      sql`k AS (INSERT INTO case_clocks (case_id, policy_id, code, legal, state, started_on, due_on, due_at, stopped_at)
        SELECT ${caseId}, kv.policy_id, kv.code, kv.legal, kv.state, kv.started_on,
               CASE WHEN kv.hours IS NOT NULL THEN ((${regAt} + make_interval(hours => kv.hours)) AT TIME ZONE 'Europe/Sofia')::date ELSE kv.due_on END,
               ${due}, CASE WHEN kv.state = 'stopped' THEN ${regAt} END
        FROM kv WHERE kv.day = ${regDay})`,
    ],
  };
}

// ------------------------------------------------------------------ changes

type ClockRecord = typeof caseClocks.$inferSelect;

function toRow(c: ClockRecord): ClockRow {
  return { code: c.code, legal: c.legal, state: c.state, startedOn: c.startedOn, dueOn: c.dueOn, dueAt: c.dueAt, pausedAt: c.pausedAt, extendedDays: c.extendedDays, extensions: c.extensions, extensionCodes: c.extensionCodes, stoppedAt: c.stoppedAt };
}

async function save(tx: Tx, id: number, r: ClockRow): Promise<void> {
  await tx
    .update(caseClocks)
    .set({ state: r.state, startedOn: r.startedOn, dueOn: r.dueOn, dueAt: r.dueAt, pausedAt: r.pausedAt, extendedDays: r.extendedDays, extensions: r.extensions, extensionCodes: r.extensionCodes, stoppedAt: r.stoppedAt })
    .where(eq(caseClocks.id, id));
}

/** The case's materialised due moment: its earliest running clock (null when none runs). */
async function refreshDue(tx: Tx, caseId: number): Promise<void> {
  await tx
    .update(cases)
    .set({ dueAt: sql`(SELECT min(due_at) FROM case_clocks WHERE case_id = ${caseId} AND state = 'running')` })
    .where(eq(cases.id, caseId));
}

/** The specification of a stored clock. */
function specOf(p: Policies, c: ClockRecord): ClockSpec | null {
  return p.byId.get(c.policyId)?.clocks.find((s) => s.code === c.code) ?? null;
}

/** Moves the clocks of a case by the events of one change, in the change's transaction (cases.hooks.ts). */
export async function clocksOnChange(tx: Tx, ctx: Ctx, change: CaseChange): Promise<void> {
  const rows = await tx.select().from(caseClocks).where(eq(caseClocks.caseId, change.caseId)).orderBy(asc(caseClocks.id));
  if (!rows.length) return;
  const [first, cal] = await Promise.all([policies(ctx.db.orm, tx), loadCalendar(ctx.db.orm, tx)]);
  let p = first;
  // A policy version another instance made since this one read them: read again rather than skip a clock.
  if (rows.some((c) => !specOf(p, c))) {
    policiesChanged();
    p = await policies(ctx.db.orm, tx);
  }
  let moved = false;
  for (const c of rows) {
    const spec = specOf(p, c);
    if (!spec) continue;
    const next = afterEvents(toRow(c), spec, change.events as ClockEvent[], { at: change.at, anonymous: change.anonymous, hasEmail: change.hasEmail }, cal);
    if (!next) continue;
    await save(tx, c.id, next);
    moved = true;
  }
  if (moved) await refreshDue(tx, change.caseId);
}

// ------------------------------------------------------------------ what staff do to clocks

/** The clocks of a case with their specifications. */
export async function clocksOf(orm: Orm | Tx, caseId: number, polOrm: Orm): Promise<{ row: ClockRecord; spec: ClockSpec }[]> {
  const [rows, p] = await Promise.all([orm.select().from(caseClocks).where(eq(caseClocks.caseId, caseId)).orderBy(asc(caseClocks.id)), policies(polOrm, orm)]);
  return rows.flatMap((row) => {
    const spec = specOf(p, row);
    return spec ? [{ row, spec }] : [];
  });
}

/** The clocks of several cases (lists), by case id. */
export async function clocksOfCases(orm: Orm, caseIds: number[]): Promise<Map<number, { row: ClockRecord; spec: ClockSpec }[]>> {
  const out = new Map<number, { row: ClockRecord; spec: ClockSpec }[]>();
  if (!caseIds.length) return out;
  const [rows, p] = await Promise.all([orm.select().from(caseClocks).where(inArray(caseClocks.caseId, caseIds)).orderBy(asc(caseClocks.id)), policies(orm)]);
  for (const row of rows) {
    const spec = specOf(p, row);
    if (!spec) continue;
    out.set(row.caseId, [...(out.get(row.caseId) ?? []), { row, spec }]);
  }
  return out;
}

/** What an extension changed, for the history entry and the notice. */
export interface Extension {
  clock: ClockSpec;
  extension: ExtensionSpec;
  days: number;
  dueOn: Day;
}

/**
 * Extends a clock of a case within what its policy allows (ЗДОИ art. 30: up to 10 days, art. 31:
 * up to 14 days), in the caller's transaction; each extension kind once. Refused with a field
 * message: an extension the clock does not have, no days, more days than the law allows.
 */
export async function extendClock(tx: Tx, ctx: Ctx, caseId: number, input: { extension?: string; days?: number }, at: Date): Promise<Extension> {
  const all = await clocksOf(tx, caseId, ctx.db.orm);
  const found = all.flatMap(({ row, spec }) => spec.extensions.map((e) => ({ row, spec, e }))).find((x) => x.e.code === input.extension);
  if (!found) throw new AppError('VALIDATION', { issues: [{ field: 'extension', code: 'NOT_IN_LIST' }] });
  if (found.row.state !== 'running' && found.row.state !== 'paused') throw new AppError('VALIDATION', { issues: [{ field: 'extension', code: 'CLOCK_NOT_RUNNING' }] });
  // The extension must be decided, and the applicant told, within the period (ЗДОИ art. 30(2), 31(4)):
  // extending an overdue request would hide the breach.
  if (found.row.state === 'running' && found.row.dueAt && found.row.dueAt < at) throw new AppError('VALIDATION', { issues: [{ field: 'extension', code: 'PERIOD_ENDED' }] });
  // Each extension the law allows is granted once: art. 30 and art. 31 ЗДОИ each extend the period one time.
  if (found.row.extensionCodes.includes(found.e.code)) throw new AppError('VALIDATION', { issues: [{ field: 'extension', code: 'EXTENSION_USED' }] });
  const days = input.days;
  if (days === undefined) throw new AppError('VALIDATION', { issues: [{ field: 'days', code: 'FIELD_REQUIRED' }] });
  if (!Number.isInteger(days)) throw new AppError('VALIDATION', { issues: [{ field: 'days', code: 'NOT_A_NUMBER' }] });
  if (days < 1 || days > found.e.maxDays) throw new AppError('VALIDATION', { issues: [{ field: 'days', code: 'NUMBER_OUT_OF_RANGE', params: { min: 1, max: found.e.maxDays } }] });
  const cal = await loadCalendar(ctx.db.orm, tx);
  const next = extended(toRow(found.row), found.spec.length, days, cal, found.e.code);
  await save(tx, found.row.id, next);
  await refreshDue(tx, caseId);
  return { clock: found.spec, extension: found.e, days, dueOn: next.dueOn! };
}

/** Whether a case has a running clock that clarification pauses (a public-information request). */
export async function mayAskClarification(tx: Tx, ctx: Ctx, caseId: number, at: Date): Promise<boolean> {
  // Within the period only (ЗДОИ art. 29(1)): asking after it ended would hide that it was missed.
  return (await clocksOf(tx, caseId, ctx.db.orm)).some(({ row, spec }) => row.state === 'running' && spec.pauseOn.includes('clarification_requested') && (!row.dueAt || row.dueAt >= at));
}

/** Whether a case has a clock paused for a clarification. */
export async function awaitsClarification(tx: Tx, ctx: Ctx, caseId: number): Promise<boolean> {
  return (await clocksOf(tx, caseId, ctx.db.orm)).some(({ row, spec }) => row.state === 'paused' && spec.resumeOn.includes('clarified'));
}



/**
 * After a day swap (a bridge holiday, a worked Saturday): the clocks whose end falls near that day
 * are computed again with the new calendar, and their cases' due moments with them — a period
 * that now ends on a non-working day ends on the next working one (ГПК art. 60(6)). Answers how
 * many clocks moved.
 */
export async function recomputeAround(ctx: Ctx, day: Day): Promise<number> {
  const orm = ctx.db.orm;
  const [p, cal] = await Promise.all([policies(orm), loadCalendar(orm)]);
  const from = cal.addCalendarDays(day, -31);
  const to = cal.addCalendarDays(day, 31);
  const rows = await orm
    .select({ clock: caseClocks, anonymous: cases.anonymous })
    .from(caseClocks)
    .innerJoin(cases, eq(cases.id, caseClocks.caseId))
    .where(sql`${caseClocks.state} IN ('running', 'paused') AND ${caseClocks.dueOn} BETWEEN ${from}::date AND ${to}::date AND ${caseClocks.startedOn} IS NOT NULL`);
  let moved = 0;
  const touched = new Set<number>();
  await orm.transaction(async (tx) => {
    for (const { clock: c, anonymous } of rows) {
      const spec = specOf(p, c);
      if (!spec) continue;
      const len = anonymous && spec.anonymous !== 'none' ? spec.anonymous.target : spec.length;
      if (len.unit === 'hours') continue;
      const { dueOn, dueAt } = dueOf(len, { day: c.startedOn!, at: c.dueAt ?? new Date() }, cal, c.extendedDays);
      if (dueOn === c.dueOn) continue;
      await tx.update(caseClocks).set({ dueOn, dueAt }).where(eq(caseClocks.id, c.id));
      touched.add(c.caseId);
      moved++;
    }
    for (const id of touched) await refreshDue(tx, id);
  });
  return moved;
}
