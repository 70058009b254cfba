import { lt } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Database } from '../../platform/db/index.js';
import { reservedIdentities, sessions, verifications } from '../../platform/auth/index.js';
import { eraseOldMailBodies } from '../../platform/mail/index.js';
import { pruneLimits } from '../../platform/ratelimit/index.js';
import { pruneJobRuns } from '../../platform/jobs/index.js';
import { ACCOUNTS_RECOVERY, runRecovery } from './accounts.service.js';

/** The clean-up queue; pg-boss's schedule (CLEANUP_CRON, hourly by default) runs it once per tick for all instances together. */
export const ACCOUNTS_CLEANUP = 'accounts-cleanup';

export { ACCOUNTS_RECOVERY };

/**
 * Removes what has no use any more: ended sessions, expired single-use links, old rate-limit
 * windows (and used form stamps), reservations of closed accounts' identities whose period is
 * over (AC-6), old records of scheduled runs, and the bodies of emails delivered 30 days ago
 * (issue 11: the outbox is not an archive of names, private links and tokens).
 */
export function accountsCleanup(db: Database, now: () => Date) {
  return async function cleanup(): Promise<void> {
    const t = now();
    await db.orm.delete(sessions).where(lt(sessions.expiresAt, t));
    await db.orm.delete(verifications).where(lt(verifications.expiresAt, t));
    await db.orm.delete(reservedIdentities).where(lt(reservedIdentities.releaseAt, t));
    await pruneLimits(db.orm, t);
    await pruneJobRuns(db.orm);
    await eraseOldMailBodies(db.orm, t);
  };
}

/** The worker of ACCOUNTS_RECOVERY. */
export function accountsRecovery(ctx: Ctx) {
  return async function recover({ id }: { id: string }): Promise<void> {
    await runRecovery(ctx, id);
  };
}
