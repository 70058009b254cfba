import { createHash, createHmac, randomBytes } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { and, eq, gt, ne, or, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm, Tx } from '../../platform/db/index.js';
import { authAccounts, reservedIdentities, sessions, users, verifications, type SessionUser } from '../../platform/auth/index.js';
import { AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { eraseMailTo, queueMail } from '../../platform/mail/index.js';
import { addressSubject, firstInWindow, hitLimit, type Limit } from '../../platform/ratelimit/index.js';
import { anonymiseAuthorCases, deleteSubscriptionsOf } from '../cases/index.js';
import { addressInUseMail, emailChangedMail, emailChangeMail, emailRestoredMail, lockedMail, usernameMail, verifyMail, resetMail } from './accounts.mail.js';
import type { ProfileInput, RegisterInput } from './accounts.schemas.js';

/** Per-address limits (AC-2): generous for people behind one city NAT, tight for scripts. */
export const LIMITS = {
  register: { name: 'register', max: 10, windowSeconds: 3600 },
  login: { name: 'login', max: 30, windowSeconds: 900 },
  recover: { name: 'recover', max: 10, windowSeconds: 3600 },
  /** Recovery emails to one account, whoever asks. */
  recoveryMail: { name: 'recovery-mail', max: 5, windowSeconds: 3600 },
  /** Re-entering the password to change the email or close the account, per account: a stolen session must not become a way to guess it. */
  reauth: { name: 'reauth', max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, Limit>;

/** After this many attempts in a row for one login name from one address, each further one must wait (1, 2, 4 … 60 s). */
const SLOW_AFTER = 5;
/** After this many, that name is locked for LOCK_MINUTES from that address (not from others), and the owner is told. */
const LOCK_AFTER = 10;
const LOCK_MINUTES = 15;
/** The owner is told about locks at most once in this many hours, however often guessing relocks. */
const LOCK_NOTICE_HOURS = 24;
/** "Someone tried to register with / switch to your address" at most once in this many hours per address. */
const ADDRESS_NOTICE_HOURS = 24;

const EMAIL_CHANGE_HOURS = 24;
/** The old address's link that undoes an email change (issue 11): valid this long, once. */
const EMAIL_UNDO_DAYS = 7;

// 49,000 leaked passwords of the zxcvbn-ts common list; those under 10 characters are refused anyway.
const COMMON = new Set(dictionary['passwords-common'].filter((p) => p.length >= 6).map((p) => p.toLowerCase()));

/**
 * The password rules (AC-2): length, not a common password (also with digits or symbols
 * appended, the usual way people "strengthen" one), not built from the username or email.
 */
export function passwordIssues(pw: string, field: string, who: { username?: string; email?: string } = {}): FieldIssue[] {
  if (pw.length < 10) return [{ field, code: 'PASSWORD_TOO_SHORT' }];
  if (pw.length > 200) return [{ field, code: 'PASSWORD_TOO_LONG' }];
  const lower = pw.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || (stem.length >= 4 && COMMON.has(stem)) || /^(.)\1+$/u.test(pw) || '01234567890123456789'.includes(lower) || 'abcdefghijklmnopqrstuvwxyz'.includes(lower)) {
    return [{ field, code: 'PASSWORD_COMMON' }];
  }
  const name = who.username?.toLowerCase();
  const local = who.email?.toLowerCase().split('@')[0];
  if ((name && name.length >= 3 && lower.includes(name)) || (local && local.length >= 3 && lower.includes(local))) {
    return [{ field, code: 'PASSWORD_PERSONAL' }];
  }
  return [];
}

function identityHash(kind: 'username' | 'email', value: string): string {
  return createHash('sha256').update(`${kind}:${value.trim().toLowerCase()}`).digest('hex');
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A keyed hash of a login name or email for rate-limit keys: the table never holds an address in clear. */
function nameKey(secret: string, name: string): string {
  return createHmac('sha256', secret).update(`login:${name.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

/** Rows whose identifier starts with `prefix` (exactly: LIKE would read `_` in ids as a wildcard). */
function identifierStarts(prefix: string) {
  return sql`left(${verifications.identifier}, ${prefix.length}) = ${prefix}`;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

type AuthError = { status?: string | number; statusCode?: number; body?: { code?: string } };

function authCode(err: unknown): string | undefined {
  return (err as AuthError)?.body?.code;
}

/**
 * Whether an email may not become an account's: another account has it ('account'), or it is
 * reserved ('reserved': a closed account's, or the old address of a recent email change, whose
 * owner may still undo it). The account's own reservation (its own undo link is alive) does not count.
 */
async function emailInUse(db: Orm | Tx, email: string, now: Date, userId?: string): Promise<'account' | 'reserved' | null> {
  const [other] = await db
    .select({ id: users.id })
    .from(users)
    .where(userId ? and(eq(users.email, email), ne(users.id, userId)) : eq(users.email, email));
  if (other) return 'account';
  const [reserved] = await db
    .select({ hash: reservedIdentities.hash })
    .from(reservedIdentities)
    .where(and(eq(reservedIdentities.hash, identityHash('email', email)), gt(reservedIdentities.releaseAt, now)));
  if (!reserved) return null;
  if (userId) {
    const undo = await db.select({ value: verifications.value }).from(verifications).where(identifierStarts(`email-undo:${userId}:`));
    if (undo.some((v) => (JSON.parse(v.value) as { oldEmail?: string }).oldEmail === email)) return null;
  }
  return 'reserved';
}

/**
 * The page says the same as for a free address; the mailbox's owner is told instead (no account
 * enumeration, issue 11), at most once a day per address so that nobody can use us to flood it.
 */
async function tellAddressInUse(ctx: Ctx, email: string, reason: 'register' | 'change', lang: Lang): Promise<void> {
  const orm = ctx.db.orm;
  if (!(await firstInWindow(orm, `address-in-use:${nameKey(ctx.secret, email)}`, ctx.now(), ADDRESS_NOTICE_HOURS * 3600))) return;
  const [owner] = await orm.select({ locale: users.locale }).from(users).where(eq(users.email, email));
  const mail = addressInUseMail({ to: email, lang: owner ? (owner.locale as Lang) : lang, reason, reserved: !owner, baseUrl: ctx.config.publicBaseUrl });
  await orm.transaction((tx) => queueMail(tx, ctx.jobs, mail));
}

/**
 * Registers a citizen (AC-2); the account is usable once the emailed link is opened. An email
 * that already has an account (or is reserved) gets the same answer as a new one — "check your
 * email" — and its owner an email saying someone tried (issue 11: the page must not tell whether
 * an address has an account). The password is hashed on that path too, so that the answer takes
 * as long. A taken username is still said: the person has to choose another.
 */
export async function register(ctx: Ctx, input: RegisterInput): Promise<{ email: string }> {
  const orm = ctx.db.orm;
  const issues: FieldIssue[] = [];
  if (!input.acceptTerms) issues.push({ field: 'acceptTerms', code: 'TERMS_REQUIRED' });
  issues.push(...passwordIssues(input.password, 'password', { username: input.username, email: input.email }));
  if (input.password2 !== undefined && input.password2 !== input.password) issues.push({ field: 'password2', code: 'PASSWORD_MISMATCH' });
  const now = ctx.now();
  const email = input.email.trim().toLowerCase();
  const [nameTaken] = await orm.select({ id: users.id }).from(users).where(eq(users.username, input.username.toLowerCase()));
  const [nameReserved] = await orm
    .select({ hash: reservedIdentities.hash })
    .from(reservedIdentities)
    .where(and(eq(reservedIdentities.hash, identityHash('username', input.username)), gt(reservedIdentities.releaseAt, now)));
  if (nameTaken || nameReserved) issues.push({ field: 'username', code: 'USERNAME_TAKEN' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  const inUse = await emailInUse(orm, email, now);
  if (inUse) {
    await (await ctx.auth.$context).password.hash(input.password);
    await tellAddressInUse(ctx, email, 'register', input.locale);
    return { email };
  }
  try {
    await ctx.auth.api.signUpEmail({
      body: {
        email,
        password: input.password,
        name: `${input.firstName} ${input.lastName}`,
        username: input.username,
        firstName: input.firstName,
        lastName: input.lastName,
        phone: input.phone,
        address: input.address ?? undefined,
        locale: input.locale,
        termsVersion: ctx.config.termsVersion,
        termsAcceptedAt: now,
      },
    });
  } catch (err) {
    const code = authCode(err);
    // Two people racing for one name: the unique index decides, the loser gets the same message.
    if (code === 'USERNAME_IS_ALREADY_TAKEN' || code === 'USERNAME_IS_ALREADY_TAKEN_PLEASE_TRY_ANOTHER') throw new AppError('USERNAME_TAKEN', { field: 'username' });
    // The same race for an address: answered like any address that has an account.
    if (code === 'USER_ALREADY_EXISTS' || code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL') {
      await tellAddressInUse(ctx, email, 'register', input.locale);
      return { email };
    }
    if (code === 'INVALID_USERNAME' || code === 'USERNAME_TOO_SHORT' || code === 'USERNAME_TOO_LONG') throw new AppError('USERNAME_INVALID', { field: 'username' });
    throw err;
  }
  return { email };
}

/** Opens an email-verification link: 'verified' the first time, 'already' when it was used before. */
export async function verifyEmail(ctx: Ctx, token: string): Promise<'verified' | 'already'> {
  const email = jwtEmail(token);
  if (!email) throw new AppError('LINK_INVALID');
  const [u] = await ctx.db.orm.select({ verified: users.emailVerified }).from(users).where(eq(users.email, email));
  if (!u) throw new AppError('LINK_INVALID');
  if (u.verified) return 'already';
  try {
    await ctx.auth.api.verifyEmail({ query: { token } });
  } catch {
    throw new AppError('LINK_INVALID');
  }
  return 'verified';
}

function jwtEmail(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 2000) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { email?: unknown };
    return typeof payload.email === 'string' ? payload.email.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The rate_limits key that counts login attempts for one name from one address (a keyed hash: no address in clear). */
export function loginCounterKey(secret: string, name: string, ip: string): string {
  return `login-fail:${nameKey(secret, name)}:${addressSubject(ip)}`;
}

/** One login attempt as counted for its (name, address) pair. */
interface Attempt {
  /**
   * This attempt's number in the row (it is counted before the password is checked). Above
   * LOCK_AFTER the pair was locked when it came: a lock that ended restarts the count at 1.
   */
  n: number;
  /** When the previous attempt was counted (null for the first). */
  prevAt: Date | null;
}

/**
 * Counts a login attempt for a (name, address) pair in one statement: the row is locked, the
 * count goes up by one and the time of the attempt is kept, except while the pair is locked (the
 * lock keeps its start, so it ends LOCK_MINUTES after it began). A lock that ended starts a new
 * count. The attempt is counted before the password is checked, so that parallel guesses each
 * get their own number: the sixth waits, the tenth locks, whatever their timing — none is lost
 * and none slips past the slow-down.
 */
async function countAttempt(orm: Orm, key: string, now: Date): Promise<Attempt> {
  const at = now.toISOString();
  const lockStart = new Date(now.getTime() - LOCK_MINUTES * 60_000).toISOString();
  const locked = sql`r.hits >= ${LOCK_AFTER} AND r.window_start > ${lockStart}::timestamptz`;
  const rows = rowsOf<{ hits: number; prev_at: string | Date | null }>(
    await orm.execute(sql`
      WITH prev AS MATERIALIZED (SELECT hits, window_start FROM rate_limits WHERE key = ${key} FOR UPDATE),
      up AS (
        -- Reading prev as the INSERT's source makes it run (and lock the row) first; read after
        -- the update, FOR UPDATE would skip the row this very statement changed.
        INSERT INTO rate_limits AS r (key, window_start, hits)
        SELECT ${key}, ${at}::timestamptz, 1 FROM (SELECT 1) AS one LEFT JOIN prev ON true
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN r.hits >= ${LOCK_AFTER} AND NOT (${locked}) THEN 1 ELSE r.hits + 1 END,
          window_start = CASE WHEN ${locked} THEN r.window_start ELSE EXCLUDED.window_start END
        RETURNING r.hits)
      SELECT up.hits, prev.window_start AS prev_at FROM up LEFT JOIN prev ON true`),
  );
  const r = rows[0]!;
  const n = Number(r.hits);
  // A row another attempt created after this statement's snapshot: that attempt was just now.
  return { n, prevAt: r.prev_at ? new Date(r.prev_at) : n > 1 ? now : null };
}

/** Clears the counters of an account's names: from one address after a login there, from all after a new password. */
async function clearLoginCounters(ctx: Ctx, names: (string | null | undefined)[], ip?: string): Promise<void> {
  const list = [...new Set(names.filter((n): n is string => !!n).map((n) => nameKey(ctx.secret, n)))];
  if (!list.length) return;
  if (ip) {
    const keys = list.map((h) => `login-fail:${h}:${addressSubject(ip)}`); // as loginCounterKey
    await ctx.db.orm.execute(sql`DELETE FROM rate_limits WHERE key IN (${sql.join(keys.map((k) => sql`${k}`), sql`, `)})`);
    return;
  }
  for (const h of list) {
    const prefix = `login-fail:${h}:`;
    await ctx.db.orm.execute(sql`DELETE FROM rate_limits WHERE left(key, ${prefix.length}) = ${prefix}`);
  }
}

/**
 * Logs in with a username or an email and a password (AC-4). Attempts in a row for one name from
 * one address first make the next one wait, then lock that name from that address for 15 minutes
 * (issue 11: a lock per address-and-account pair, so that nobody can lock the owner out from
 * everywhere; the owner can always log in from another address, and a new password lifts every
 * lock). The counters are keyed on the name typed, not on an account, so an unknown name gets the
 * same waits, lock and messages as a known one. The owner is told of a lock at most once a day.
 * Per-address limits stop guessing across many names. Answers the cookies to set.
 */
export async function login(ctx: Ctx, loginName: string, password: string, ip: string, headers: Headers): Promise<{ cookies: string[]; userId: string }> {
  const orm = ctx.db.orm;
  const now = ctx.now();
  await hitLimit(orm, LIMITS.login, addressSubject(ip), now);
  const name = loginName.trim().toLowerCase();
  const byEmail = name.includes('@');
  const [u] = await orm
    .select()
    .from(users)
    .where(byEmail ? eq(users.email, name) : eq(users.username, name));
  const a = await countAttempt(orm, loginCounterKey(ctx.secret, name, ip), now);
  if (a.n > LOCK_AFTER) throw new AppError('ACCOUNT_LOCKED');
  const lock = async () => {
    if (u && !u.closedAt && (await firstInWindow(orm, `login-lock-notice:${u.id}`, now, LOCK_NOTICE_HOURS * 3600))) {
      const mail = lockedMail({ to: u.email, lang: u.locale as Lang, username: u.displayUsername ?? u.username ?? '', minutes: LOCK_MINUTES, resetUrl: `${ctx.config.publicBaseUrl}/forgot-password`, quietHours: LOCK_NOTICE_HOURS });
      await orm.transaction((tx) => queueMail(tx, ctx.jobs, mail));
    }
    return new AppError('ACCOUNT_LOCKED');
  };
  if (a.n > SLOW_AFTER && a.prevAt) {
    const waitMs = Math.min(60, 2 ** (a.n - SLOW_AFTER - 1)) * 1000;
    if (now.getTime() - a.prevAt.getTime() < waitMs) {
      if (a.n >= LOCK_AFTER) throw await lock();
      throw new AppError('LOGIN_WAIT');
    }
  }
  try {
    const res = byEmail
      ? await ctx.auth.api.signInEmail({ body: { email: name, password, rememberMe: true }, headers, returnHeaders: true })
      : await ctx.auth.api.signInUsername({ body: { username: name, password, rememberMe: true }, headers, returnHeaders: true });
    const userId = (res.response as { user?: { id: string } } | null)?.user?.id ?? u?.id ?? '';
    await clearLoginCounters(ctx, [name, u?.username, u?.email], ip);
    return { cookies: res.headers.getSetCookie(), userId };
  } catch (err) {
    const code = authCode(err);
    // Only after the right password: the address is not confirmed yet.
    if (code === 'EMAIL_NOT_VERIFIED') {
      await clearLoginCounters(ctx, [name, u?.username, u?.email], ip);
      throw new AppError('EMAIL_NOT_VERIFIED');
    }
    // Anything but better-auth's own refusal (a database error) is not a wrong password.
    if (!(err as AuthError)?.body) throw err;
    if (a.n >= LOCK_AFTER) throw await lock();
    throw new AppError('LOGIN_FAILED');
  }
}

/** Ends the session on the server and answers the cookies that clear it in the browser. */
export async function logout(ctx: Ctx, headers: Headers): Promise<string[]> {
  try {
    const res = await ctx.auth.api.signOut({ headers, returnHeaders: true });
    return res.headers.getSetCookie();
  } catch {
    return [];
  }
}

/** Recovery requests (forgotten password or username, a new verification link), done off the request path. */
export const ACCOUNTS_RECOVERY = 'accounts-recovery';

/** What a recovery request asks for. */
export type RecoveryKind = 'reset' | 'username' | 'verify';

/**
 * "Забравена парола", "Забравено потребителско име", "Изпрати отново" (AC-3): the request only
 * counts the address's limit and queues the work; the answer and its timing are the same whether
 * or not an account has the address (issue 11: the lookup, the token and the email took 24–41 ms
 * for a known address against 6–7 ms). The address waits in a short-lived verifications row that
 * the job deletes, so that the job queue's own tables never hold it.
 */
export async function requestRecovery(ctx: Ctx, kind: RecoveryKind, email: string, ip: string): Promise<void> {
  const now = ctx.now();
  await hitLimit(ctx.db.orm, LIMITS.recover, addressSubject(ip), now);
  const id = randomBytes(16).toString('hex');
  await ctx.db.orm.transaction(async (tx) => {
    await tx.insert(verifications).values({ id, identifier: `recovery:${id}`, value: JSON.stringify({ kind, email: email.trim().toLowerCase() }), expiresAt: new Date(now.getTime() + 86400_000) });
    await ctx.jobs.send(ACCOUNTS_RECOVERY, { id }, { tx });
  });
}

/** The queued half of a recovery request: sends the link or the username when the address has an account. */
export async function runRecovery(ctx: Ctx, id: string): Promise<void> {
  const orm = ctx.db.orm;
  const [row] = await orm.select().from(verifications).where(and(eq(verifications.id, id), eq(verifications.identifier, `recovery:${id}`)));
  if (!row) return;
  const { kind, email } = JSON.parse(row.value) as { kind: RecoveryKind; email: string };
  const [u] = await orm.select().from(users).where(eq(users.email, email));
  // However many addresses ask, one mailbox gets at most RECOVERY_MAILS an hour: the per-address
  // limit alone would let a crowd flood someone with reset emails.
  const allowed = u && !u.closedAt && (await hitLimit(orm, LIMITS.recoveryMail, u.id, ctx.now()).then(() => true, (err) => (err instanceof AppError ? false : Promise.reject(err))));
  if (u && allowed) {
    if (kind === 'reset') {
      await ctx.auth.api.requestPasswordReset({ body: { email, redirectTo: '/reset-password' } });
    } else if (kind === 'username' && u.username) {
      const mail = usernameMail({ to: u.email, lang: u.locale as Lang, username: u.displayUsername ?? u.username, loginUrl: `${ctx.config.publicBaseUrl}/login` });
      await orm.transaction((tx) => queueMail(tx, ctx.jobs, mail));
    } else if (kind === 'verify' && !u.emailVerified) {
      await ctx.auth.api.sendVerificationEmail({ body: { email } });
    }
  }
  await orm.delete(verifications).where(eq(verifications.id, id));
}

/** Sets a new password from a reset link; every session of the account ends (AC-3). */
export async function resetPassword(ctx: Ctx, token: string, password: string, password2?: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(token)) throw new AppError('LINK_INVALID');
  const [v] = await ctx.db.orm
    .select({ userId: verifications.value, expiresAt: verifications.expiresAt })
    .from(verifications)
    .where(eq(verifications.identifier, `reset-password:${token}`));
  if (!v || v.expiresAt < ctx.now()) throw new AppError('LINK_INVALID');
  const [u] = await ctx.db.orm.select({ username: users.username, email: users.email }).from(users).where(eq(users.id, v.userId));
  const issues = passwordIssues(password, 'password', { username: u?.username ?? undefined, email: u?.email });
  if (password2 !== undefined && password2 !== password) issues.push({ field: 'password2', code: 'PASSWORD_MISMATCH' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  try {
    await ctx.auth.api.resetPassword({ body: { newPassword: password, token } });
  } catch {
    throw new AppError('LINK_INVALID');
  }
  // The owner proved control of the mailbox: locks from someone else's guessing end, from every address.
  await clearLoginCounters(ctx, [u?.username, u?.email]);
}

/** Mail hooks better-auth calls: the verification and reset links point at our pages. */
export function authMailHooks(ctx: () => Ctx) {
  const localeOf = async (id: string): Promise<Lang> => {
    const [u] = await ctx().db.orm.select({ locale: users.locale }).from(users).where(eq(users.id, id));
    return u?.locale === 'en' ? 'en' : 'bg';
  };
  return {
    async sendVerification(user: { id: string; email: string }, token: string) {
      const c = ctx();
      const lang = await localeOf(user.id);
      await c.db.orm.transaction((tx) => queueMail(tx, c.jobs, verifyMail({ to: user.email, lang, url: `${c.config.publicBaseUrl}/verify-email?token=${encodeURIComponent(token)}` })));
    },
    async sendReset(user: { id: string; email: string }, token: string) {
      const c = ctx();
      const lang = await localeOf(user.id);
      await c.db.orm.transaction((tx) => queueMail(tx, c.jobs, resetMail({ to: user.email, lang, url: `${c.config.publicBaseUrl}/reset-password?token=${encodeURIComponent(token)}` })));
    },
  };
}

/** A single-use link for the old address that undoes an email change (issue 11); answers its URL. */
async function createUndo(ctx: Ctx, tx: Tx, userId: string, oldEmail: string, newEmail: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await tx.insert(verifications).values({
    id: randomBytes(16).toString('hex'),
    identifier: `email-undo:${userId}:${tokenHash(token)}`,
    value: JSON.stringify({ oldEmail, newEmail }),
    expiresAt: new Date(ctx.now().getTime() + EMAIL_UNDO_DAYS * 86400_000),
  });
  return `${ctx.config.publicBaseUrl}/account/email/undo?u=${encodeURIComponent(userId)}&token=${token}`;
}

/** Checks the password again before a change that a stolen session must not be able to make. */
async function reauthenticate(ctx: Ctx, user: SessionUser, password: string, field: string): Promise<void> {
  if (!password) throw new AppError('VALIDATION', { issues: [{ field, code: 'FIELD_REQUIRED' }] });
  await hitLimit(ctx.db.orm, LIMITS.reauth, user.id, ctx.now());
  if (!(await passwordMatches(ctx, user.id, password))) throw new AppError('VALIDATION', { issues: [{ field, code: 'PASSWORD_WRONG' }] });
}

/**
 * "Обновяване на профил" (AC-3): names, phone, address and language change at once; a new
 * email only with the current password (issue 11: with a stolen session, or a forged form, an
 * attacker could otherwise move the account to their address and take it over for good through a
 * password reset) and after its link is opened. The old address is told, with a link that undoes
 * the change, also after it took effect. An address that has an account gets the same answer as
 * a free one, and its owner an email instead (no account enumeration).
 */
export async function updateProfile(ctx: Ctx, user: SessionUser, input: ProfileInput, currentPassword = ''): Promise<{ emailChangePending: boolean }> {
  const orm = ctx.db.orm;
  const newEmail = input.email.trim().toLowerCase();
  const changing = newEmail !== user.email;
  if (changing) await reauthenticate(ctx, user, currentPassword, 'currentPassword');
  const inUse = changing ? await emailInUse(orm, newEmail, ctx.now(), user.id) : null;
  await orm.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        firstName: input.firstName,
        lastName: input.lastName,
        name: `${input.firstName} ${input.lastName}`,
        phone: input.phone,
        address: input.address ?? null,
        locale: input.locale,
        updatedAt: ctx.now(),
      })
      .where(eq(users.id, user.id));
    if (!changing || inUse) return;
    const token = randomBytes(24).toString('base64url');
    // One pending change at a time: a newer request replaces the older link.
    await tx.delete(verifications).where(eq(verifications.identifier, `change-email-user:${user.id}`));
    await tx.insert(verifications).values({
      id: randomBytes(16).toString('hex'),
      identifier: `change-email-user:${user.id}`,
      value: JSON.stringify({ email: newEmail, token: tokenHash(token) }),
      expiresAt: new Date(ctx.now().getTime() + EMAIL_CHANGE_HOURS * 3600_000),
    });
    const lang = input.locale;
    const undoUrl = await createUndo(ctx, tx, user.id, user.email, newEmail);
    await queueMail(tx, ctx.jobs, emailChangeMail({ to: newEmail, lang, url: `${ctx.config.publicBaseUrl}/account/email/confirm?u=${encodeURIComponent(user.id)}&token=${token}`, toNew: true, newEmail }));
    await queueMail(tx, ctx.jobs, emailChangeMail({ to: user.email, lang, url: undoUrl, toNew: false, newEmail, undoDays: EMAIL_UNDO_DAYS }));
  });
  if (inUse) await tellAddressInUse(ctx, newEmail, 'change', input.locale);
  return { emailChangePending: changing };
}

/**
 * Opens the link sent to a new email address: the address replaces the old one, which is told
 * and given a link to undo it. The old address stays reserved while that link lives, so that
 * nobody else can register it meanwhile and block the undo.
 */
export async function confirmEmailChange(ctx: Ctx, userId: string, token: string): Promise<void> {
  const orm = ctx.db.orm;
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token) || userId.length > 64) throw new AppError('LINK_INVALID');
  const now = ctx.now();
  await orm.transaction(async (tx) => {
    const [v] = await tx
      .select()
      .from(verifications)
      .where(eq(verifications.identifier, `change-email-user:${userId}`));
    if (!v || v.expiresAt < now) throw new AppError('LINK_INVALID');
    const pending = JSON.parse(v.value) as { email: string; token: string };
    if (pending.token !== tokenHash(token)) throw new AppError('LINK_INVALID');
    const [u] = await tx.select().from(users).where(eq(users.id, userId));
    if (!u || u.closedAt) throw new AppError('LINK_INVALID');
    if (await emailInUse(tx, pending.email, now, userId)) throw new AppError('EMAIL_TAKEN');
    await tx.delete(verifications).where(eq(verifications.id, v.id));
    await tx.update(users).set({ email: pending.email, emailVerified: true, updatedAt: now }).where(eq(users.id, userId));
    const releaseAt = new Date(now.getTime() + EMAIL_UNDO_DAYS * 86400_000);
    await tx
      .insert(reservedIdentities)
      .values({ hash: identityHash('email', u.email), releaseAt })
      .onConflictDoUpdate({ target: reservedIdentities.hash, set: { releaseAt: sql`GREATEST(${reservedIdentities.releaseAt}, EXCLUDED.release_at)` } });
    const undoUrl = await createUndo(ctx, tx, userId, u.email, pending.email);
    await queueMail(tx, ctx.jobs, emailChangedMail({ to: u.email, lang: u.locale as Lang, newEmail: pending.email, undoUrl, undoDays: EMAIL_UNDO_DAYS }));
  });
}

function undoToken(userId: string, token: string): string {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token) || !userId || userId.length > 64) throw new AppError('LINK_INVALID');
  return `email-undo:${userId}:${tokenHash(token)}`;
}

/** Whether an undo link can still be used (the page that asks to confirm it). */
export async function undoLinkValid(ctx: Ctx, userId: string, token: string): Promise<boolean> {
  const identifier = undoToken(userId, token);
  const [v] = await ctx.db.orm.select({ expiresAt: verifications.expiresAt }).from(verifications).where(eq(verifications.identifier, identifier));
  return !!v && v.expiresAt >= ctx.now();
}

/**
 * The old address's undo link (issue 11), within EMAIL_UNDO_DAYS, once: the old address is the
 * account's again (whether the change is still pending or already took effect), any pending
 * change and every other undo link are void, every session of the account ends, and the old
 * address is told to set a new password — whoever made the change probably knows it.
 */
export async function undoEmailChange(ctx: Ctx, userId: string, token: string): Promise<{ email: string }> {
  const identifier = undoToken(userId, token);
  const now = ctx.now();
  return ctx.db.orm.transaction(async (tx) => {
    const [v] = await tx.select().from(verifications).where(eq(verifications.identifier, identifier));
    if (!v || v.expiresAt < now) throw new AppError('LINK_INVALID');
    const { oldEmail } = JSON.parse(v.value) as { oldEmail: string; newEmail: string };
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!u || u.closedAt) throw new AppError('LINK_INVALID');
    await tx.delete(verifications).where(or(identifierStarts(`email-undo:${userId}:`), eq(verifications.identifier, `change-email-user:${userId}`)));
    if (u.email !== oldEmail) {
      const [other] = await tx.select({ id: users.id }).from(users).where(and(eq(users.email, oldEmail), ne(users.id, userId)));
      if (other) throw new AppError('LINK_INVALID');
      await tx.update(users).set({ email: oldEmail, emailVerified: true, updatedAt: now }).where(eq(users.id, userId));
    }
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await queueMail(tx, ctx.jobs, emailRestoredMail({ to: oldEmail, lang: u.locale as Lang, resetUrl: `${ctx.config.publicBaseUrl}/forgot-password` }));
    return { email: oldEmail };
  });
}

/** "Смяна на парола": needs the current one; other sessions end. Answers the new session's cookies. */
export async function changePassword(ctx: Ctx, user: SessionUser, headers: Headers, current: string, next: string, next2?: string): Promise<string[]> {
  const issues = passwordIssues(next, 'newPassword', { username: user.username, email: user.email });
  if (next2 !== undefined && next2 !== next) issues.push({ field: 'newPassword2', code: 'PASSWORD_MISMATCH' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  try {
    const res = await ctx.auth.api.changePassword({ body: { currentPassword: current, newPassword: next, revokeOtherSessions: true }, headers, returnHeaders: true });
    return res.headers.getSetCookie();
  } catch (err) {
    if (authCode(err) === 'INVALID_PASSWORD') throw new AppError('VALIDATION', { issues: [{ field: 'currentPassword', code: 'PASSWORD_WRONG' }] });
    throw err;
  }
}

/** Checks a user's password without logging in. */
async function passwordMatches(ctx: Ctx, userId: string, password: string): Promise<boolean> {
  const [acc] = await ctx.db.orm
    .select({ hash: authAccounts.password })
    .from(authAccounts)
    .where(and(eq(authAccounts.userId, userId), eq(authAccounts.providerId, 'credential')));
  if (!acc?.hash) return false;
  const auth = await ctx.auth.$context;
  return auth.password.verify({ hash: acc.hash, password });
}

/**
 * Closes an account (AC-6) after the password is re-entered. Personal data are erased at once;
 * the username and email are kept only as hashes until ACCOUNT_RELEASE_DAYS pass; public
 * signals stay public without personal data; private documents keep, as the register must,
 * their number, date, text and the sender's name, but no contact data. Every outbox email to the
 * account's addresses (its email, a pending new one, the old one of a recent change) loses its
 * address, subject and body — names, private links, tokens — in the same transaction.
 */
export async function closeAccount(ctx: Ctx, user: SessionUser, password: string): Promise<void> {
  await reauthenticate(ctx, user, password, 'password');
  const now = ctx.now();
  const releaseAt = new Date(now.getTime() + ctx.config.accountReleaseDays * 86400_000);
  const closedEmail = `closed-${user.id}@closed.invalid`;
  await ctx.db.orm.transaction(async (tx) => {
    await tx
      .insert(reservedIdentities)
      .values([
        { hash: identityHash('username', user.username), releaseAt },
        { hash: identityHash('email', user.email), releaseAt },
      ])
      .onConflictDoUpdate({ target: reservedIdentities.hash, set: { releaseAt: sql`GREATEST(${reservedIdentities.releaseAt}, EXCLUDED.release_at)` } });
    await anonymiseAuthorCases(tx, user.id);
    await deleteSubscriptionsOf(tx, user.id);
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await tx.delete(authAccounts).where(eq(authAccounts.userId, user.id));
    const links = await tx
      .select({ identifier: verifications.identifier, value: verifications.value })
      .from(verifications)
      .where(or(eq(verifications.identifier, `change-email-user:${user.id}`), identifierStarts(`email-undo:${user.id}:`)));
    const addresses = [user.email];
    for (const l of links) {
      const v = JSON.parse(l.value) as { email?: string; oldEmail?: string; newEmail?: string };
      addresses.push(...[v.email, v.oldEmail, v.newEmail].filter((e): e is string => !!e));
    }
    await tx
      .delete(verifications)
      .where(
        or(
          eq(verifications.identifier, `change-email-user:${user.id}`),
          identifierStarts(`email-undo:${user.id}:`),
          and(identifierStarts('reset-password:'), eq(verifications.value, user.id)),
        ),
      );
    await eraseMailTo(tx, addresses, closedEmail);
    await tx
      .update(users)
      .set({
        name: '',
        email: closedEmail,
        emailVerified: false,
        username: null,
        displayUsername: null,
        firstName: '',
        lastName: '',
        phone: null,
        address: null,
        closedAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, user.id));
  });
}

/** The session's person, with what pages need; null for closed accounts. */
export function toSessionUser(u: Record<string, unknown>): SessionUser | null {
  if (!u || u.closedAt) return null;
  return {
    id: String(u.id),
    username: String(u.displayUsername ?? u.username ?? ''),
    email: String(u.email),
    emailVerified: !!u.emailVerified,
    firstName: String(u.firstName ?? ''),
    lastName: String(u.lastName ?? ''),
    phone: (u.phone as string | null) ?? null,
    address: (u.address as string | null) ?? null,
    locale: u.locale === 'en' ? 'en' : 'bg',
    role: String(u.role ?? 'citizen'),
    unitId: u.unitId === null || u.unitId === undefined ? null : Number(u.unitId),
    suspendedReason: (u.suspendedReason as string | null) ?? null,
  };
}

/** Who receives the daily digest of deadlines (issue 12): officers and managers of a unit. */
const DIGEST_ROLES = new Set(['officer', 'manager']);

/** Whether this person gets the daily digest of deadlines, or null when it is not for them (citizens, inspectors, operators …). */
export async function deadlineDigestOf(orm: Orm, user: SessionUser): Promise<boolean | null> {
  if (!DIGEST_ROLES.has(user.role) || user.unitId === null) return null;
  const [u] = await orm.select({ on: users.deadlineDigest }).from(users).where(eq(users.id, user.id));
  return u ? u.on : null;
}

/** Turns the daily digest of deadlines on or off for an officer or a manager; anyone else is FORBIDDEN. */
export async function setDeadlineDigest(ctx: Ctx, user: SessionUser, on: boolean): Promise<void> {
  if (!DIGEST_ROLES.has(user.role) || user.unitId === null) throw new AppError('FORBIDDEN');
  await ctx.db.orm.update(users).set({ deadlineDigest: on, updatedAt: ctx.now() }).where(eq(users.id, user.id));
}
