import { sql, type SQL } from 'drizzle-orm';
import type { Orm, Tx } from './index.js';

/**
 * The database clock. Times that order documents — registration moments, history entries, when a
 * case changed or closed — come from it, never from an app process's clock, so they agree across
 * instances whose clocks differ (issue 11). `clock_timestamp()`, not `now()`: inside a transaction
 * that waited for a lock, the moment is after the wait. A deployment never sets
 * `sofia.clock_offset`; tests shift the database's clock with it (to cross a new year).
 */
export const DB_NOW: SQL = sql`(clock_timestamp() + coalesce(nullif(current_setting('sofia.clock_offset', true), '')::interval, interval '0'))`;

/** Reads the database clock (inside a transaction: the moment of this call, after any lock it waited for). */
export async function databaseNow(db: Orm | Tx): Promise<Date> {
  const res = (await db.execute(sql`SELECT ${DB_NOW} AS now`)) as unknown as { rows?: { now: string | Date }[] } | { now: string | Date }[];
  const rows = Array.isArray(res) ? res : res.rows!;
  return new Date(rows[0]!.now);
}
