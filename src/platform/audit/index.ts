import type { Tx } from '../db/index.js';
import { auditLog } from './audit.tables.js';

export { auditLog };

/** Who acts: a staff member or a citizen, with the label the log keeps. */
export interface Actor {
  id: string | null;
  label: string;
  ip?: string | null;
}

/** Writes one audit record in the caller's transaction (NF-4): it exists if and only if the change does. */
export async function audit(
  tx: Tx,
  actor: Actor,
  entry: { action: string; entity: string; entityId: string | number; before?: unknown; after?: unknown },
): Promise<void> {
  await tx.insert(auditLog).values({
    actorId: actor.id,
    actorLabel: actor.label,
    action: entry.action,
    entity: entry.entity,
    entityId: String(entry.entityId),
    before: entry.before === undefined ? null : (entry.before as object),
    after: entry.after === undefined ? null : (entry.after as object),
    ip: actor.ip ?? null,
  });
}
