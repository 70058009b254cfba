import { sql } from 'drizzle-orm';
import type { Orm } from '../db/index.js';
import { AppError } from '../errors/index.js';
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

/** Deletes windows that ended long ago; run by a periodic job. */
export async function pruneLimits(orm: Orm, now: Date): Promise<void> {
  await orm.execute(sql`DELETE FROM rate_limits WHERE window_start < ${new Date(now.getTime() - 2 * 86400_000).toISOString()}::timestamptz`);
}
