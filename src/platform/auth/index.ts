import { randomBytes } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { username } from 'better-auth/plugins/username';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { appSecrets, authAccounts, reservedIdentities, sessions, users, verifications } from './auth.tables.js';

export { appSecrets, authAccounts, reservedIdentities, sessions, users, verifications };

/** AC-4: a session ends after 60 minutes without activity. */
export const SESSION_IDLE_SECONDS = 60 * 60;
/** How often an active session's expiry is pushed forward: one write per minute per active person at most. */
const SESSION_REFRESH_SECONDS = 60;

/** The person behind a request, as pages and policies need them. */
export interface SessionUser {
  id: string;
  username: string;
  email: string;
  emailVerified: boolean;
  firstName: string;
  lastName: string;
  phone: string | null;
  address: string | null;
  locale: 'bg' | 'en';
  role: string;
  unitId: number | null;
  suspendedReason: string | null;
}

/** What the better-auth instance needs to send mail: the callback gets the user and the token. */
export interface AuthHooks {
  sendVerification(user: { id: string; email: string }, token: string): Promise<void>;
  sendReset(user: { id: string; email: string }, token: string): Promise<void>;
}

/**
 * The session-signing secret shared by every instance on this database: AUTH_SECRET when set,
 * otherwise one generated at first start and kept in the database (so a second instance, or a
 * restart, still accepts the cookies the first one signed).
 */
export async function sharedSecret(db: Database, configured?: string): Promise<string> {
  if (configured) return configured;
  await db.orm
    .insert(appSecrets)
    .values({ name: 'auth', value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.orm.select().from(appSecrets).where(eq(appSecrets.name, 'auth'));
  return row!.value;
}

/** Builds the better-auth instance over our Drizzle tables; it is called only from our own routes. */
export function createAuth(db: Database, opts: { secret: string; baseUrl: string; hooks: AuthHooks }) {
  return betterAuth({
    appName: 'Столична община',
    baseURL: opts.baseUrl,
    basePath: '/api/auth',
    secret: opts.secret,
    database: drizzleAdapter(db.orm, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: authAccounts, verification: verifications },
    }),
    user: {
      additionalFields: {
        firstName: { type: 'string', required: true, input: true },
        lastName: { type: 'string', required: true, input: true },
        phone: { type: 'string', required: false, input: true },
        address: { type: 'string', required: false, input: true },
        locale: { type: 'string', required: false, input: true, defaultValue: 'bg' },
        termsVersion: { type: 'string', required: false, input: true },
        termsAcceptedAt: { type: 'date', required: false, input: true },
        role: { type: 'string', required: false, input: false, defaultValue: 'citizen' },
        unitId: { type: 'number', required: false, input: false },
        suspendedReason: { type: 'string', required: false, input: false },
      },
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      autoSignIn: false,
      minPasswordLength: 10,
      maxPasswordLength: 200,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, token }) => opts.hooks.sendReset(user, token),
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: false,
      autoSignInAfterVerification: false,
      expiresIn: 24 * 60 * 60,
      sendVerificationEmail: async ({ user, token }) => opts.hooks.sendVerification(user, token),
    },
    session: {
      expiresIn: SESSION_IDLE_SECONDS,
      updateAge: SESSION_REFRESH_SECONDS,
    },
    plugins: [username({ minUsernameLength: 3, maxUsernameLength: 30 })],
    advanced: {
      cookiePrefix: 'sofia',
      useSecureCookies: opts.baseUrl.startsWith('https://'),
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true, path: '/' },
    },
    // Our routes add honeypot, timing and per-address limits in front; better-auth's own limiter
    // guards only its HTTP handler, which we do not mount.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
}

/** The better-auth instance type. */
export type Auth = ReturnType<typeof createAuth>;

/**
 * Makes a session cookie last only as long as the browser (AC-4): better-auth sets Max-Age
 * when it refreshes a session; without it the cookie dies when the browser is closed, while
 * the server still ends the session after 60 idle minutes.
 */
export function sessionOnlyCookie(setCookie: string): string {
  if (!/session_token=/.test(setCookie)) return setCookie;
  // A deleting cookie (Max-Age=0) must keep its Max-Age, or logout would not clear it.
  if (/Max-Age=0\b/i.test(setCookie)) return setCookie;
  return setCookie
    .split(/;\s*/)
    .filter((p) => !/^(max-age|expires)=/i.test(p))
    .join('; ');
}
