import { eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import { databaseNow } from '../../platform/db/clock.js';
import { audit } from '../../platform/audit/index.js';
import { endOfSofiaDay, loadCalendar, sofiaDay, type Calendar, type Day } from '../../platform/calendar/index.js';
import { formatDate } from '../../platform/i18n/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { units } from '../catalog/catalog.tables.js';
import { caseChanged, caseEvents, cases, kindName, mapChanged, myCaseUrl, onCaseChange, statusLabel, visibilityOf } from '../cases/index.js';
import { dueOf } from './deadlines.engine.js';
import { digestMail, leftWithoutConsiderationMail, reminderMail, type DeadlineItem, type ReminderStep } from './deadlines.mail.js';
import type { ClockSpec } from './deadlines.policy.js';
import { clocksOnChange, policies } from './deadlines.service.js';
import { caseClocks, clockNotices } from './deadlines.tables.js';

/*
 * The durable side of the legal clocks (issue 12): reminders, escalation, expiry and the daily
 * digest, as pg-boss schedules that run once per tick for all instances (platform/jobs).
 *
 * Time: every run reads the DATABASE clock once (databaseNow) and decides what is due by that
 * moment; the rows it writes (history, audit) take the database moment read after their lock, as
 * staff actions do. Clocks' due moments were computed from the database's registration moment, so
 * instances whose own clocks differ agree on what is due. Tests move the database clock
 * (setDatabaseClock), or pass a moment to the run functions.
 *
 * Exactly once: a step is a row of clock_notices (clock, step) under a unique index, inserted with
 * ON CONFLICT DO NOTHING RETURNING in the transaction that queues its emails (outbox rows and
 * delivery jobs). Only the run whose insert happened sends; a replay, a retried job, a restarted
 * process or a second instance inserts nothing and sends nothing. The step carries the due date it
 * is about ('before:2026-12-16'): when an extension or a clarification moves the due date, the new
 * date gets its own reminders, each again once.
 */

/** The legal-clock sweep: reminders, escalation and expiry (DEADLINES_CRON, every 15 minutes by default). */
export const DEADLINES_SWEEP = 'deadlines-sweep';
/** The daily digest of due documents per officer and manager (DEADLINES_DIGEST_CRON, 07:00 by default). */
export const DEADLINES_DIGEST = 'deadlines-digest';

/** Clocks are recorded and their emails queued this many at a time, each batch one transaction. */
const BATCH = 500;
/**
 * An overdue clock is escalated when the sweep sees it within this many days of its due moment.
 * Without the bound every run would walk every long-overdue clock again (a signal lives ~200 days
 * in the live Call Sofia); with it, a first deployment does not escalate years-old backlogs either.
 */
export const OVERDUE_LOOKBACK_DAYS = 7;
/** The digest lists at most this many documents (the rest are counted; the inbox has them all). */
const DIGEST_MAX_ITEMS = 60;

type Row = Record<string, unknown>;

async function rowsOf(db: Orm | Tx, q: SQL): Promise<Row[]> {
  const res = (await db.execute(q)) as unknown as { rows?: Row[] } | Row[];
  return Array.isArray(res) ? res : (res.rows ?? []);
}

const iso = (d: Date) => d.toISOString();
const idArray = (ids: (number | string)[]) => `{${ids.map((i) => String(Number(i))).join(',')}}`;
const textArray = (list: string[]) => `{${list.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

// ------------------------------------------------------------------ the windows of the steps

/**
 * Which running clocks a step is about at the moment `at`, as a condition on the indexed due_at
 * (case_clocks_running_due_idx, partial on state = 'running'), so that one range scan finds them:
 * - before: two working days before the due date — the due date is after today and at most the
 *   second working day after it (a due date on a non-working day, possible for a clock in hours,
 *   counts from its preceding working days the same way);
 * - due: on the due date, before its end;
 * - overdue: the due moment has passed (the day after, for a due date), within the look-back.
 */
function windowOf(step: ReminderStep, at: Date, cal: Calendar): SQL {
  const today = sofiaDay(at);
  switch (step) {
    case 'before':
      return sql`k.due_at > ${iso(endOfSofiaDay(today))}::timestamptz AND k.due_at <= ${iso(endOfSofiaDay(cal.addWorkingDays(today, 2)))}::timestamptz`;
    case 'due':
      return sql`k.due_at >= ${iso(at)}::timestamptz AND k.due_at <= ${iso(endOfSofiaDay(today))}::timestamptz`;
    case 'overdue':
      return sql`k.due_at < ${iso(at)}::timestamptz AND k.due_at >= ${iso(new Date(at.getTime() - OVERDUE_LOOKBACK_DAYS * 86_400_000))}::timestamptz`;
  }
}

/**
 * The clocks due for a step at `at` and not yet recorded for it, as (clock id, step key), in clock
 * order: the running clocks of open cases in the step's window of the due-moment index, without a
 * notice for this step and due date. Exported for the benchmark's EXPLAIN (issue 12: finding all
 * clocks due in one run takes < 1 s with 100,000 open documents).
 */
export function dueForStep(step: ReminderStep, at: Date, cal: Calendar, limit?: number): SQL {
  return sql`SELECT k.id, ${step}::text || ':' || k.due_on::text
    FROM case_clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.state = 'running' AND ${windowOf(step, at, cal)}
      AND c.closed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM clock_notices n WHERE n.clock_id = k.id AND n.step = ${step}::text || ':' || k.due_on::text)
    ORDER BY k.id${limit === undefined ? sql`` : sql` LIMIT ${limit}`}`;
}

/**
 * Records one batch of a step for the clocks due for it, and answers what was recorded with what
 * the emails need. One statement: the indexed range of running clocks, open cases only, without a
 * notice for this step and due date yet, in clock order (two instances recording the same batch
 * take the unique index's row locks in the same order); the insert's RETURNING is the batch.
 */
async function recordBatch(tx: Tx, step: ReminderStep, at: Date, cal: Calendar): Promise<Row[]> {
  return rowsOf(
    tx,
    sql`WITH ins AS (
          INSERT INTO clock_notices (clock_id, step)
          ${dueForStep(step, at, cal, BATCH)}
          ON CONFLICT DO NOTHING
          RETURNING clock_id)
        SELECT k.id, k.policy_id, k.code, k.due_on::text AS due_on, c.reg_number, c.unit_id, c.assignee_id, u.parent_id, u.name_bg, u.name_en
        FROM ins JOIN case_clocks k ON k.id = ins.clock_id JOIN cases c ON c.id = k.case_id LEFT JOIN units u ON u.id = c.unit_id
        ORDER BY k.id`,
  );
}

interface Person {
  id: string;
  email: string;
  lang: 'bg' | 'en';
  firstName: string | null;
  role: string;
  unitId: number | null;
}

/** Active staff: the managers of some units and some people by id (assignees), one query. */
async function staffOf(tx: Tx, unitIds: number[], personIds: string[]): Promise<Person[]> {
  if (!unitIds.length && !personIds.length) return [];
  const rows = await rowsOf(
    tx,
    sql`SELECT id, email, locale, first_name, role, unit_id FROM users
        WHERE closed_at IS NULL AND suspended_at IS NULL
          AND ((role = 'manager' AND unit_id = ANY(${idArray(unitIds)}::int[]))
               OR (id = ANY(${textArray(personIds)}::text[]) AND role IN ('officer', 'manager')))`,
  );
  return rows.map((r) => ({ id: String(r.id), email: String(r.email), lang: r.locale === 'en' ? 'en' : 'bg', firstName: (r.first_name as string | null) || null, role: String(r.role), unitId: r.unit_id === null ? null : Number(r.unit_id) }));
}

type Specs = Awaited<ReturnType<typeof policies>>;

function specOf(p: Specs, policyId: number, code: string): ClockSpec | null {
  return p.byId.get(policyId)?.clocks.find((c) => c.code === code) ?? null;
}

/**
 * Who hears of a step (issue 12, "Reminders and escalation"): before — the handler, or with none
 * the unit's managers; on the due date — the unit's managers; the day after — the parent unit's
 * managers (escalation up the hierarchy), or the unit's own when it has no parent or the parent
 * no managers.
 */
function recipientsOf(step: ReminderStep, r: Row, people: Person[]): Person[] {
  const unitId = r.unit_id === null ? null : Number(r.unit_id);
  const managersOf = (u: number | null) => (u === null ? [] : people.filter((p) => p.role === 'manager' && p.unitId === u));
  if (step === 'before') {
    const handler = r.assignee_id ? people.find((p) => p.id === r.assignee_id) : undefined;
    return handler ? [handler] : managersOf(unitId);
  }
  if (step === 'due') return managersOf(unitId);
  const parent = r.parent_id === null ? [] : managersOf(Number(r.parent_id));
  return parent.length ? parent : managersOf(unitId);
}

function staffUrl(ctx: Ctx, number: string): string {
  return `${ctx.config.publicBaseUrl}/staff/cases/${encodeURIComponent(number)}`;
}

/** The emails of one recorded batch: one per person, listing their documents, in their language. */
async function queueReminders(tx: Tx, ctx: Ctx, step: ReminderStep, batch: Row[], p: Specs): Promise<number> {
  const unitIds = new Set<number>();
  const assignees = new Set<string>();
  for (const r of batch) {
    if (r.unit_id !== null) unitIds.add(Number(r.unit_id));
    if (step === 'overdue' && r.parent_id !== null) unitIds.add(Number(r.parent_id));
    if (step === 'before' && r.assignee_id) assignees.add(String(r.assignee_id));
  }
  const people = await staffOf(tx, [...unitIds], [...assignees]);
  const byPerson = new Map<string, { person: Person; rows: Row[] }>();
  for (const r of batch) {
    for (const person of recipientsOf(step, r, people)) {
      const entry = byPerson.get(person.id) ?? { person, rows: [] };
      entry.rows.push(r);
      byPerson.set(person.id, entry);
    }
  }
  for (const { person, rows } of byPerson.values()) {
    const items: DeadlineItem[] = rows.map((r) => {
      const spec = specOf(p, Number(r.policy_id), String(r.code));
      return {
        number: String(r.reg_number),
        clock: spec?.label[person.lang] ?? String(r.code),
        source: spec?.source ?? '',
        due: formatDate(endOfSofiaDay(String(r.due_on)), person.lang),
        unit: String((person.lang === 'en' ? r.name_en : r.name_bg) ?? ''),
        url: staffUrl(ctx, String(r.reg_number)),
      };
    });
    await queueMail(tx, ctx.jobs, reminderMail({ to: person.email, lang: person.lang, firstName: person.firstName, step, items }));
  }
  return byPerson.size;
}

/** One step for every clock due for it at `at`: batches until nothing is left to record. */
async function sweepStep(ctx: Ctx, step: ReminderStep, at: Date, cal: Calendar, p: Specs): Promise<number> {
  let recorded = 0;
  for (;;) {
    const n = await ctx.db.orm.transaction(async (tx) => {
      const batch = await recordBatch(tx, step, at, cal);
      if (batch.length) await queueReminders(tx, ctx, step, batch, p);
      return batch.length;
    });
    recorded += n;
    // Nothing recorded: nothing left, or another instance is recording the rest right now (its
    // rows are committed with its emails, or rolled back and found again by the next run).
    if (n === 0) return recorded;
  }
}

// ------------------------------------------------------------------ expiry (ЗДОИ art. 29(2))

/** The citation of a request left without consideration. */
const ART_29_2 = 'чл. 29, ал. 2 ЗДОИ';

function expiryReason(lang: 'bg' | 'en', days: string): string {
  return lang === 'bg'
    ? `Заявителят не е уточнил предмета на исканата информация в срок от ${days} от искането за уточняване; заявлението се оставя без разглеждане (${ART_29_2}).`
    : `The applicant did not clarify the subject of the information requested within ${days} of the request for clarification; the request is left without consideration (Access to Public Information Act, art. 29(2)).`;
}

function lengthText(lang: 'bg' | 'en', len: NonNullable<ClockSpec['expireAfterPause']>): string {
  const unit = { calendar_days: ['дни', 'days'], working_days: ['работни дни', 'working days'], months: ['месеца', 'months'], hours: ['часа', 'hours'] }[len.unit];
  return `${len.n} ${lang === 'bg' ? unit[0] : unit[1]}`;
}

/** The shortest time a length can take, for a coarse first filter in SQL (the exact end is the calendar's). */
function minimumMs(len: NonNullable<ClockSpec['expireAfterPause']>): number {
  const day = 86_400_000;
  switch (len.unit) {
    case 'hours':
      return len.n * 3_600_000;
    case 'months':
      return len.n * 28 * day;
    default:
      return len.n * day;
  }
}

/**
 * Paused clocks whose policy leaves the document without consideration after a pause, paused
 * longer than that at `at`: a coarse indexed scan (case_clocks_paused_idx) by the shortest such
 * length, then the exact end by the calendar (a period ending on a non-working day ends on the
 * next working day, ГПК art. 60(6)).
 */
async function expiring(ctx: Ctx, at: Date, cal: Calendar, p: Specs): Promise<{ id: number; caseId: number; spec: ClockSpec }[]> {
  const lengths = p.all.flatMap((pol) => pol.clocks.flatMap((c) => (c.expireAfterPause ? [minimumMs(c.expireAfterPause)] : [])));
  if (!lengths.length) return [];
  const before = new Date(at.getTime() - Math.min(...lengths));
  const rows = await rowsOf(
    ctx.db.orm,
    sql`SELECT k.id, k.case_id, k.policy_id, k.code, (extract(epoch FROM k.paused_at) * 1000)::float8 AS paused_ms
        FROM case_clocks k JOIN cases c ON c.id = k.case_id
        WHERE k.state = 'paused' AND k.paused_at <= ${iso(before)}::timestamptz AND c.closed_at IS NULL
        ORDER BY k.id`,
  );
  return rows.flatMap((r) => {
    const spec = specOf(p, Number(r.policy_id), String(r.code));
    if (!spec?.expireAfterPause) return [];
    return expired(spec, new Date(Number(r.paused_ms)), at, cal) ? [{ id: Number(r.id), caseId: Number(r.case_id), spec }] : [];
  });
}

/** Whether a clock paused at `pausedAt` has been paused longer than its policy allows at `at`. */
function expired(spec: ClockSpec, pausedAt: Date, at: Date, cal: Calendar): boolean {
  if (!spec.expireAfterPause) return false;
  return at.getTime() > dueOf(spec.expireAfterPause, { day: sofiaDay(pausedAt), at: pausedAt }, cal).dueAt.getTime();
}

/**
 * Leaves one document without consideration (ЗДОИ art. 29(2)), in one transaction: the case is
 * locked as a staff action locks it (every change of its clocks happens under that lock), the clock
 * checked again under it (still paused, long enough at the run's moment `at`, the case still open),
 * the step recorded once ('expired'); then the status
 * becomes "rejected" (closed), a public history entry with the legal ground, an audit record by the
 * system, the submitter's email, and the clocks move through the change hook. Answers whether it
 * happened here.
 */
async function expire(ctx: Ctx, c: { id: number; caseId: number; spec: ClockSpec }, at: Date, cal: Calendar): Promise<boolean> {
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx.select().from(cases).where(eq(cases.id, c.caseId)).for('update');
    const [clock] = await tx.select().from(caseClocks).where(eq(caseClocks.id, c.id));
    if (!row || row.closedAt || !clock || clock.state !== 'paused' || !clock.pausedAt || !expired(c.spec, clock.pausedAt, at, cal)) return false;
    const recorded = await tx.insert(clockNotices).values({ clockId: c.id, step: 'expired' }).onConflictDoNothing().returning({ clockId: clockNotices.clockId });
    if (!recorded.length) return false;
    const now = await databaseNow(tx);
    const len = c.spec.expireAfterPause!;
    const text = expiryReason('bg', lengthText('bg', len));
    const [unit] = row.unitId === null ? [] : await tx.select({ bg: units.nameBg }).from(units).where(eq(units.id, row.unitId));
    await tx.update(cases).set({ status: 'rejected', closedAt: now, updatedAt: now }).where(eq(cases.id, row.id));
    await tx.insert(caseEvents).values({
      caseId: row.id,
      at: now,
      type: 'left_without_consideration',
      statusFrom: row.status,
      statusTo: 'rejected',
      text,
      visibility: visibilityOf('left_without_consideration'),
      actorLabel: unit?.bg ?? 'Столична община',
      actorId: null,
    });
    await audit(tx, { id: null, label: 'система' }, { action: 'case.left_without_consideration', entity: 'case', entityId: row.regNumber, before: { status: row.status }, after: { status: 'rejected', clock: clock.code, pausedAt: clock.pausedAt, ground: ART_29_2 } });
    // The submitter is told in writing, as after any staff decision (the entry is public).
    if (row.submitterEmail) {
      const lang = row.lang === 'en' ? 'en' : 'bg';
      const base = ctx.config.publicBaseUrl;
      await queueMail(
        tx,
        ctx.jobs,
        leftWithoutConsiderationMail({
          to: row.submitterEmail,
          lang,
          kind: kindName(row.kind, lang).toLowerCase(),
          number: row.regNumber,
          statusLabel: statusLabel('rejected', lang),
          reason: expiryReason(lang, lengthText(lang, len)),
          url: row.isPublic ? `${base}/cases/${encodeURIComponent(row.regNumber)}` : `${base}${myCaseUrl(row.regNumber)}`,
        }),
      );
    }
    await caseChanged(tx, ctx, { caseId: row.id, kind: row.kind, anonymous: row.anonymous, hasEmail: !!row.submitterEmail, events: ['left_without_consideration', 'closed'], at: now });
    // The hook stopped it; it ended by expiry, which the clock keeps (the state the table has for it).
    await tx.update(caseClocks).set({ state: 'expired' }).where(eq(caseClocks.id, c.id));
    return true;
  });
}

// ------------------------------------------------------------------ the sweep

/** What one sweep did: notices recorded per step, and documents left without consideration. */
export interface SweepResult {
  at: Date;
  before: number;
  due: number;
  overdue: number;
  expired: number;
}

/**
 * One sweep at the moment `at` (the database's, by default): each step for every clock due for it,
 * then expiry. Safe to run at the same time on several instances and to run again: what was done
 * is recorded and is not done twice.
 */
export async function runDeadlineSweep(ctx: Ctx, at?: Date): Promise<SweepResult> {
  // A scheduled run may come before the app finished installing the hooks (idempotent).
  onCaseChange(clocksOnChange);
  const now = at ?? (await databaseNow(ctx.db.orm));
  const [cal, p] = await Promise.all([loadCalendar(ctx.db.orm), policies(ctx.db.orm)]);
  const result: SweepResult = { at: now, before: 0, due: 0, overdue: 0, expired: 0 };
  for (const step of ['before', 'due', 'overdue'] as const) result[step] = await sweepStep(ctx, step, now, cal, p);
  for (const c of await expiring(ctx, now, cal, p)) if (await expire(ctx, c, now, cal)) result.expired++;
  if (result.expired) mapChanged();
  return result;
}

/** The worker of DEADLINES_SWEEP (scheduled by DEADLINES_CRON, once per tick for all instances). */
export function deadlinesSweep(ctx: Ctx) {
  return async function sweep(): Promise<void> {
    await runDeadlineSweep(ctx);
  };
}

// ------------------------------------------------------------------ the daily digest

/**
 * The daily digest (issue 12), on working days: to each officer and manager with a unit who has
 * not opted out (users.deadline_digest, on /account), the open documents of their unit due in the
 * next seven days and those overdue — nothing to citizens, inspectors, operators or clerks, and nothing to a
 * person with nothing due. At most one a day per person: the Sofia day of the last digest is set in
 * the transaction that queues it, only if it was not today's already (a retried job, a second
 * schedule tick or instance sends nothing more). Answers how many digests were queued.
 */
export async function runDeadlineDigest(ctx: Ctx, at?: Date): Promise<number> {
  const orm = ctx.db.orm;
  const now = at ?? (await databaseNow(orm));
  const today: Day = sofiaDay(now);
  const [cal, p] = await Promise.all([loadCalendar(orm), policies(orm)]);
  // On working days only: Monday's digest covers the weekend, the day after a holiday the holiday.
  if (!cal.isWorkingDay(today)) return 0;
  const horizon = endOfSofiaDay(cal.addCalendarDays(today, 6));
  const staffRows = await rowsOf(
    orm,
    sql`SELECT id, email, locale, first_name, role, unit_id FROM users
        WHERE role IN ('officer', 'manager') AND unit_id IS NOT NULL AND deadline_digest
          AND closed_at IS NULL AND suspended_at IS NULL
          AND (deadline_digest_on IS NULL OR deadline_digest_on < ${today}::date)
        ORDER BY id`,
  );
  if (!staffRows.length) return 0;
  const people: Person[] = staffRows.map((r) => ({ id: String(r.id), email: String(r.email), lang: r.locale === 'en' ? 'en' : 'bg', firstName: (r.first_name as string | null) || null, role: String(r.role), unitId: Number(r.unit_id) }));
  const unitIds = [...new Set(people.map((x) => x.unitId!))];
  // Per unit, the open documents due by the horizon (overdue included): the inbox's index
  // (cases_unit_due_idx on unit and the materialised due moment of open cases), with the clock
  // that sets that moment.
  const due = await rowsOf(
    orm,
    sql`SELECT c.reg_number, c.unit_id, c.assignee_id, (extract(epoch FROM c.due_at) * 1000)::float8 AS due_ms, k.policy_id, k.code, k.due_on::text AS due_on
        FROM cases c
        LEFT JOIN LATERAL (SELECT policy_id, code, due_on FROM case_clocks WHERE case_id = c.id AND state = 'running' ORDER BY due_at LIMIT 1) k ON true
        WHERE c.unit_id = ANY(${idArray(unitIds)}::int[]) AND c.closed_at IS NULL AND c.due_at <= ${iso(horizon)}::timestamptz
        ORDER BY c.unit_id, c.due_at, c.id`,
  );
  const byUnit = new Map<number, Row[]>();
  for (const r of due) byUnit.set(Number(r.unit_id), [...(byUnit.get(Number(r.unit_id)) ?? []), r]);
  const unitName = new Map((await orm.select({ id: units.id, bg: units.nameBg, en: units.nameEn }).from(units)).map((u) => [u.id, u]));
  const base = ctx.config.publicBaseUrl;
  let sent = 0;
  const withWork = people.filter((x) => byUnit.has(x.unitId!));
  for (let i = 0; i < withWork.length; i += 100) {
    const chunk = withWork.slice(i, i + 100);
    sent += await orm.transaction(async (tx) => {
      // The day is taken only by the transaction that writes the emails: exactly one digest a day.
      const taken = await rowsOf(
        tx,
        sql`UPDATE users SET deadline_digest_on = ${today}::date
            WHERE id = ANY(${textArray(chunk.map((x) => x.id))}::text[]) AND deadline_digest
              AND (deadline_digest_on IS NULL OR deadline_digest_on < ${today}::date)
            RETURNING id`,
      );
      const ids = new Set(taken.map((r) => String(r.id)));
      for (const person of chunk) {
        if (!ids.has(person.id)) continue;
        const rows = byUnit.get(person.unitId!)!;
        const items: DeadlineItem[] = rows.slice(0, DIGEST_MAX_ITEMS).map((r) => {
          const spec = r.policy_id === null ? null : specOf(p, Number(r.policy_id), String(r.code));
          const dueAt = new Date(Number(r.due_ms));
          const u = unitName.get(Number(r.unit_id));
          return {
            number: String(r.reg_number),
            clock: spec?.label[person.lang] ?? '',
            source: spec?.source ?? '',
            due: formatDate(r.due_on ? endOfSofiaDay(String(r.due_on)) : dueAt, person.lang),
            unit: (person.lang === 'en' ? u?.en : u?.bg) ?? '',
            url: staffUrl(ctx, String(r.reg_number)),
            overdue: dueAt.getTime() < now.getTime(),
            mine: r.assignee_id === person.id,
          };
        });
        await queueMail(tx, ctx.jobs, digestMail({ to: person.email, lang: person.lang, firstName: person.firstName, items, more: Math.max(0, rows.length - DIGEST_MAX_ITEMS), inboxUrl: `${base}/staff`, accountUrl: `${base}/account` }));
      }
      return ids.size;
    });
  }
  return sent;
}

/** The worker of DEADLINES_DIGEST (scheduled by DEADLINES_DIGEST_CRON, 07:00 Sofia by default). */
export function deadlinesDigest(ctx: Ctx) {
  return async function digest(): Promise<void> {
    await runDeadlineDigest(ctx);
  };
}
