import { createHash, randomBytes } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { authAccounts, reservedIdentities, sessions, users, verifications, type SessionUser } from '../../platform/auth/index.js';
import { AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { hitLimit, type Limit } from '../../platform/ratelimit/index.js';
import { anonymiseAuthorCases, deleteSubscriptionsOf } from '../cases/index.js';
import { emailChangedMail, emailChangeMail, lockedMail, resetMail, usernameMail, verifyMail } from './accounts.mail.js';
import type { ProfileInput, RegisterInput } from './accounts.schemas.js';

/** Per-address limits (AC-2): generous for people behind one city NAT, tight for scripts. */
export const LIMITS = {
  register: { name: 'register', max: 10, windowSeconds: 3600 },
  login: { name: 'login', max: 30, windowSeconds: 900 },
  recover: { name: 'recover', max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, Limit>;

/** After this many failures in a row, each further attempt must wait (1, 2, 4 … 60 s). */
const SLOW_AFTER = 5;
/** After this many failures in a row the account locks for LOCK_MINUTES and its owner is told. */
const LOCK_AFTER = 10;
const LOCK_MINUTES = 15;

const EMAIL_CHANGE_HOURS = 24;

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

type AuthError = { status?: string | number; statusCode?: number; body?: { code?: string } };

function authCode(err: unknown): string | undefined {
  return (err as AuthError)?.body?.code;
}

/** Registers a citizen (AC-2); the account is usable once the emailed link is opened. */
export async function register(ctx: Ctx, input: RegisterInput): Promise<{ email: string }> {
  const orm = ctx.db.orm;
  const issues: FieldIssue[] = [];
  if (!input.acceptTerms) issues.push({ field: 'acceptTerms', code: 'TERMS_REQUIRED' });
  issues.push(...passwordIssues(input.password, 'password', { username: input.username, email: input.email }));
  if (input.password2 !== undefined && input.password2 !== input.password) issues.push({ field: 'password2', code: 'PASSWORD_MISMATCH' });
  const now = ctx.now();
  const [taken] = await Promise.all([
    orm
      .select({ username: users.username, email: users.email })
      .from(users)
      .where(or(eq(users.username, input.username.toLowerCase()), eq(users.email, input.email.toLowerCase()))),
  ]);
  const reserved = await orm
    .select({ hash: reservedIdentities.hash })
    .from(reservedIdentities)
    .where(and(gt(reservedIdentities.releaseAt, now), sql`${reservedIdentities.hash} IN (${identityHash('username', input.username)}, ${identityHash('email', input.email)})`));
  const reservedSet = new Set(reserved.map((r) => r.hash));
  if (taken.some((t) => t.username === input.username.toLowerCase()) || reservedSet.has(identityHash('username', input.username))) {
    issues.push({ field: 'username', code: 'USERNAME_TAKEN' });
  }
  if (taken.some((t) => t.email === input.email.toLowerCase()) || reservedSet.has(identityHash('email', input.email))) {
    issues.push({ field: 'email', code: 'EMAIL_TAKEN' });
  }
  if (issues.length) throw new AppError('VALIDATION', { issues });
  try {
    await ctx.auth.api.signUpEmail({
      body: {
        email: input.email.toLowerCase(),
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
    if (code === 'USER_ALREADY_EXISTS' || code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL') throw new AppError('EMAIL_TAKEN', { field: 'email' });
    if (code === 'INVALID_USERNAME' || code === 'USERNAME_TOO_SHORT' || code === 'USERNAME_TOO_LONG') throw new AppError('USERNAME_INVALID', { field: 'username' });
    throw err;
  }
  return { email: input.email.toLowerCase() };
}

/** Sends the verification link again; answers the same whether or not the address is known. */
export async function resendVerification(ctx: Ctx, email: string, ip: string): Promise<void> {
  await hitLimit(ctx.db.orm, LIMITS.recover, ip, ctx.now());
  const [u] = await ctx.db.orm.select({ verified: users.emailVerified, closed: users.closedAt }).from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!u || u.verified || u.closed) return;
  await ctx.auth.api.sendVerificationEmail({ body: { email: email.trim().toLowerCase() } });
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

/**
 * Logs in with a username or an email and a password (AC-4). Failures in a row first make
 * the next attempt wait, then lock the account and tell its owner; per-address limits stop
 * guessing across many accounts. Answers the cookies to set.
 */
export async function login(ctx: Ctx, loginName: string, password: string, ip: string, headers: Headers): Promise<{ cookies: string[]; userId: string }> {
  const orm = ctx.db.orm;
  const now = ctx.now();
  await hitLimit(orm, LIMITS.login, ip, now);
  const name = loginName.trim().toLowerCase();
  const byEmail = name.includes('@');
  const [u] = await orm
    .select()
    .from(users)
    .where(byEmail ? eq(users.email, name) : eq(users.username, name));
  if (u) {
    if (u.lockedUntil && u.lockedUntil > now) throw new AppError('ACCOUNT_LOCKED');
    if (u.failedLogins >= SLOW_AFTER && u.lastFailedAt) {
      const waitMs = Math.min(60, 2 ** (u.failedLogins - SLOW_AFTER)) * 1000;
      if (now.getTime() - u.lastFailedAt.getTime() < waitMs) throw new AppError('LOGIN_WAIT');
    }
  }
  try {
    const res = byEmail
      ? await ctx.auth.api.signInEmail({ body: { email: name, password, rememberMe: true }, headers, returnHeaders: true })
      : await ctx.auth.api.signInUsername({ body: { username: name, password, rememberMe: true }, headers, returnHeaders: true });
    const userId = (res.response as { user?: { id: string } } | null)?.user?.id ?? u?.id ?? '';
    if (u && (u.failedLogins > 0 || u.lockedUntil)) {
      await orm.update(users).set({ failedLogins: 0, lockedUntil: null, lastFailedAt: null }).where(eq(users.id, u.id));
    }
    return { cookies: res.headers.getSetCookie(), userId };
  } catch (err) {
    const code = authCode(err);
    if (code === 'EMAIL_NOT_VERIFIED') throw new AppError('EMAIL_NOT_VERIFIED');
    if (!u) throw new AppError('LOGIN_FAILED');
    const failed = u.failedLogins + 1;
    if (failed >= LOCK_AFTER) {
      await orm.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ failedLogins: 0, lastFailedAt: null, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) })
          .where(eq(users.id, u.id));
        await queueMail(tx, ctx.jobs, lockedMail({ to: u.email, lang: u.locale as Lang, username: u.username ?? '', minutes: LOCK_MINUTES, resetUrl: `${ctx.config.publicBaseUrl}/forgot-password` }));
      });
      throw new AppError('ACCOUNT_LOCKED');
    }
    await orm.update(users).set({ failedLogins: failed, lastFailedAt: now }).where(eq(users.id, u.id));
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

/** "Забравена парола": sends a one-hour, single-use link when the address is known; says nothing either way. */
export async function requestPasswordReset(ctx: Ctx, email: string, ip: string): Promise<void> {
  await hitLimit(ctx.db.orm, LIMITS.recover, ip, ctx.now());
  const [u] = await ctx.db.orm.select({ closed: users.closedAt }).from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!u || u.closed) return;
  await ctx.auth.api.requestPasswordReset({ body: { email: email.trim().toLowerCase(), redirectTo: '/reset-password' } });
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
  // The owner proved control of the mailbox: a lock from someone else's guessing ends too.
  await ctx.db.orm.update(users).set({ failedLogins: 0, lockedUntil: null, lastFailedAt: null }).where(eq(users.id, v.userId));
}

/** "Забравено потребителско име": mails the username to a known address; says nothing either way. */
export async function remindUsername(ctx: Ctx, email: string, ip: string): Promise<void> {
  await hitLimit(ctx.db.orm, LIMITS.recover, ip, ctx.now());
  const [u] = await ctx.db.orm.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!u || u.closedAt || !u.username) return;
  await ctx.db.orm.transaction(async (tx) => {
    await queueMail(tx, ctx.jobs, usernameMail({ to: u.email, lang: u.locale as Lang, username: u.displayUsername ?? u.username!, loginUrl: `${ctx.config.publicBaseUrl}/login` }));
  });
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

/**
 * "Обновяване на профил" (AC-3): names, phone, address and language change at once; a new
 * email only after its link is opened, and the old address is told about the request.
 */
export async function updateProfile(ctx: Ctx, user: SessionUser, input: ProfileInput): Promise<{ emailChangePending: boolean }> {
  const orm = ctx.db.orm;
  const newEmail = input.email.trim().toLowerCase();
  const changing = newEmail !== user.email;
  if (changing) {
    const [other] = await orm.select({ id: users.id }).from(users).where(eq(users.email, newEmail));
    if (other) throw new AppError('VALIDATION', { issues: [{ field: 'email', code: 'EMAIL_TAKEN' }] });
  }
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
    if (!changing) return;
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
    await queueMail(tx, ctx.jobs, emailChangeMail({ to: newEmail, lang, url: `${ctx.config.publicBaseUrl}/account/email/confirm?u=${encodeURIComponent(user.id)}&token=${token}`, toNew: true, newEmail }));
    await queueMail(tx, ctx.jobs, emailChangeMail({ to: user.email, lang, url: `${ctx.config.publicBaseUrl}/account`, toNew: false, newEmail }));
  });
  return { emailChangePending: changing };
}

/** Opens the link sent to a new email address: the address replaces the old one, which is told. */
export async function confirmEmailChange(ctx: Ctx, userId: string, token: string): Promise<void> {
  const orm = ctx.db.orm;
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token) || userId.length > 64) throw new AppError('LINK_INVALID');
  await orm.transaction(async (tx) => {
    const [v] = await tx
      .select()
      .from(verifications)
      .where(eq(verifications.identifier, `change-email-user:${userId}`));
    if (!v || v.expiresAt < ctx.now()) throw new AppError('LINK_INVALID');
    const pending = JSON.parse(v.value) as { email: string; token: string };
    if (pending.token !== tokenHash(token)) throw new AppError('LINK_INVALID');
    const [u] = await tx.select().from(users).where(eq(users.id, userId));
    if (!u || u.closedAt) throw new AppError('LINK_INVALID');
    const [other] = await tx.select({ id: users.id }).from(users).where(eq(users.email, pending.email));
    if (other) throw new AppError('EMAIL_TAKEN');
    await tx.delete(verifications).where(eq(verifications.id, v.id));
    await tx.update(users).set({ email: pending.email, emailVerified: true, updatedAt: ctx.now() }).where(eq(users.id, userId));
    await queueMail(tx, ctx.jobs, emailChangedMail({ to: u.email, lang: u.locale as Lang, newEmail: pending.email }));
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
 * their number, date, text and the sender's name, but no contact data.
 */
export async function closeAccount(ctx: Ctx, user: SessionUser, password: string): Promise<void> {
  if (!(await passwordMatches(ctx, user.id, password))) throw new AppError('VALIDATION', { issues: [{ field: 'password', code: 'PASSWORD_WRONG' }] });
  const now = ctx.now();
  const releaseAt = new Date(now.getTime() + ctx.config.accountReleaseDays * 86400_000);
  await ctx.db.orm.transaction(async (tx) => {
    await tx
      .insert(reservedIdentities)
      .values([
        { hash: identityHash('username', user.username), releaseAt },
        { hash: identityHash('email', user.email), releaseAt },
      ])
      .onConflictDoUpdate({ target: reservedIdentities.hash, set: { releaseAt } });
    await anonymiseAuthorCases(tx, user.id);
    await deleteSubscriptionsOf(tx, user.id);
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await tx.delete(authAccounts).where(eq(authAccounts.userId, user.id));
    await tx.delete(verifications).where(eq(verifications.identifier, `change-email-user:${user.id}`));
    await tx
      .update(users)
      .set({
        name: '',
        email: `closed-${user.id}@closed.invalid`,
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
