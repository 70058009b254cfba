import { asc, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { zodIssues } from '../../platform/errors/validation.js';
import { districts } from '../../platform/geo/geo.tables.js';
import { categories, units } from '../catalog/catalog.tables.js';
import { KINDS, STATUSES, STATUS_CODES, cases, publicCases, type CaseStatus } from '../cases/index.js';
import { caseClocks } from '../deadlines/index.js';
import { OverviewQuery, type Period } from './overview.schemas.js';
import { TtlCache } from '../../platform/cache/index.js';

/** A name in both languages; the cached numbers serve readers of either. */
export interface Both {
  bg: string;
  en: string;
}

/** The filters after checking: the district and category exist. */
export interface OverviewFilter {
  period: Period;
  /** District number "01".."24". */
  district: string | null;
  districtId: number | null;
  categoryId: number | null;
}

/** A row of the category and district blocks. */
export interface OpenClosedRow {
  id: number | null;
  code: string | null;
  name: Both | null;
  registered: number;
  open: number;
  closed: number;
}

/** How many cases have a status. */
export interface StatusRow {
  code: string;
  name: Both;
  open: boolean;
  registered: number;
}

/** Medians of one unit (or of everything, in the totals), each with the count it is based on. */
export interface Timing {
  registered: number;
  answerMedianDays: number | null;
  answered: number;
  closeMedianDays: number | null;
  closedWithDate: number;
}

/**
 * The legal deadlines of a unit's public documents (issue 12): of the legal clocks that stopped in
 * the period, how many by their due moment; how late the late ones were; and how many legal
 * clocks of open documents are past their due moment now. Internal targets (questions, anonymous
 * signals: АПК art. 111(4)) are not legal deadlines and are not counted.
 */
export interface DeadlineStats {
  /** Legal clocks that stopped (were answered) in the period. */
  decided: number;
  /** Of those, stopped by their due moment. */
  onTime: number;
  /** onTime / decided (0–1, three decimals), or null when none stopped. */
  onTimeShare: number | null;
  /** Of those, stopped after it. */
  late: number;
  /** Median calendar days between the due date and the answer, of the late ones. */
  lateMedianDays: number | null;
  /** Running legal clocks of open documents past their due moment now. */
  overdueNow: number;
}

/** A unit's row: its cases, how fast they were answered and closed, and its legal deadlines. */
export interface UnitRow extends Timing, DeadlineStats {
  code: string | null;
  name: Both | null;
}

/** One ISO week of the trend (Europe/Sofia). */
export interface WeekRow {
  week: string;
  /** The Monday, YYYY-MM-DD. */
  start: string;
  registered: number;
  closed: number;
}

/** Everything the overview shows, for one filter combination. */
export interface Overview {
  filter: OverviewFilter;
  from: Date | null;
  to: Date;
  generatedAt: Date;
  totals: Timing & DeadlineStats & { open: number; closed: number };
  categories: OpenClosedRow[];
  districts: OpenClosedRow[];
  statuses: StatusRow[];
  units: UnitRow[];
  weeks: WeekRow[];
}

/** What the filter form offers. */
export interface FilterOptions {
  districts: { id: number; code: string; name: Both }[];
  categories: { id: number; code: string; name: Both; active: boolean }[];
}

/** The numbers are recomputed at most this often per filter combination. */
export const CACHE_MS = 5 * 60_000;
/** Filter combinations kept at once (4 periods × 25 districts × the categories would be thousands). */
export const CACHE_MAX = 200;
/** Weeks of the trend. */
export const TREND_WEEKS = 26;

const DAY_MS = 86_400_000;
const OPEN = STATUS_CODES.filter((s) => STATUSES[s].open);
const CLOSED = STATUS_CODES.filter((s) => !STATUSES[s].open);
// Defence in depth: `is_public` already excludes letters and the like, the kind list does too.
const PUBLIC_KINDS = Object.entries(KINDS)
  .filter(([, p]) => p.isPublic)
  .map(([k]) => k);

interface Caches {
  overview: TtlCache<Promise<Overview>>;
  options: TtlCache<Promise<FilterOptions>>;
}
// Per app instance (tests run several in one process); dropped with the context.
const caches = new WeakMap<Ctx, Caches>();
function cachesOf(ctx: Ctx): Caches {
  let c = caches.get(ctx);
  if (!c) {
    c = { overview: new TtlCache(CACHE_MS, CACHE_MAX), options: new TtlCache(CACHE_MS, 1) };
    caches.set(ctx, c);
  }
  return c;
}

/** Caches a computation's promise, so that concurrent requests share one run; a failure is not kept. */
function cached<T>(cache: TtlCache<Promise<T>>, key: string, now: Date, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(key, now.getTime());
  if (hit) return hit;
  const p = compute();
  cache.set(key, p, now.getTime());
  p.catch(() => cache.delete(key, p));
  return p;
}

async function rowsOf<T>(orm: Orm, q: SQL): Promise<T[]> {
  const res = await orm.execute(q);
  // node-postgres answers a result object, PGlite's driver too, some drivers a bare array.
  return (Array.isArray(res) ? res : (res as unknown as { rows: T[] }).rows) as T[];
}

const num = (v: unknown) => Number(v ?? 0);
const days = (v: unknown) => (v === null || v === undefined ? null : Math.round((Number(v) / 86_400) * 10) / 10);
const both = (bg: string | null, en: string | null): Both | null => (bg === null ? null : { bg, en: en ?? bg });
const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

/** The districts and categories of the filter form (cached like the numbers). */
export function filterOptions(ctx: Ctx): Promise<FilterOptions> {
  return cached(cachesOf(ctx).options, 'options', ctx.now(), async () => {
    const [d, c] = await Promise.all([
      ctx.db.read.select({ id: districts.id, code: districts.code, bg: districts.nameBg, en: districts.nameEn }).from(districts).orderBy(asc(districts.code)),
      ctx.db.read
        .select({ id: categories.id, code: categories.code, bg: categories.nameBg, en: categories.nameEn, active: categories.active })
        .from(categories)
        .orderBy(asc(categories.sort), asc(categories.id)),
    ]);
    return {
      districts: d.map((r) => ({ id: r.id, code: r.code, name: { bg: r.bg, en: r.en } })),
      categories: c.map((r) => ({ id: r.id, code: r.code, name: { bg: r.bg, en: r.en }, active: r.active })),
    };
  });
}

/** Empty form fields ("all districts") mean no filter. */
export function dropEmpty(q: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (q && typeof q === 'object') for (const [k, v] of Object.entries(q)) if (v !== '' && v !== undefined) out[k] = v;
  return out;
}

/**
 * Checks the filters of a request: the shape with the API's schema, then that the district and
 * category exist. Throws VALIDATION naming each bad field.
 */
export async function parseFilter(ctx: Ctx, raw: unknown): Promise<OverviewFilter> {
  const input = dropEmpty(raw);
  const r = OverviewQuery.safeParse(input);
  const issues: FieldIssue[] = r.success ? [] : zodIssues(r.error.issues, input);
  const opts = await filterOptions(ctx);
  // Each well-formed value is looked up even when another field is wrong: one answer names all problems.
  const wellFormed = (field: 'district' | 'category') =>
    typeof input[field] === 'string' && !issues.some((i) => i.field === field) ? (input[field] as string) : undefined;
  let districtId: number | null = null;
  let categoryId: number | null = null;
  const district = wellFormed('district');
  if (district) {
    districtId = opts.districts.find((d) => d.code === district)?.id ?? null;
    if (districtId === null) issues.push({ field: 'district', code: 'NOT_IN_LIST' });
  }
  const category = wellFormed('category');
  if (category) {
    categoryId = opts.categories.find((c) => c.id === Number(category))?.id ?? null;
    if (categoryId === null) issues.push({ field: 'category', code: 'CATEGORY_UNKNOWN' });
  }
  if (issues.length || !r.success) throw new AppError('VALIDATION', { issues });
  return { period: r.data.period, district: r.data.district ?? null, districtId, categoryId };
}

/** The overview for a filter: from the cache when computed in the last 5 minutes. */
export function getOverview(ctx: Ctx, f: OverviewFilter): Promise<Overview> {
  const key = `${f.period}|${f.districtId ?? ''}|${f.categoryId ?? ''}`;
  return cached(cachesOf(ctx).overview, key, ctx.now(), () => computeOverview(ctx.db.read, f, ctx.now()));
}

/**
 * Computes every block of the overview: each is one grouped query over the public, visible
 * signals and questions, and the blocks run at the same time (on a server, on separate
 * connections of the pool).
 */
export async function computeOverview(orm: Orm, f: OverviewFilter, now: Date): Promise<Overview> {
  const from = f.period === 'all' ? null : new Date(now.getTime() - Number(f.period) * DAY_MS);
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  // Only what the public may see (cases.audience.ts).
  const visible: SQL[] = [publicCases(), sql`${cases.kind} IN (${list(PUBLIC_KINDS)})`];
  if (f.districtId !== null) visible.push(sql`${cases.districtId} = ${f.districtId}`);
  if (f.categoryId !== null) visible.push(sql`${cases.categoryId} = ${f.categoryId}`);
  const inPeriod = [...visible, sql`${cases.registeredAt} < ${nowTs}`];
  if (from) inPeriod.push(sql`${cases.registeredAt} >= ${from.toISOString()}::timestamptz`);
  const where = sql.join(inPeriod, sql` AND `);

  const openSql = sql`count(*) FILTER (WHERE ${cases.status} IN (${list(OPEN)}))::int`;
  const closedSql = sql`count(*) FILTER (WHERE ${cases.status} IN (${list(CLOSED)}))::int`;
  // Seconds; percentile_cont ignores the nulls of cases without the date.
  const timing = sql`
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${cases.firstAnswerAt} - ${cases.registeredAt})::float8) AS answer_median,
    count(${cases.firstAnswerAt})::int AS answered,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${cases.closedAt} - ${cases.registeredAt})::float8) AS close_median,
    count(${cases.closedAt})::int AS closed_with_date`;
  type TimingRow = { n: unknown; answer_median: unknown; answered: unknown; close_median: unknown; closed_with_date: unknown };
  const toTiming = (r: TimingRow): Timing => ({
    registered: num(r.n),
    answerMedianDays: days(r.answer_median),
    answered: num(r.answered),
    closeMedianDays: days(r.close_median),
    closedWithDate: num(r.closed_with_date),
  });
  type GroupRow = { id: unknown; code: string | null; name_bg: string | null; name_en: string | null; n: unknown; open: unknown; closed: unknown };
  const toGroup = (r: GroupRow): OpenClosedRow => ({
    id: r.id === null ? null : num(r.id),
    code: r.code,
    name: both(r.name_bg, r.name_en),
    registered: num(r.n),
    open: num(r.open),
    closed: num(r.closed),
  });

  // The trend's weeks are Sofia's ISO weeks (Monday 00:00 local time), the current one last.
  const week0 = sql`(date_trunc('week', ${nowTs} AT TIME ZONE 'Europe/Sofia') - interval '${sql.raw(String(TREND_WEEKS - 1))} weeks')`;
  const trendFilter = sql.join(visible, sql` AND `);

  // Legal clocks (issue 12) of the same public documents: those stopped in the period, and those
  // running past their due moment now on open documents; per unit and in all (one grouped query).
  const visibleSql = sql.join(visible, sql` AND `);
  const stoppedInPeriod = sql`k.state = 'stopped' AND k.stopped_at < ${nowTs}${from ? sql` AND k.stopped_at >= ${from.toISOString()}::timestamptz` : sql``}`;
  const overdueNow = sql`k.state = 'running' AND k.due_at < ${nowTs} AND ${cases.closedAt} IS NULL`;
  type ClockStatRow = { all_units: unknown; unit_id: unknown; code: string | null; name_bg: string | null; name_en: string | null; decided: unknown; on_time: unknown; late_median: unknown; overdue: unknown };

  const [totals, byCategory, byDistrict, byStatus, byUnit, weeks, clockStats] = await Promise.all([
    rowsOf<TimingRow & { open: unknown; closed: unknown }>(orm, sql`
      SELECT count(*)::int AS n, ${openSql} AS open, ${closedSql} AS closed, ${timing}
      FROM ${cases} WHERE ${where}`),
    rowsOf<GroupRow>(orm, sql`
      SELECT s.category_id AS id, k.code, k.name_bg, k.name_en, s.n, s.open, s.closed
      FROM (SELECT ${cases.categoryId} AS category_id, count(*)::int AS n, ${openSql} AS open, ${closedSql} AS closed
            FROM ${cases} WHERE ${where} GROUP BY ${cases.categoryId}) s
      LEFT JOIN ${categories} k ON k.id = s.category_id
      ORDER BY s.n DESC, k.sort, k.id`),
    rowsOf<GroupRow>(orm, sql`
      SELECT s.district_id AS id, d.code, d.name_bg, d.name_en, s.n, s.open, s.closed
      FROM (SELECT ${cases.districtId} AS district_id, count(*)::int AS n, ${openSql} AS open, ${closedSql} AS closed
            FROM ${cases} WHERE ${where} GROUP BY ${cases.districtId}) s
      LEFT JOIN ${districts} d ON d.id = s.district_id
      ORDER BY s.n DESC, d.code`),
    rowsOf<{ status: string; n: unknown }>(orm, sql`
      SELECT ${cases.status} AS status, count(*)::int AS n FROM ${cases} WHERE ${where} GROUP BY ${cases.status}`),
    rowsOf<TimingRow & { code: string | null; name_bg: string | null; name_en: string | null }>(orm, sql`
      SELECT u.code, u.name_bg, u.name_en, s.*
      FROM (SELECT ${cases.unitId} AS unit_id, count(*)::int AS n, ${timing}
            FROM ${cases} WHERE ${where} GROUP BY ${cases.unitId}) s
      LEFT JOIN ${units} u ON u.id = s.unit_id
      ORDER BY s.n DESC, u.name_bg`),
    rowsOf<{ week: string; start: string; registered: unknown; closed: unknown }>(orm, sql`
      WITH w AS (
        SELECT generate_series(${week0}, ${week0} + interval '${sql.raw(String(TREND_WEEKS - 1))} weeks', interval '1 week') AS w
      ), reg AS (
        SELECT date_trunc('week', ${cases.registeredAt} AT TIME ZONE 'Europe/Sofia') AS w, count(*)::int AS n
        FROM ${cases}
        WHERE ${trendFilter} AND ${cases.registeredAt} >= (${week0} AT TIME ZONE 'Europe/Sofia') AND ${cases.registeredAt} < ${nowTs}
        GROUP BY 1
      ), clo AS (
        SELECT date_trunc('week', ${cases.closedAt} AT TIME ZONE 'Europe/Sofia') AS w, count(*)::int AS n
        FROM ${cases}
        WHERE ${trendFilter} AND ${cases.closedAt} >= (${week0} AT TIME ZONE 'Europe/Sofia') AND ${cases.closedAt} < ${nowTs}
        GROUP BY 1
      )
      SELECT to_char(w.w, 'IYYY-"W"IW') AS week, to_char(w.w, 'YYYY-MM-DD') AS start,
             coalesce(reg.n, 0) AS registered, coalesce(clo.n, 0) AS closed
      FROM w LEFT JOIN reg ON reg.w = w.w LEFT JOIN clo ON clo.w = w.w
      ORDER BY w.w`),
    rowsOf<ClockStatRow>(orm, sql`
      SELECT s.*, u.code, u.name_bg, u.name_en
      FROM (SELECT GROUPING(${cases.unitId}) AS all_units, ${cases.unitId} AS unit_id,
                   count(*) FILTER (WHERE k.state = 'stopped')::int AS decided,
                   count(*) FILTER (WHERE k.state = 'stopped' AND k.stopped_at <= k.due_at)::int AS on_time,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ((k.stopped_at AT TIME ZONE 'Europe/Sofia')::date - k.due_on)::float8)
                     FILTER (WHERE k.state = 'stopped' AND k.stopped_at > k.due_at) AS late_median,
                   count(*) FILTER (WHERE k.state = 'running')::int AS overdue
            FROM ${caseClocks} k JOIN ${cases} ON ${cases.id} = k.case_id
            WHERE k.legal AND ${visibleSql} AND ((${stoppedInPeriod}) OR (${overdueNow}))
              -- The answer's clock only (the one the submitter is shown): the duty to inform, met at
              -- once by the answer's email, would count every answer twice and as on time.
              AND EXISTS (SELECT 1 FROM deadline_policies dp, jsonb_array_elements(dp.clocks) spec
                          WHERE dp.id = k.policy_id AND spec->>'code' = k.code AND (spec->>'shownToSubmitter')::boolean)
            GROUP BY GROUPING SETS ((${cases.unitId}), ())) s
      LEFT JOIN ${units} u ON u.id = s.unit_id`),
  ]);

  const t = totals[0]!;
  const toStats = (r: ClockStatRow | undefined): DeadlineStats => {
    const decided = num(r?.decided);
    const onTime = num(r?.on_time);
    return {
      decided,
      onTime,
      onTimeShare: decided ? Math.round((onTime / decided) * 1000) / 1000 : null,
      late: decided - onTime,
      lateMedianDays: r?.late_median === null || r?.late_median === undefined ? null : Math.round(Number(r.late_median) * 10) / 10,
      overdueNow: num(r?.overdue),
    };
  };
  const statsTotal = clockStats.find((r) => num(r.all_units) === 1);
  const statsOf = new Map(clockStats.filter((r) => num(r.all_units) === 0).map((r) => [r.unit_id === null ? null : num(r.unit_id), r]));
  const unitRows: UnitRow[] = byUnit.map((r) => {
    const id = (r as { unit_id?: unknown }).unit_id;
    const key = id === null || id === undefined ? null : num(id);
    const stats = statsOf.get(key);
    statsOf.delete(key);
    return { code: r.code, name: both(r.name_bg, r.name_en), ...toTiming(r), ...toStats(stats) };
  });
  // A unit with deadlines in the period but nothing registered in it (an old case answered now, or overdue).
  for (const r of statsOf.values()) {
    unitRows.push({ code: r.code, name: both(r.name_bg, r.name_en), registered: 0, answerMedianDays: null, answered: 0, closeMedianDays: null, closedWithDate: 0, ...toStats(r) });
  }
  const counted = new Map(byStatus.map((r) => [r.status, num(r.n)]));
  const statuses: StatusRow[] = STATUS_CODES.map((code: CaseStatus) => ({
    code,
    name: { bg: STATUSES[code].bg, en: STATUSES[code].en },
    open: STATUSES[code].open,
    registered: counted.get(code) ?? 0,
  }));
  return {
    filter: f,
    from,
    to: now,
    generatedAt: now,
    totals: { ...toTiming(t), open: num(t.open), closed: num(t.closed), ...toStats(statsTotal) },
    categories: byCategory.map(toGroup),
    districts: byDistrict.map(toGroup),
    statuses,
    units: unitRows,
    weeks: weeks.map((r) => ({ week: r.week, start: r.start, registered: num(r.registered), closed: num(r.closed) })),
  };
}
