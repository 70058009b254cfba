import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../platform/audit/index.js';
import type { Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors/index.js';
import { formFields, requireRole } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { readBack, readMultipart } from '../../platform/web/multipart.js';
import type { Upload } from '../cases/index.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import type { Lang } from '../../platform/errors/index.js';
import { atomFeed, csvStream, geojsonStream, parseSignalFilter } from './open311.exports.js';
import { createKey, listKeys, renameKey, revokeKey, setKeyQuota } from './open311.keys.js';
import { presentOpen311Error, sendOpen311 } from './open311.present.js';
import { toXml } from './open311.xml.js';
import { cached, publicDataKey, TtlCache } from '../../platform/cache/index.js';
import { retryAfter } from '../../platform/ratelimit/index.js';
import {
  JurisdictionQuery,
  O311Created,
  O311Discovery,
  O311Errors,
  O311Request,
  O311Service,
  O311ServiceDefinition,
  O311Token,
  O311Update,
  PostRequestBody,
  RequestsQuery,
  SignalsQuery,
  UpdatesQuery,
} from './open311.schemas.js';
import { checkJurisdiction, discovery, findRequests, getRequest, listServices, postRequest, requestUpdates, serviceDefinition, tokenRequest, type Params } from './open311.service.js';
import { ApiKeysPage, type KeysPageState } from './open311.views.js';

// Open311 parameters are checked by the use cases, so that an empty one counts as absent and every
// error comes in the spec's form; the zod schemas only document them in /openapi.json.
const documentOnly = () => (data: unknown) => ({ value: data });
const FORMATS = ['json', 'xml'] as const;
const errorsSchema = { 400: O311Errors, 403: O311Errors, 404: O311Errors };

/** A route's schema: documented for JSON, hidden for XML (the same data, another form). */
function docs(fmt: 'json' | 'xml', s: Record<string, unknown>) {
  return fmt === 'json' ? { tags: ['open311'], ...s, response: { ...(s.response as object), ...errorsSchema } } : { hide: true };
}

// Clients poll GET requests and servicerequestupdates with the same parameters (the default window
// above all): for a few seconds an answer is served again as the same bytes, unless public data
// changed in this process; another instance's answer is at most ANSWER_MS old.
const ANSWER_MS = 10_000;
const answers = new TtlCache<Promise<string>>(ANSWER_MS, 200);

/** The serialized answer for this format, language and query, computed at most once per ANSWER_MS. */
function answerOnce(fmt: 'json' | 'xml', req: FastifyRequest, root: string, compute: () => Promise<unknown>): Promise<string> {
  const query = Object.entries((req.query ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  const key = publicDataKey([fmt, root, req.lang, query]);
  return cached(answers, key, Date.now(), async () => {
    const data = await compute();
    return fmt === 'xml' ? toXml(root, data) : JSON.stringify(data);
  });
}

function sendBody(reply: FastifyReply, fmt: 'json' | 'xml', body: string): FastifyReply {
  return reply.type(fmt === 'xml' ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8').send(body);
}

/** Open311 GeoReport v2 at /open311/v2 (API-1), every endpoint in .json and .xml. */
async function geoReport(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const orm = ctx.db.orm;
  app.setErrorHandler((err, req, reply) => presentOpen311Error(err, req, reply));
  app.setNotFoundHandler((req, reply) => presentOpen311Error(new AppError('NOT_FOUND'), req, reply));
  // Public data: browser applications on other sites may read it (only reading: POST needs a key anyway).
  app.addHook('onSend', async (req, reply) => {
    if (req.method === 'GET') reply.header('Access-Control-Allow-Origin', '*');
  });
  const params = (req: FastifyRequest): Params => ({ ...((req.query ?? {}) as Params) });

  for (const fmt of FORMATS) {
    const opts = (s: Record<string, unknown>) => ({ schema: docs(fmt, s), validatorCompiler: documentOnly });

    app.get(`/discovery.${fmt}`, opts({ summary: 'Open311: discovery', querystring: JurisdictionQuery, response: { 200: O311Discovery } }), async (req, reply) => {
      checkJurisdiction(params(req));
      return sendOpen311(reply, fmt, 'discovery', discovery(ctx, req.lang));
    });

    app.get(`/services.${fmt}`, opts({ summary: 'Open311: services, one per catalogue type', querystring: JurisdictionQuery, response: { 200: z.array(O311Service) } }), async (req, reply) => {
      checkJurisdiction(params(req));
      return sendOpen311(reply, fmt, 'services', await listServices(orm, req.lang));
    });

    app.get(
      `/services/:service_code.${fmt}`,
      opts({ summary: 'Open311: a service’s extra fields (attributes)', params: z.object({ service_code: z.string() }), querystring: JurisdictionQuery, response: { 200: O311ServiceDefinition } }),
      async (req, reply) => {
        checkJurisdiction(params(req));
        return sendOpen311(reply, fmt, 'service_definition', await serviceDefinition(orm, (req.params as { service_code: string }).service_code, req.lang));
      },
    );

    app.get(`/requests.${fmt}`, opts({ summary: 'Open311: public signals', querystring: RequestsQuery, response: { 200: z.array(O311Request) } }), async (req, reply) =>
      sendBody(reply, fmt, await answerOnce(fmt, req, 'service_requests', () => findRequests(ctx, params(req), req.lang))),
    );

    app.post(
      `/requests.${fmt}`,
      {
        ...opts({
          summary: 'Open311: submit a signal (needs api_key)',
          description:
            'Form-encoded. The same checks, registration number, routing and emails as the web form. Multipart with a `media` file (a photo) is accepted too. ' +
            'Each key has an hourly quota of submissions set by the administrators (500 unless changed); past it, and past 5 confirmation emails an hour to one `email`, the answer is 429 with Retry-After and nothing is registered.',
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          querystring: JurisdictionQuery,
          body: PostRequestBody,
          response: { 200: z.array(O311Created), 429: O311Errors },
        }),
      },
      async (req, reply) => {
        const { fields, photos } = await readPost(req, ctx.config.dataDir);
        const created = await postRequest(ctx, { ...params(req), ...fields }, req.lang, photos).catch(retryAfter(reply));
        return sendOpen311(reply, fmt, 'service_requests', [created]);
      },
    );

    for (const path of ['requests', 'request']) {
      app.get(
        `/${path}/:service_request_id.${fmt}`,
        path === 'request'
          ? { schema: { hide: true }, validatorCompiler: documentOnly }
          : opts({ summary: 'Open311: one public signal', params: z.object({ service_request_id: z.string() }), querystring: RequestsQuery.pick({ jurisdiction_id: true, lang: true, extensions: true }), response: { 200: z.array(O311Request) } }),
        async (req, reply) => sendOpen311(reply, fmt, 'service_requests', await getRequest(ctx, (req.params as { service_request_id: string }).service_request_id, params(req), req.lang)),
      );
    }

    app.get(
      `/tokens/:token.${fmt}`,
      opts({ summary: 'Open311: the service_request_id behind a token', params: z.object({ token: z.string() }), querystring: JurisdictionQuery, response: { 200: z.array(O311Token) } }),
      async (req, reply) => sendOpen311(reply, fmt, 'service_requests', await tokenRequest(orm, (req.params as { token: string }).token, params(req))),
    );

    app.get(
      `/servicerequestupdates.${fmt}`,
      opts({ summary: 'Open311 (FixMyStreet): public updates of signals in a period', querystring: UpdatesQuery, response: { 200: z.array(O311Update) } }),
      async (req, reply) => sendBody(reply, fmt, await answerOnce(fmt, req, 'service_request_updates', () => requestUpdates(ctx, params(req), req.lang))),
    );
  }
}

/** A POST's fields (repeated names as lists) and, when multipart, its `media` photos. */
async function readPost(req: FastifyRequest, dataDir: string): Promise<{ fields: Params; photos: Upload[] }> {
  const photos: Upload[] = [];
  if (!req.isMultipart()) {
    const body = req.body;
    return { fields: body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Params) } : {}, photos };
  }
  // Up to five photos of 10 MB, streamed to disk as they arrive (the whole request is read, so the
  // answer does not cut it short after an oversized file), read back one at a time here.
  const form = await readMultipart(req, dataDir, { fileSize: 10 * 1024 * 1024, files: 6, requestBytes: 52 * 1024 * 1024 });
  if (form.tooManyFiles) throw new AppError('TOO_MANY_PHOTOS', { field: 'photos' });
  let tooLarge: string | null = null;
  for (const f of form.files) {
    if (f.fieldname !== 'media' && f.fieldname !== 'media[]') continue;
    const field = `photos[${photos.length}]`;
    if (f.truncated) tooLarge ??= field;
    else photos.push({ field, data: () => readBack(f) });
  }
  if (tooLarge) throw new AppError('PHOTO_TOO_LARGE', { field: tooLarge });
  return { fields: { ...form.fields } as Params, photos };
}

/** API-3: public signals as GeoJSON, CSV and Atom, with the map's filters. */
async function exportRoutes(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const lang = (req: FastifyRequest): Lang => ((req.query as { lang?: string }).lang === 'en' ? 'en' : (req.query as { lang?: string }).lang === 'bg' ? 'bg' : req.lang);
  const stream = (reply: FastifyReply, type: string, filename: string, body: AsyncGenerator<string>) =>
    reply
      .type(type)
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('Access-Control-Allow-Origin', '*')
      .header('Cache-Control', 'public, max-age=60')
      .send(Readable.from(body));

  app.get(
    '/exports/signals.geojson',
    { schema: { summary: 'Public signals as GeoJSON (streamed)', tags: ['exports'], querystring: SignalsQuery }, validatorCompiler: documentOnly },
    async (req, reply) => {
      const f = await parseSignalFilter(ctx.db.orm, req.query as Params);
      return stream(reply, 'application/geo+json; charset=utf-8', 'signals.geojson', geojsonStream(ctx, f, lang(req)));
    },
  );
  app.get(
    '/exports/signals.csv',
    { schema: { summary: 'Public signals as CSV, UTF-8 with BOM (streamed)', tags: ['exports'], querystring: SignalsQuery }, validatorCompiler: documentOnly },
    async (req, reply) => {
      const f = await parseSignalFilter(ctx.db.orm, req.query as Params);
      return stream(reply, 'text/csv; charset=utf-8', 'signals.csv', csvStream(ctx, f, lang(req)));
    },
  );
  app.get(
    '/feeds/signals.atom',
    {
      schema: { summary: 'Atom feed of new and updated public signals for a district, a category or an area', tags: ['exports'], querystring: SignalsQuery.pick({ district: true, category: true, bbox: true, status: true, lang: true }) },
      validatorCompiler: documentOnly,
    },
    async (req, reply) => {
      const q = req.query as Params;
      const f = await parseSignalFilter(ctx.db.orm, { district: q.district, category: q.category, bbox: q.bbox, status: q.status });
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('Access-Control-Allow-Origin', '*')
        .header('Cache-Control', 'public, max-age=60')
        .send(await atomFeed(ctx, f, lang(req)));
    },
  );
}

/** The administrator behind a request, as the audit log records them; anyone else is refused first. */
function adminActor(req: FastifyRequest): Actor {
  const u = requireRole(req, 'admin');
  return { id: u.id, label: u.username, ip: req.ip };
}

function keyId(v: string | undefined): number {
  if (!v || !/^[1-9]\d{0,15}$/.test(v)) throw new AppError('NOT_FOUND');
  return Number(v);
}

/** API-1: the administrators' page of client application keys. */
async function apiKeyPages(app: FastifyInstance, ctx: Ctx): Promise<void> {
  const hide = { schema: { hide: true } };
  const page = async (req: FastifyRequest, reply: FastifyReply, s: KeysPageState, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      // The page may carry a new key: never cached, never sent on as a referrer.
      .header('Cache-Control', 'private, no-store')
      .header('Referrer-Policy', 'no-referrer')
      .send(renderPage(ApiKeysPage({ ctx: pageCtx(req), rows: await listKeys(ctx.db.orm, ctx.now()), s })));
  const done = (req: FastifyRequest) => {
    const d = (req.query as { done?: string }).done;
    return d === 'revoked' || d === 'renamed' || d === 'quota' ? d : undefined;
  };

  app.get('/admin/api-keys', hide, async (req, reply) => {
    adminActor(req);
    return page(req, reply, { values: {}, issues: [], done: done(req) });
  });
  app.post('/admin/api-keys', hide, async (req, reply) => {
    const actor = adminActor(req);
    const values = formFields(req);
    try {
      const created = await createKey(ctx, actor, values.name ?? '');
      return page(req, reply, { values: {}, issues: [], created: { name: created.name, key: created.key } });
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'VALIDATION') throw err;
      return page(req, reply, { values, issues: e.issues }, e.status);
    }
  });
  app.post('/admin/api-keys/:id/name', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = keyId((req.params as { id?: string }).id);
    const values = formFields(req);
    try {
      await renameKey(ctx, actor, id, values.name ?? '');
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'VALIDATION') throw err;
      return page(req, reply, { values: {}, issues: e.issues }, e.status);
    }
    return reply.redirect('/admin/api-keys?done=renamed', 303);
  });
  // Issue 11: each key's hourly quota of submissions, set here and audited.
  app.post('/admin/api-keys/:id/quota', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = keyId((req.params as { id?: string }).id);
    const values = formFields(req);
    try {
      await setKeyQuota(ctx, actor, id, values.quota ?? '');
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'VALIDATION') throw err;
      return page(req, reply, { values: {}, issues: [], quotaError: { id, value: String(values.quota ?? '').slice(0, 20), issues: e.issues } }, e.status);
    }
    return reply.redirect('/admin/api-keys?done=quota', 303);
  });
  app.post('/admin/api-keys/:id/revoke', hide, async (req, reply) => {
    const actor = adminActor(req);
    await revokeKey(ctx, actor, keyId((req.params as { id?: string }).id));
    return reply.redirect('/admin/api-keys?done=revoked', 303);
  });
}

/** Routes of the open311 module: Open311 GeoReport v2, exports and feeds, the API key page. */
export async function open311Routes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  await app.register(async (scope) => geoReport(scope, ctx), { prefix: '/open311/v2' });
  await exportRoutes(app, ctx);
  await apiKeyPages(app, ctx);
}
