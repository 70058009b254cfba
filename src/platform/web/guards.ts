import type { FastifyRequest } from 'fastify';
import type { SessionUser } from '../auth/index.js';
import { AppError } from '../errors/index.js';

/** The logged-in person, or LOGIN_REQUIRED (pages answer it with the login page, AC-4). */
export function requireUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new AppError('LOGIN_REQUIRED');
  return req.user;
}

const LOCAL = 'http://local.invalid';

/**
 * A path on this site to redirect to, or `fallback`. The value is parsed as a browser would
 * (`new URL(value, base)`) and kept only when it stays on our origin and has no control,
 * whitespace or backslash characters anywhere: browsers drop tabs and newlines from URLs and read
 * `\` as `/`, so `/\t/evil.example` would otherwise become `//evil.example` (an open redirect,
 * CWE-601), and CR/LF must never reach a Location header.
 */
export function localTarget(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
  if (/[\p{Cc}\p{Cf}\p{Z}\s\\]/u.test(value)) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  let u: URL;
  try {
    u = new URL(value, LOCAL);
  } catch {
    return fallback;
  }
  const path = u.pathname + u.search + u.hash;
  return u.origin === LOCAL && !path.startsWith('//') ? path : fallback;
}

/** A local path to return to after login; anything else (another site, "//evil", the login page itself) becomes "/". */
export function safeNext(next: unknown): string {
  const s = localTarget(next);
  return s.startsWith('/login') ? '/' : s;
}

/**
 * Whether a request comes from this machine. `req.ip` is the client's address as TRUST_PROXY
 * allows it to be read, so a request relayed by a local reverse proxy counts as the client it
 * came from (the proxy must set X-Forwarded-For).
 */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return ip === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A posted form's fields as single strings (the last value when a name repeats). */
export function formFields(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) {
    const x = Array.isArray(v) ? v.at(-1) : v;
    if (typeof x === 'string') out[k] = x;
  }
  return out;
}

/** The request's headers as a fetch Headers object, for better-auth. */
export function requestHeaders(req: FastifyRequest): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') h.append(k, v);
    else if (Array.isArray(v)) for (const x of v) h.append(k, x);
  }
  return h;
}

/** Staff roles (AC-5); everyone else is a citizen. */
export const STAFF_ROLES = ['operator', 'officer', 'manager', 'clerk', 'inspector', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * The logged-in person when they hold one of `roles`: anonymous visitors get the login page,
 * others FORBIDDEN (403) — and the caller changes nothing.
 */
export function requireRole(req: FastifyRequest, ...roles: StaffRole[]): SessionUser {
  const u = requireUser(req);
  if (!(roles as string[]).includes(u.role)) throw new AppError('FORBIDDEN');
  return u;
}

/** The Content-Disposition of a download, with an ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
