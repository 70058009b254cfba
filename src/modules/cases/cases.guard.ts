import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { attachment } from '../../platform/web/guards.js';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import type { SessionUser } from '../../platform/auth/index.js';
import { audienceOf, hasCaseRole, may, STAFF_ACTIONS, type CaseAction, type CaseScope, type Principal } from './cases.access.js';
import type { Audience } from './cases.audience.js';
import { caseScopeByNumber, caseScopeOfPhoto, findByToken, findPublicByNumber, loadView, type CaseView } from './cases.present.js';
import { unitAndBelow } from './cases.routing.js';
import { cases } from './cases.tables.js';
import { eq } from 'drizzle-orm';

/** What the guard found for a request: who asks, as which audience, and the case as that audience receives it. */
export interface CaseAccess {
  principal: Principal;
  audience: Audience;
  scope: CaseScope & { id: number };
  /** The case as `audience` receives it (absent for photo routes, which need only the decision). */
  view: CaseView | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the case guard on every route under a guarded prefix. */
    caseAccess: CaseAccess | null;
  }
  interface FastifyContextConfig {
    /** The handler answers a missing case itself (`caseAccess` null) — a public page with its own "not found". */
    caseOptional?: boolean;
  }
}

/** How the routes under a prefix find their case and whom they serve. */
interface Guard {
  /** The route parameter that names the case: a registration number, a private-link token or a photo id. */
  by: 'number' | 'token' | 'photo';
  param: string;
  /** The public page: everyone, signed in or not, receives the public view. */
  publicView?: boolean;
  /** Anonymous visitors are sent to log in. */
  login?: boolean;
  /** Staff pages: people without a part in cases get 403. */
  staff?: boolean;
  /** The audiences these routes serve; anyone else gets 404 (a staff POST 403). Default: any that may read the case. */
  audiences?: readonly Audience[];
  /** The error for a case that is not there (default NOT_FOUND). */
  missing?: 'CASE_NOT_FOUND';
}

/**
 * Every route under these prefixes is guarded before its handler runs (and before a multipart
 * body is read): the case is found, the one policy (cases.access.ts) decides, and the handler
 * receives `req.caseAccess`. A route added later under a prefix is guarded without asking.
 */
const STAFF: readonly Audience[] = ['staff', 'admin'];

const GUARDED: readonly { prefix: string; guard: Guard }[] = [
  { prefix: '/cases/:number', guard: { by: 'number', param: 'number', publicView: true } },
  { prefix: '/api/v1/cases/:number', guard: { by: 'number', param: 'number', publicView: true, missing: 'CASE_NOT_FOUND' } },
  { prefix: '/photos/:id', guard: { by: 'photo', param: 'id', publicView: true } },
  { prefix: '/p/:token', guard: { by: 'token', param: 'token' } },
  { prefix: '/documents/:number', guard: { by: 'number', param: 'number', login: true, audiences: ['author', 'staff', 'admin'] } },
  { prefix: '/staff/cases/:number', guard: { by: 'number', param: 'number', login: true, staff: true, audiences: STAFF } },
  { prefix: '/staff/photos/:id', guard: { by: 'photo', param: 'id', login: true, staff: true, audiences: STAFF } },
];

function guardOf(url: string): Guard | null {
  for (const g of GUARDED) if (url === g.prefix || url.startsWith(`${g.prefix}/`)) return g.guard;
  return null;
}

/** The principal behind a request: a signed-in person with their units, or an anonymous visitor. */
export async function principalOf(orm: Orm, user: SessionUser | null): Promise<Principal> {
  if (!user) return { kind: 'anonymous' };
  return { kind: 'user', user, units: user.unitId === null ? new Set() : await unitAndBelow(orm, user.unitId) };
}

/** The staff action a POST under /staff/cases/:number/:action asks for, or null for another route. */
function staffActionOf(req: FastifyRequest): CaseAction | null {
  if (req.method !== 'POST') return null;
  const a = (req.params as { action?: string }).action;
  if (!a) return null;
  return (STAFF_ACTIONS as readonly string[]).includes(a) ? (a as CaseAction) : null;
}

