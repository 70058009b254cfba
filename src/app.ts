import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Ctx } from './platform/context.js';
import { openDatabase, type Database } from './platform/db/index.js';
import { AppError, errorBody, type Lang } from './platform/errors/index.js';
import { refuseNul } from './platform/errors/validation.js';
import { toAppError } from './platform/web/http-errors.js';
import { localTarget, requestHeaders } from './platform/web/guards.js';
import { registerFormBodies } from './platform/web/bodies.js';
import { registerCsrf } from './platform/web/csrf.js';
import { errorForLog, requestForLog } from './platform/web/logging.js';
import { registerMultipartCleanup } from './platform/web/multipart.js';
import { diskStore } from './platform/files/storage.js';
import { loadGeography } from './platform/geo/index.js';
import { startJobs, type Jobs } from './platform/jobs/index.js';
import { MAIL_QUEUE, mailDelivery } from './platform/mail/index.js';
import { mailStatus, mailboxRoutes } from './platform/mail/mailbox.routes.js';
import { registerMetrics } from './platform/web/metrics.js';
import { errorPage } from './platform/web/pages.js';
import { apiDocsRoutes } from './platform/web/apidocs.js';
import { seedCatalog } from './modules/catalog/index.js';
import { casesRoutes, documentsRoutes, installCaseGuards, seedDemoCases } from './modules/cases/index.js';
import { ACCOUNTS_CLEANUP, ACCOUNTS_RECOVERY, accountsCleanup, accountsRecovery, accountsRoutes, authMailHooks, seedDemoUsers, toSessionUser } from './modules/accounts/index.js';
import { AnnouncementsBox, currentAnnouncements, directoryRoutes, seedDirectory } from './modules/directory/index.js';
import { overviewRoutes } from './modules/overview/index.js';
import { DEADLINES_DIGEST, DEADLINES_SWEEP, deadlinesDigest, deadlinesSweep, installDeadlines, seedDeadlinePolicies } from './modules/deadlines/index.js';
import { adminRoutes } from './modules/admin/index.js';
import { backofficeRoutes } from './modules/backoffice/index.js';
import { open311Routes, seedDemoApiKey } from './modules/open311/index.js';
import { createAuth, sessionOnlyCookie, sharedSecret, type SessionUser } from './platform/auth/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    /** The logged-in person, or null. */
    user: SessionUser | null;
  }
}


const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_DIR = join(ROOT, 'reference');

/** How the app is assembled; tests pass an open database and a clock. */
export interface AppOptions {
  config: Config;
  db?: Database;
  now?: () => Date;
  /** Run job workers in this process (default: config.jobs). */
  runWorkers?: boolean;
  /** Poll interval of job workers, seconds (tests use a short one). */
  pollSeconds?: number;
  logger?: boolean;
  /** Where log lines go (default: standard output); tests read them. */
  logStream?: { write(line: string): void };
  /** Load reference data and, in demo mode, demo data at start (default). Tests start from a prepared template database. */
  prepare?: boolean;
  /** Extra routes registered before the app starts (tests, tools). */
  routes?: (app: FastifyInstance, ctx: Ctx) => void | Promise<void>;
}

/** The assembled platform: the HTTP app, the context its use cases run in, and how to stop it. */
export interface App {
  app: FastifyInstance;
  ctx: Ctx;
  close(): Promise<void>;
}

/** Prepares reference data (and demo data when configured) on an open database; idempotent. */
export async function prepareData(db: Database, config: Pick<Config, 'demo' | 'demoSignals'>): Promise<{ demoSeeded: number }> {
  await loadGeography(db, REFERENCE_DIR);
  await seedCatalog(db, REFERENCE_DIR);
  await seedDirectory(db);
  await seedDeadlinePolicies(db);
  if (config.demo) {
    await seedDemoUsers(db);
    await seedDemoApiKey(db);
  }
  const demoSeeded = config.demo ? await seedDemoCases(db, config.demoSignals) : 0;
  return { demoSeeded };
}

