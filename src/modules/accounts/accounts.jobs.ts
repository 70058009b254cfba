import { lt } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.js';
import { reservedIdentities, sessions, verifications } from '../../platform/auth/index.js';
import { pruneLimits } from '../../platform/ratelimit/index.js';
import { pruneJobRuns } from '../../platform/jobs/index.js';

/** The clean-up queue; pg-boss's schedule (CLEANUP_CRON, hourly by default) runs it once per tick for all instances together. */
export const ACCOUNTS_CLEANUP = 'accounts-cleanup';

/**
 * Removes what has no use any more: ended sessions, expired single-use links, old rate-limit
 * windows, reservations of closed accounts' identities whose period is over (AC-6), and old
 * records of scheduled runs.
 */
export function accountsCleanup(db: Database, now: () => Date) {
  return async function cleanup(): Promise<void> {
    const t = now();
    await db.orm.delete(sessions).where(lt(sessions.expiresAt, t));
    await db.orm.delete(verifications).where(lt(verifications.expiresAt, t));
    await db.orm.delete(reservedIdentities).where(lt(reservedIdentities.releaseAt, t));
    await pruneLimits(db.orm, t);
    await pruneJobRuns(db.orm);
  };
}
