import { isIPv6 } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Orm } from '../db/index.js';
import { AppError, type ErrorCode } from '../errors/index.js';
import { rateLimits } from './ratelimit.tables.js';

export { rateLimits };

/** A limit: at most `max` attempts per `windowSeconds`. */
export interface Limit {
  name: string;
  max: number;
  windowSeconds: number;
}

/** Counts one attempt under `key` and throws RATE_LIMITED once the window's limit is passed. */
export async function hitLimit(orm: Orm, limit: Limit, subject: string, now: Date): Promise<void> {
  const key = `${limit.name}:${subject}`;
  const start = new Date(now.getTime() - limit.windowSeconds * 1000);
  const rows = await orm.execute<{ hits: number }>(sql`
    INSERT INTO rate_limits (key, window_start, hits) VALUES (${key}, ${now.toISOString()}::timestamptz, 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN rate_limits.window_start < ${start.toISOString()}::timestamptz THEN 1 ELSE rate_limits.hits + 1 END,
      window_start = CASE WHEN rate_limits.window_start < ${start.toISOString()}::timestamptz THEN EXCLUDED.window_start ELSE rate_limits.window_start END
    RETURNING hits`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { hits: number }[] }).rows) as { hits: number }[];
  if (Number(list[0]?.hits ?? 0) > limit.max) throw new AppError('RATE_LIMITED');
}

/** One counter a request passes: its limit, whom it counts, and the error that says it is used up. */
export interface LimitHit {
  limit: Limit;
  subject: string;
  /** The answer once the limit is passed (default RATE_LIMITED), and the field it names, if any. */
  code?: ErrorCode;
  field?: string;
}

/** A limit that was passed: the error to show, and how many seconds remain until its window ends. */
export class LimitError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(code: ErrorCode, retryAfterSeconds: number, field?: string) {
    super(code, { field });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Counts one attempt under each of several limits in one statement (one round trip, whatever
 * their number) and throws the first passed one's error, in the order given. Rows are upserted in
 * key order, so concurrent callers sharing some keys lock them in the same order and cannot deadlock.
 * Attempts over the limit count too: a client that keeps trying does not get through any sooner.
 */
export async function hitLimits(orm: Orm, hits: LimitHit[], now: Date): Promise<void> {
  if (!hits.length) return;
  const keyOf = (h: LimitHit) => `${h.limit.name}:${h.subject}`;
  const rows = [...new Map(hits.map((h) => [keyOf(h), h.limit.windowSeconds])).entries()];
  const values = sql.join(
    rows.map(([key, win]) => sql`(${key}::text, ${win}::int)`),
    sql`, `,
  );
  const at = now.toISOString();
  // The window of the row being updated: EXCLUDED carries only the table's columns, so it is looked up by key.
  const ended = sql`r.window_start <= EXCLUDED.window_start - make_interval(secs => (SELECT v.win FROM v WHERE v.key = EXCLUDED.key))`;
  const result = await orm.execute<{ key: string; hits: number; window_start: string | Date }>(sql`
    WITH v(key, win) AS (VALUES ${values})
    INSERT INTO rate_limits AS r (key, window_start, hits)
    SELECT v.key, ${at}::timestamptz, 1 FROM v ORDER BY v.key
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN ${ended} THEN 1 ELSE r.hits + 1 END,
      window_start = CASE WHEN ${ended} THEN EXCLUDED.window_start ELSE r.window_start END
    RETURNING r.key, r.hits, r.window_start`);
  const list = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { key: string; hits: number; window_start: string | Date }[];
  const byKey = new Map(list.map((r) => [r.key, r]));
  for (const h of hits) {
    const r = byKey.get(keyOf(h));
    if (!r || Number(r.hits) <= h.limit.max) continue;
    const ends = new Date(r.window_start).getTime() + h.limit.windowSeconds * 1000;
    throw new LimitError(h.code ?? 'RATE_LIMITED', Math.max(1, Math.ceil((ends - now.getTime()) / 1000)), h.field);
  }
}

/** Sets Retry-After on an answer when the error is a passed limit; rethrows the error for the presenter. */
export function retryAfter(reply: { header(name: string, value: string): unknown }): (err: unknown) => never {
  return (err) => {
    if (err instanceof LimitError) reply.header('Retry-After', String(err.retryAfterSeconds));
    throw err;
  };
}

/**
 * Whom a per-address limit counts: an IPv4 address itself, an IPv6 address by its /64 network
 * (one household or phone is usually given a whole /64, and could otherwise take a new address per request).
 */
export function addressSubject(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Deletes windows that ended long ago; run by a periodic job. */
export async function pruneLimits(orm: Orm, now: Date): Promise<void> {
  await orm.execute(sql`DELETE FROM rate_limits WHERE window_start < ${new Date(now.getTime() - 2 * 86400_000).toISOString()}::timestamptz`);
}

/**
 * True for the first call with `key` in a window of `windowSeconds`, false for every other one
 * in that window (one atomic upsert, so of N concurrent callers exactly one gets true). For
 * "at most once": single-use form stamps, one lock notice per account a day, one "someone tried
 * your address" email a day. Rows are pruned with the other windows.
 */
export async function firstInWindow(orm: Orm, key: string, now: Date, windowSeconds: number): Promise<boolean> {
  const start = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  const result = await orm.execute<{ key: string }>(sql`
    INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${key}, ${now.toISOString()}::timestamptz, 1)
    ON CONFLICT (key) DO UPDATE SET window_start = EXCLUDED.window_start, hits = 1
      WHERE r.window_start <= ${start}::timestamptz
    RETURNING r.key`);
  const list = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as unknown[];
  return list.length > 0;
}
