import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

/** The hidden form field, header and query parameter that carry the CSRF token. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token for the forms of this request's page; gives the browser its CSRF cookie when it has none. */
    csrfToken(): string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SEED = /^[A-Za-z0-9_-]{32}$/;

/**
 * Cross-site request forgery protection (OWASP CSRF cheat sheet: Origin check, Fetch Metadata,
 * and a signed double-submit token as the fallback).
 *
 * A state-changing request that a browser could be made to send from another site with the
 * visitor's cookies — it carries our session cookie, or it is the login form (login CSRF) — is
 * accepted only when its Origin is ours, or, with Origin `null` or missing, when the browser
 * says `Sec-Fetch-Site: same-origin` or the request carries a valid token. A foreign or malformed
 * Origin is always refused. Requests without our cookies (JSON API and Open311 clients, anonymous
 * submissions) are no browser's victims and need no Origin.
 *
 * The token is HMAC(secret, seed) where the seed is a random per-browser cookie (HttpOnly,
 * SameSite=Lax): another site can neither read the cookie nor compute the token.
 */
export function registerCsrf(app: FastifyInstance, opts: { secret: string; publicBaseUrl: string }): void {
  const secure = opts.publicBaseUrl.startsWith('https://');
  // __Host- keeps a sibling subdomain from planting its own seed (RFC 6265bis, cookie prefixes).
  const cookieName = secure ? '__Host-sofia.csrf' : 'sofia.csrf';
  const ours = new URL(opts.publicBaseUrl).origin;
  const seeds = new WeakMap<FastifyRequest, { seed: string; fresh: boolean }>();
  const tokenFor = (seed: string) => createHmac('sha256', opts.secret).update(`csrf:${seed}`).digest('base64url');
  const cookieSeed = (req: FastifyRequest): string | null => {
    const c = req.cookies?.[cookieName];
    return typeof c === 'string' && SEED.test(c) ? c : null;
  };

  app.decorateRequest('csrfToken', function (this: FastifyRequest): string {
    let s = seeds.get(this);
    if (!s) {
      const seed = cookieSeed(this);
      s = seed ? { seed, fresh: false } : { seed: randomBytes(24).toString('base64url'), fresh: true };
      seeds.set(this, s);
    }
    return tokenFor(s.seed);
  });

  // The seed cookie is set only when a page with a form was rendered for a browser without one.
  app.addHook('onSend', async (req, reply) => {
    const s = seeds.get(req);
    if (s?.fresh) reply.header('set-cookie', `${cookieName}=${s.seed}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  });

  const originIsOurs = (origin: string, req: FastifyRequest): boolean => {
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    if (u.origin === 'null' || !u.host) return false;
    if (u.origin === ours) return true;
    try {
      // The Host the browser addressed, normalised as the Origin is (default ports dropped).
      return new URL(`${u.protocol}//${req.host}`).host === u.host;
    } catch {
      return false;
    }
  };

  const tokenValid = (req: FastifyRequest): boolean => {
    const seed = cookieSeed(req);
    if (!seed) return false;
    const expected = Buffer.from(tokenFor(seed));
    const last = (v: unknown) => (Array.isArray(v) ? v.at(-1) : v);
    const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>)[CSRF_FIELD] : undefined;
    const query = (req.query as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return [req.headers[CSRF_HEADER], body, query].some((v) => {
      const given = last(v);
      if (typeof given !== 'string') return false;
      const g = Buffer.from(given);
      return g.length === expected.length && timingSafeEqual(g, expected);
    });
  };

  // After the body is parsed (the token may be a form field), before validation and the handler.
  app.addHook('preValidation', async (req) => {
    if (SAFE_METHODS.has(req.method)) return;
    const origin = req.headers.origin;
    if (typeof origin === 'string' && origin !== 'null') {
      if (originIsOurs(origin, req)) return;
      throw new AppError('FORBIDDEN');
    }
    const withSession = Object.keys(req.cookies ?? {}).some((name) => name.includes('session_token'));
    if (!withSession && !(req.method === 'POST' && req.routeOptions.url === '/login')) return;
    if (req.headers['sec-fetch-site'] === 'same-origin') return;
    if (tokenValid(req)) return;
    throw new AppError('FORBIDDEN');
  });
}
