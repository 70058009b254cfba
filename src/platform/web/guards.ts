import type { FastifyRequest } from 'fastify';
import type { SessionUser } from '../auth/index.js';
import { AppError } from '../errors/index.js';

/** The logged-in person, or LOGIN_REQUIRED (pages answer it with the login page, AC-4). */
export function requireUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new AppError('LOGIN_REQUIRED');
  return req.user;
}

/** A local path to return to after login; anything else (another site, "//evil") becomes "/". */
export function safeNext(next: unknown): string {
  const s = typeof next === 'string' ? next : '';
  return /^\/(?![\/\\])/.test(s) && s.length < 2000 && !s.startsWith('/login') ? s : '/';
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