async function resolve(ctx: Ctx, req: FastifyRequest, g: Guard): Promise<CaseAccess> {
  const orm = ctx.db.orm;
  const key = String((req.params as Record<string, string>)[g.param] ?? '');
  const writes = req.method !== 'GET' && req.method !== 'HEAD';
  // A forbidden change answers 403 and changes nothing; a page one may not see is the same 404 as no page.
  const denied = () => new AppError(writes && g.staff ? 'FORBIDDEN' : 'NOT_FOUND');
  if (g.login && !req.user) throw new AppError('LOGIN_REQUIRED');
  if (g.staff && !hasCaseRole(req.user!)) throw new AppError('FORBIDDEN');

  if (g.by === 'token') {
    const view = await findByToken(orm, key);
    if (!view) throw new AppError('NOT_FOUND');
    // The link's holder sees the case whether or not staff hid it from the public: `hidden` decides nothing here.
    return { principal: { kind: 'link' }, audience: 'submitter', scope: { id: view.id, unitId: view.unitId, isPublic: view.isPublic, hidden: false, authorId: view.authorId }, view };
  }

  if (g.publicView && g.by === 'number') {
    // The hot path: one prepared statement that finds only public, visible cases.
    const view = await findPublicByNumber(orm, key);
    if (!view) throw new AppError(writes ? 'CASE_NOT_FOUND' : (g.missing ?? 'NOT_FOUND'));
    // A public page decides no staff right: the person's units are not looked up (a staff action
    // asked with this principal is refused, the safe way to be wrong).
    const principal: Principal = req.user ? { kind: 'user', user: req.user, units: new Set() } : { kind: 'anonymous' };
    return { principal, audience: 'public', scope: { id: view.id, unitId: view.unitId, isPublic: true, hidden: false, authorId: view.authorId }, view };
  }

  if (g.by === 'photo') {
    const scope = await caseScopeOfPhoto(orm, key);
    if (!scope) throw denied();
    const principal: Principal = g.publicView ? { kind: 'anonymous' } : await principalOf(orm, req.user);
    const audience = g.publicView ? (scope.isPublic && !scope.hidden && !scope.photoHidden ? 'public' : null) : audienceOf(principal, scope);
    if (!audience || (g.audiences && !g.audiences.includes(audience))) throw denied();
    return { principal, audience, scope, view: null };
  }

  const scope = await caseScopeByNumber(orm, key);
  if (!scope) throw denied();
  const principal = await principalOf(orm, req.user);
  const audience = audienceOf(principal, scope);
  if (!audience || (g.audiences && !g.audiences.includes(audience))) throw denied();
  const action = g.staff ? staffActionOf(req) : null;
  if (action && !may(principal, action, scope)) throw new AppError('FORBIDDEN');
  const view = await loadView(orm, eq(cases.id, scope.id), audience);
  if (!view) throw denied();
  return { principal, audience, scope, view };
}

/**
 * Installs the case guard: must run before the routes are registered. Routes under a guarded
 * prefix get a preHandler that resolves `req.caseAccess` or answers LOGIN_REQUIRED, FORBIDDEN or
 * NOT_FOUND before the handler runs.
 */
export function installCaseGuards(app: FastifyInstance, ctx: Ctx): void {
  app.decorateRequest('caseAccess', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    const g = guardOf(route.url ?? '');
    if (!g) return;
    const optional = (route.config as { caseOptional?: boolean } | undefined)?.caseOptional === true;
    const guard = async (req: FastifyRequest) => {
      try {
        req.caseAccess = await resolve(ctx, req, g);
      } catch (err) {
        if (!(optional && err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      }
    };
    const existing = route.preHandler;
    route.preHandler = existing ? [guard, ...(Array.isArray(existing) ? existing : [existing])] : [guard];
  });
}

/** The case access the guard resolved for this request (routes under a guarded prefix only). */
export function caseAccessOf(req: FastifyRequest): CaseAccess {
  if (!req.caseAccess) throw new AppError('NOT_FOUND');
  return req.caseAccess;
}

/**
 * Sends one attached document of the guarded case, if the audience receives it (its own files, or
 * those of an answer it reads); otherwise the same 404 as for a file that does not exist.
 */
export async function sendCaseDocument(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, opts: { personal: boolean }) {
  const doc = caseAccessOf(req).view?.documents.find((d) => d.id === (req.params as { id?: string }).id);
  const data = doc ? await ctx.files.get(`documents/${doc.id}`) : null;
  if (!doc || !data) throw new AppError('NOT_FOUND');
  if (opts.personal) reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'private, no-store');
  return reply.type(doc.mime).header('Content-Disposition', attachment(doc.filename)).send(data);
}
