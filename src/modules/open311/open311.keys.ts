import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/auth.tables.js';
import type { Ctx } from '../../platform/context.js';
import type { Database, Orm, Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { parseOrThrow } from '../../platform/errors/validation.js';
import { apiKeys } from './open311.tables.js';

/** The demo deployment's key, printed at start-up; never seeded outside demo mode. */
export const DEMO_API_KEY = 'demo-open311-key-sofia';
const DEMO_KEY_NAME = 'Демо клиент';
const PREFIX_LENGTH = 8;

/** SHA-256 of a key, as stored. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A key as the administrators' list shows it: never the key itself. */
export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Every key, newest first, with who created it. */
export async function listKeys(orm: Orm): Promise<ApiKeyRow[]> {
  return orm
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      createdBy: users.username,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

const KeyName = z.object({ name: z.string().trim().min(1).max(100) });

/** Creates a key for a client application; the answer is the only time the key is seen. */
export async function createKey(ctx: Ctx, actor: Actor, rawName: unknown): Promise<{ id: number; key: string; name: string }> {
  const { name } = parseOrThrow(KeyName, { name: rawName });
  // 32 random bytes: guessing one is out of reach, so a plain hash (no salt, no stretching) suffices.
  const key = randomBytes(32).toString('base64url');
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name, keyHash: hashKey(key), prefix: key.slice(0, PREFIX_LENGTH), createdBy: actor.id, createdAt: ctx.now() })
      .returning({ id: apiKeys.id, prefix: apiKeys.prefix });
    await audit(tx, actor, { action: 'api_key.create', entity: 'api_key', entityId: row!.id, after: { name, prefix: row!.prefix } });
    return { id: row!.id, key, name };
  });
}

async function lockKey(tx: Tx, id: number) {
  const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/** Gives a key another name (the client application was renamed). */
export async function renameKey(ctx: Ctx, actor: Actor, id: number, rawName: unknown): Promise<void> {
  const { name } = parseOrThrow(KeyName, { name: rawName });
  await ctx.db.orm.transaction(async (tx) => {
    const row = await lockKey(tx, id);
    if (row.name === name) return;
    await tx.update(apiKeys).set({ name }).where(eq(apiKeys.id, id));
    await audit(tx, actor, { action: 'api_key.rename', entity: 'api_key', entityId: id, before: { name: row.name }, after: { name } });
  });
}

/** Revokes a key: from now on its client gets 403. Revoking twice changes nothing. */
export async function revokeKey(ctx: Ctx, actor: Actor, id: number): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const row = await lockKey(tx, id);
    if (row.revokedAt) return;
    const at = ctx.now();
    await tx.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id));
    await audit(tx, actor, { action: 'api_key.revoke', entity: 'api_key', entityId: id, before: { name: row.name, revokedAt: null }, after: { name: row.name, revokedAt: at.toISOString() } });
  });
}

/** The id of a valid, unrevoked key, noting its use; a missing, unknown or revoked key is FORBIDDEN. */
export async function useApiKey(orm: Orm, key: string | undefined, now: Date): Promise<number> {
  if (!key || key.length > 200) throw new AppError('FORBIDDEN', { field: 'api_key' });
  const [row] = await orm
    .select({ id: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw new AppError('FORBIDDEN', { field: 'api_key' });
  // "Last used" is for administrators deciding what to revoke: a minute's precision is enough, and
  // writing the one key row on every submission would serialise a client's bursts on its row lock.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > USE_NOTE_MS) {
    await orm.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return row.id;
}

const USE_NOTE_MS = 60_000;

/**
 * Demo mode: creates the demo client's key once (an administrator may later revoke it; it is
 * then not brought back) and answers the key, for start-up to print.
 */
export async function seedDemoApiKey(db: Database): Promise<string> {
  await db.orm
    .insert(apiKeys)
    .values({ name: DEMO_KEY_NAME, keyHash: hashKey(DEMO_API_KEY), prefix: DEMO_API_KEY.slice(0, PREFIX_LENGTH) })
    .onConflictDoNothing({ target: apiKeys.keyHash });
  return DEMO_API_KEY;
}
