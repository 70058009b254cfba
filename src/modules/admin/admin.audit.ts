import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../../platform/db/index.js';
import { auditLog } from '../../platform/audit/index.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { dayProblem, hasControlChars } from '../../platform/errors/validation.js';

/** Rows per page of the audit log. */
export const AUDIT_PAGE = 50;
/** The CSV export stops after this many rows; a larger extract is a database job, not a download. */
export const CSV_MAX_ROWS = 100_000;
const CSV_BATCH = 2_000;

/** What the audit log can be narrowed to; dates are Sofia calendar days, both ends included. */
export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** Where a page starts: below `before` (older) or above `after` (newer), by id. */
export interface AuditCursor {
  before?: number;
  after?: number;
}

/**
 * Reads the filter and cursor from a query string, dropping malformed texts and cursors. A day
 * that is given must be a real calendar day in 1900–2100: otherwise VALIDATION names it (year 0
 * reached PostgreSQL, which refuses it: a 500 before).
 */
export function parseAuditQuery(q: Record<string, unknown>): { filter: AuditFilter; cursor: AuditCursor } {
  const str = (k: string, max: number) => {
    const v = q[k];
    // A NUL would reach PostgreSQL (which refuses it); no audit text holds a control character.
    return typeof v === 'string' && v.trim() && v.length <= max && !hasControlChars(v) ? v.trim() : undefined;
  };
  const issues: FieldIssue[] = [];
  const day = (k: string) => {
    const raw = q[k];
    const v = typeof raw === 'string' ? raw.trim() : Array.isArray(raw) ? String(raw.at(-1) ?? '').trim() : '';
    if (!v) return undefined;
    const problem = dayProblem(v);
    if (problem) issues.push({ field: k, ...problem });
    return problem ? undefined : v;
  };
  const num = (k: string) => {
    const v = str(k, 20);
    return v && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  };
  const filter = { entity: str('entity', 100), entityId: str('entityId', 200), actor: str('actor', 254), action: str('action', 100), from: day('from'), to: day('to') };
  if (issues.length) throw new AppError('VALIDATION', { issues });
  return { filter, cursor: { before: num('before'), after: num('after') } };
}

function conditions(f: AuditFilter): SQL[] {
  const c: SQL[] = [];
  if (f.entity) c.push(eq(auditLog.entity, f.entity));
  if (f.entityId) c.push(eq(auditLog.entityId, f.entityId));
  if (f.actor) c.push(sql`lower(${auditLog.actorLabel}) = ${f.actor.toLowerCase()}`);
  if (f.action) c.push(eq(auditLog.action, f.action));
  // Midnight in Sofia, whatever the server's time zone and summer time.
  if (f.from) c.push(sql`${auditLog.at} >= ((${f.from}::date)::timestamp AT TIME ZONE 'Europe/Sofia')`);
  if (f.to) c.push(sql`${auditLog.at} < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Europe/Sofia')`);
  return c;
}

/** One page of the filtered log, newest first, with the cursors of the older and newer pages. */
export async function auditPage(orm: Orm, filter: AuditFilter, cursor: AuditCursor) {
  const c = conditions(filter);
  const newerFirst = cursor.after === undefined;
  if (cursor.after !== undefined) c.push(gt(auditLog.id, cursor.after));
  else if (cursor.before !== undefined) c.push(lt(auditLog.id, cursor.before));
  const rows = await orm
    .select()
    .from(auditLog)
    .where(and(...c))
    .orderBy(newerFirst ? desc(auditLog.id) : asc(auditLog.id))
    .limit(AUDIT_PAGE + 1);
  const more = rows.length > AUDIT_PAGE;
  const page = rows.slice(0, AUDIT_PAGE);
  if (!newerFirst) page.reverse();
  const first = page[0]?.id;
  const last = page.at(-1)?.id;
  // Walking older, "more" means an older page; walking newer, it means a newer one.
  const older = newerFirst ? (more ? last : undefined) : last !== undefined ? last : cursor.after;
  const newer = newerFirst ? (cursor.before !== undefined && first !== undefined ? first : undefined) : more ? first : undefined;
  return { rows: page, older: older ?? null, newer: newer ?? null };
}

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A cell starting with = + - @ is a formula to a spreadsheet: an actor's text must not run as one.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The filtered log as CSV lines (UTF-8 with BOM, so spreadsheets read Cyrillic), newest first,
 * read in keyset batches so memory stays flat; stops after CSV_MAX_ROWS rows.
 */
export async function* auditCsv(orm: Orm, filter: AuditFilter): AsyncGenerator<string> {
  yield '\uFEFF' + ['id', 'at', 'actor_id', 'actor', 'ip', 'action', 'entity', 'entity_id', 'before', 'after'].join(',') + '\r\n';
  let before: number | undefined;
  let sent = 0;
  while (sent < CSV_MAX_ROWS) {
    const c = conditions(filter);
    if (before !== undefined) c.push(lt(auditLog.id, before));
    const rows = await orm
      .select()
      .from(auditLog)
      .where(and(...c))
      .orderBy(desc(auditLog.id))
      .limit(Math.min(CSV_BATCH, CSV_MAX_ROWS - sent));
    if (!rows.length) return;
    yield rows.map((r) => [r.id, r.at, r.actorId, r.actorLabel, r.ip, r.action, r.entity, r.entityId, r.before, r.after].map(csvCell).join(',') + '\r\n').join('');
    sent += rows.length;
    before = rows.at(-1)!.id;
    if (rows.length < CSV_BATCH) return;
  }
}
