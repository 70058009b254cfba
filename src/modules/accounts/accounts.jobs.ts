import { lt } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.js';
import { reservedIdentities, sessions, verifications } from '../../platform/auth/index.js';
import { pruneLimits } from '../../platform/ratelimit/index.js';

/** The hourly clean-up queue; pg-boss's schedule runs it once per hour for all instances together. */
export const ACCOUNTS_CLEANUP = 'accounts-cleanup';
export const ACCOUNTS_CLEANUP_CRON = '17 * * * *';

/**
 * Removes what has no use any more: ended sessions, expired single-use links, old rate-limit
 * windows, and reservations of closed accounts' identities whose period is over (AC-6).
 */
export function accountsCleanup(db: Database, now: () => Date) {
  return async function cleanup(): Promise<void> {
    const t = now();
    await db.orm.delete(sessions).where(lt(sessions.expiresAt, t));
    await db.orm.delete(verifications).where(lt(verifications.expiresAt, t));
    await db.orm.delete(reservedIdentities).where(lt(reservedIdentities.releaseAt, t));
    await pruneLimits(db.orm, t);
  };
}
