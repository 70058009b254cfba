import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/auth.tables.js';
import type { Ctx } from '../../platform/context.js';
import type { Database, Orm, Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { parseOrThrow } from '../../platform/errors/validation.js';
import type { LimitHit } from '../../platform/ratelimit/index.js';
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
  hourlyQuota: number;
  /** Submissions counted against the quota in the current hourly window. */
  usedThisHour: number;
}

/** Every key, newest first, with who created it and how much of its quota the current hour used. */
export async function listKeys(orm: Orm, now: Date): Promise<ApiKeyRow[]> {
  const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
  return orm
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      createdBy: users.username,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      hourlyQuota: apiKeys.hourlyQuota,
      usedThisHour: sql<number>`coalesce((SELECT r.hits FROM rate_limits r WHERE r.key = ${QUOTA_LIMIT + ':'} || ${apiKeys.id}::text AND r.window_start > ${hourAgo}::timestamptz), 0)::int`.mapWith(Number),
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

/** The name of the keys' quota counters in rate_limits. */
const QUOTA_LIMIT = 'o311-key';

/** The largest hourly quota an administrator may set: far above any client's need, still a ceiling. */
export const MAX_KEY_QUOTA = 100_000;

/**
 * Sets how many submissions a key may make per hour (issue 11); 0 stops its submissions without
 * revoking it (reading needs no key anyway). Audited with the quota before and after.
 */
export async function setKeyQuota(ctx: Ctx, actor: Actor, id: number, rawQuota: unknown): Promise<void> {
  // People write thousands with spaces ("1 000"); anything but a whole number in range is refused by name.
  const raw = String(rawQuota ?? '').replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_KEY_QUOTA) throw new AppError('VALIDATION', { issues: [{ field: 'quota', code: 'QUOTA_INVALID' }] });
  const quota = Number(raw);
  await ctx.db.orm.transaction(async (tx) => {
    const row = await lockKey(tx, id);
    if (row.hourlyQuota === quota) return;
    await tx.update(apiKeys).set({ hourlyQuota: quota }).where(eq(apiKeys.id, id));
    await audit(tx, actor, { action: 'api_key.quota', entity: 'api_key', entityId: id, before: { name: row.name, hourlyQuota: row.hourlyQuota }, after: { name: row.name, hourlyQuota: quota } });
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

/**
 * The id of a valid, unrevoked key, noting its use, and the counter of its hourly quota for the
 * submission to pass; a missing, unknown or revoked key is FORBIDDEN, a key with quota 0 API_KEY_BLOCKED.
 */
export async function useApiKey(orm: Orm, key: string | undefined, now: Date): Promise<{ id: number; quota: LimitHit }> {
  if (!key || key.length > 200) throw new AppError('FORBIDDEN', { field: 'api_key' });
  const [row] = await orm
    .select({ id: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt, hourlyQuota: apiKeys.hourlyQuota })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw new AppError('FORBIDDEN', { field: 'api_key' });
  if (row.hourlyQuota <= 0) throw new AppError('API_KEY_BLOCKED', { field: 'api_key' });
  // "Last used" is for administrators deciding what to revoke: a minute's precision is enough, and
  // writing the one key row on every submission would serialise a client's bursts on its row lock.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > USE_NOTE_MS) {
    await orm.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  const quota: LimitHit = { limit: { name: QUOTA_LIMIT, max: row.hourlyQuota, windowSeconds: 3600 }, subject: String(row.id), code: 'API_KEY_QUOTA', field: 'api_key' };
  return { id: row.id, quota };
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