/** Builds the platform: database, jobs, routes. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const ownDb = !opts.db;
  const db =
    opts.db ??
    (await openDatabase({
      url: config.databaseUrl,
      readUrl: config.databaseReadUrl,
      dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
      cacheDir: join(config.dataDir, 'cache'),
    }));
  if (opts.prepare !== false) await prepareData(db, config);
  const runWorkers = opts.runWorkers ?? config.jobs;
  const jobs: Jobs = await startJobs(db, {
    runWorkers,
    queues: [MAIL_QUEUE, ACCOUNTS_CLEANUP, ACCOUNTS_RECOVERY, DEADLINES_SWEEP, DEADLINES_DIGEST],
    pollSeconds: opts.pollSeconds,
    schema: config.jobsSchema,
    scheduleCheckSeconds: config.jobsScheduleCheckSeconds,
  });
  const secret = await sharedSecret(db, config.authSecret);
  // The mail hooks need the finished context; better-auth calls them only after start-up.
  let ctxRef: Ctx | null = null;
  const auth = createAuth(db, { secret, baseUrl: config.publicBaseUrl, hooks: authMailHooks(() => ctxRef!) });
  const ctx: Ctx = { db, jobs, files: diskStore(join(config.dataDir, 'files')), config, auth, secret, now: opts.now ?? (() => new Date()) };
  ctxRef = ctx;
  // Ten emails per fetch: a burst of submissions brings a burst of confirmations.
  await jobs.work(MAIL_QUEUE, mailDelivery(db, { smtpUrl: config.smtpUrl, from: config.mailFrom }), { batchSize: 10 });
  await jobs.schedule(ACCOUNTS_CLEANUP, config.cleanupCron, accountsCleanup(db, ctx.now), { tz: 'Europe/Sofia' });
  // Recovery requests: the lookup, token and email off the request path (issue 11: timing tells nothing).
  await jobs.work(ACCOUNTS_RECOVERY, accountsRecovery(ctx));
  // Legal clocks (issue 12): reminders, escalation and expiry; the daily digest. Once per tick for all instances.
  await jobs.schedule(DEADLINES_SWEEP, config.deadlinesCron, deadlinesSweep(ctx), { tz: 'Europe/Sofia' });
  await jobs.schedule(DEADLINES_DIGEST, config.deadlinesDigestCron, deadlinesDigest(ctx), { tz: 'Europe/Sofia' });

  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : // Request URLs are logged with their keys redacted (private links, reset and verify tokens).
          { level: config.logLevel, serializers: { req: requestForLog }, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    // JSON and url-encoded bodies: 1 MB. Multipart uploads are streamed to disk with their own
    // per-file and per-request limits (platform/web/multipart.ts).
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Sofia citizen services API',
        description: 'Signals and questions to Sofia Municipality: submit, track, map. Bulgarian first; errors name the field.',
        version: '1.0.0',
      },
      servers: [{ url: config.publicBaseUrl }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(cookie);
  registerFormBodies(app);
  await app.register(multipart, {
    // An oversized photo is reported by name while the rest of the form is still read.
    throwFileSizeLimit: false,
    limits: { fileSize: 10 * 1024 * 1024, files: 6, fields: 60, fieldSize: 64 * 1024, parts: 80 },
  });
  registerMultipartCleanup(app);
  await app.register(fastifyStatic, { root: join(ROOT, 'public'), prefix: '/static/', maxAge: '1h' });
  const leaflet = dirname(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.js'));
  await app.register(fastifyStatic, { root: leaflet, prefix: '/vendor/leaflet/', decorateReply: false, maxAge: '1d' });

  app.decorateRequest('lang', 'bg');
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req, reply) => {
    const q = (req.query as Record<string, unknown> | undefined)?.lang;
    const c = req.cookies?.lang;
    req.lang = q === 'en' || q === 'bg' ? q : c === 'en' ? 'en' : 'bg';
    if (req.url.startsWith('/static/') || req.url.startsWith('/vendor/') || req.url === '/health' || req.url === '/metrics') return;
    if (!(req.headers.cookie ?? '').includes('session_token')) return;
    const res = await auth.api.getSession({ headers: requestHeaders(req), returnHeaders: true });
    // AC-4 and OWASP session management: besides 60 idle minutes, a session ends a fixed time
    // after login however active it is, so a stolen cookie does not live forever. Measured on the
    // real clock, as better-auth stamps and expires sessions (not the app's settable clock).
    const startedAt = res.response ? new Date((res.response.session as { createdAt: Date | string }).createdAt).getTime() : NaN;
    if (Date.now() - startedAt > config.sessionMaxHours * 3600_000) {
      const out = await auth.api.signOut({ headers: requestHeaders(req), returnHeaders: true });
      reply.header('set-cookie', out.headers.getSetCookie());
      return;
    }
    const cookies = res.headers.getSetCookie().map(sessionOnlyCookie);
    if (cookies.length) reply.header('set-cookie', cookies);
    const user = res.response ? toSessionUser(res.response.user as unknown as Record<string, unknown>) : null;
    req.user = user;
    if (user && q !== 'en' && q !== 'bg' && c !== 'en' && c !== 'bg') req.lang = user.locale;
    // Pages for a person must never be served from a shared cache.
    if (user) reply.header('Cache-Control', 'private, no-store');
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    if (!reply.hasHeader('Referrer-Policy')) reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'SAMEORIGIN');
    // Scripts only from us (no inline script anywhere); Leaflet positions tiles with inline styles;
    // tiles may come from the configured tile server.
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
  });

  // A NUL anywhere in a query, path or form/JSON value is a 400 naming the field, before any
  // handler (issue 11, defect 8; platform/errors/validation.ts).
  app.addHook('preValidation', async (req) => refuseNul(req));

  // CSRF: after the session lookup above, before any handler (platform/web/csrf.ts).
  registerCsrf(app, { secret, publicBaseUrl: config.publicBaseUrl });

  app.setErrorHandler((err: FastifyError, req, reply) => presentError(err, req, reply));
  app.setNotFoundHandler((req, reply) => presentError(new AppError('NOT_FOUND'), req, reply));

  app.get('/lang/:lang', { schema: { hide: true } }, async (req, reply) => {
    const { lang } = req.params as { lang: string };
    reply.setCookie('lang', lang === 'en' ? 'en' : 'bg', { path: '/', maxAge: 365 * 86400, sameSite: 'lax', httpOnly: true });
    // Only paths on this site: an open redirect here would lend the city's name to phishing.
    return reply.redirect(localTarget((req.query as { back?: unknown }).back), 303);
  });
  app.get('/health', { schema: { hide: true } }, async () => {
    await db.raw.executeSql('SELECT 1', []);
    // Without SMTP_URL nothing is delivered: say so where monitoring looks.
    return { status: 'ok', database: db.kind, mail: await mailStatus(db, config) };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerMetrics(app, { token: config.metricsToken }, async () => {
    const { rows } = await db.raw.executeSql(
      "SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM mail_outbox WHERE status = 'queued')::int AS mail_queued",
      [],
    );
    return { sofia_cases_total: Number(rows[0].cases), sofia_mail_queued: Number(rows[0].mail_queued) };
  });
  // Before any route: every route under a case prefix is guarded by the one access policy.
  installCaseGuards(app, ctx);
  installDeadlines();
  await casesRoutes(app, ctx, {
    homeAside: async (lang, now) => AnnouncementsBox({ lang, items: await currentAnnouncements(db.orm, now) }),
  });
  await accountsRoutes(app, ctx);
  await documentsRoutes(app, ctx);
  await directoryRoutes(app, ctx);
  await overviewRoutes(app, ctx);
  await adminRoutes(app, ctx);
  await backofficeRoutes(app, ctx);
  await open311Routes(app, ctx);
  await mailboxRoutes(app, ctx);
  await apiDocsRoutes(app);
  if (opts.routes) await opts.routes(app, ctx);
  await app.ready();

  return {
    app,
    ctx,
    async close() {
      await app.close();
      await jobs.stop();
      if (ownDb) await db.close();
    },
  };
}

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url.startsWith('/open311/') || (req.headers.accept ?? '').startsWith('application/json');
}

/** The one place an error becomes an HTTP answer: a status, a message in the reader's language, never a stack trace. */
function presentError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const appErr = toAppError(err, req);
  // The error's class, code and stack, never its values: SQL parameters hold personal data.
  if (appErr.code === 'INTERNAL') req.log.error({ err: errorForLog(err) }, 'unhandled error');
  // AC-4: a page that needs an account shows the login page and comes back after it.
  if (appErr.code === 'LOGIN_REQUIRED' && !wantsJson(req)) {
    const back = localTarget(req.method === 'GET' ? req.url : refererPath(req.headers.referer));
    return reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  }
  reply.code(appErr.status);
  if (wantsJson(req)) return reply.send(errorBody(appErr, req.lang ?? 'bg'));
  return reply.type('text/html; charset=utf-8').send(errorPage(req, appErr));
}

/** The path of the page a request came from, or "/" when the Referer is missing or not a URL. */
function refererPath(referer: string | undefined): string {
  if (!referer || !URL.canParse(referer)) return '/';
  return new URL(referer).pathname;
}
