import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { h, type VNode } from 'preact';
import type { Ctx } from '../../platform/context.js';
import { AppError, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { ID_MAX, int, number, parseOrThrow } from '../../platform/errors/validation.js';
import { renderFragment, renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { readBack, readMultipart } from '../../platform/web/multipart.js';
import { checkHuman, formStamp, STAMP_FIELD } from '../../platform/web/forms.js';
import { LimitError, retryAfter } from '../../platform/ratelimit/index.js';
import { getCatalog, localName } from '../catalog/index.js';
import { listMapSignals, mapClusters, nearbySignals } from './cases.map.js';
import { isSubscribed } from './cases.documents.js';
import { STATUSES } from './cases.policy.js';
import { MapQuery, PublicCase, SubmitCaseBody, SubmittedCase, type MapFilter } from './cases.schemas.js';
import { caseUrl, statusLabel, submitCase, type Upload } from './cases.service.js';
import { findPublicByNumber, type CaseView } from './cases.present.js';
import { caseAccessOf, sendCaseDocument } from './cases.guard.js';
import { expectedAnswersOf } from './cases.hooks.js';
import { CasePage, ExtraFields, HomePage, ReceiptPage, SubmitPage, TrackNotFoundPage, type FormValues } from './cases.views.js';

const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** The public JSON shape of a case. */
function presentCase(view: CaseView, lang: 'bg' | 'en'): z.infer<typeof PublicCase> {
  return {
    number: view.number,
    kind: view.kind,
    registeredAt: view.registeredAt.toISOString(),
    status: view.status,
    statusLabel: statusLabel(view.status, lang),
    open: STATUSES[view.status].open,
    category: view.category?.[lang] ?? null,
    type: view.type?.[lang] ?? null,
    district: view.district?.[lang] ?? null,
    neighbourhood: view.neighbourhood?.[lang] ?? null,
    address: view.address,
    description: view.description,
    lat: view.lat,
    lon: view.lon,
    photos: view.photos.map((p) => ({ url: `/photos/${p.id}/large.jpg`, thumbUrl: `/photos/${p.id}/thumb.jpg` })),
    history: view.history.map((e) => ({
      at: e.at.toISOString(),
      type: e.type,
      status: e.statusTo,
      statusLabel: e.statusTo ? statusLabel(e.statusTo, lang) : null,
      text: e.text,
      by: e.by,
    })),
  };
}

/** Five photos of 10 MB (one more is reported as too many), the fields, and the form's framing. */
const PHOTO_FORM_LIMITS = { fileSize: 10 * 1024 * 1024, files: 6, requestBytes: 52 * 1024 * 1024 };

/** Fields of the signal and question forms that hold numbers (a select's id, the map's point). */
const NUMERIC_FIELDS = new Set(['typeId', 'categoryId', 'lat', 'lon']);

/** Reads a multipart form: its fields as strings (repeated names as lists), its photos, and upload problems. */
async function readForm(req: FastifyRequest, dataDir: string): Promise<{ values: FormValues; photos: Upload[]; issues: FieldIssue[] }> {
  const values: FormValues = {};
  const photos: Upload[] = [];
  const issues: FieldIssue[] = [];
  if (!req.isMultipart()) {
    // A form posted url-encoded (a client without file support) still works, without photos.
    // A client may post JSON here: a number where the form has a number is read as typed; an object,
    // a list of them, or a number where the form has text is a field error, never a 500.
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) {
      const numeric = NUMERIC_FIELDS.has(k) || k.startsWith('x_');
      if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) values[k] = v as string | string[];
      else if (numeric && typeof v === 'number' && Number.isFinite(v)) values[k] = String(v);
      else if (v !== undefined && v !== null) issues.push({ field: k.startsWith('x_') ? `extra.${k.slice(2)}` : k, code: NUMERIC_FIELDS.has(k) ? 'NOT_A_NUMBER' : 'NOT_TEXT' });
    }
    return { values, photos, issues };
  }
  // Photos are streamed to disk while the form arrives and read back one at a time here.
  const form = await readMultipart(req, dataDir, PHOTO_FORM_LIMITS);
  Object.assign(values, form.fields);
  for (const f of form.files) {
    if (f.fieldname !== 'photos') continue;
    const field = `photos[${photos.length + issues.length}]`;
    // Keep reading after an oversized file, so the rest of what the person typed is not lost.
    if (f.truncated) issues.push({ field, code: 'PHOTO_TOO_LARGE' });
    else photos.push({ field, data: () => readBack(f) });
  }
  if (form.tooManyFiles) issues.push({ field: 'photos', code: 'TOO_MANY_PHOTOS' });
  return { values, photos, issues };
}

/** Turns the web form's strings into the submission input the API also takes. */
function formToInput(values: FormValues, kind: 'signal' | 'question', typeCategory: number | undefined, lang: 'bg' | 'en') {
  const one = (k: string) => {
    const v = values[k];
    const x: unknown = Array.isArray(v) ? v[0] : v;
    const s = typeof x === 'string' ? x.trim() : undefined;
    return s ? s : undefined;
  };
  const extra: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith('x_') && v !== undefined) extra[k.slice(2)] = v;
  const num = (k: string) => one(k)?.replace(',', '.');
  return {
    kind,
    typeId: one('typeId'),
    categoryId: one('categoryId') ?? typeCategory,
    description: one('description') ?? '',
    address: one('address'),
    lat: num('lat'),
    lon: num('lon'),
    districtCode: one('districtCode'),
    extra,
    name: one('name'),
    submitterAddress: one('submitterAddress'),
    phone: one('phone'),
    email: one('email'),
    lang: one('lang') === 'en' ? 'en' : lang,
  };
}

/** What the app adds to the home page from other modules. */
export interface CasesRouteOptions {
  homeAside?: (lang: 'bg' | 'en', now: Date) => Promise<VNode | null>;
}

/** Pages and API of signals and questions: submit, track, map (CC-1..CC-6). */
export async function casesRoutes(root: FastifyInstance, ctx: Ctx, opts: CasesRouteOptions = {}): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const orm = ctx.db.orm;
  const mapSettings = { tileUrl: ctx.config.tileUrl, attribution: ctx.config.tileAttribution };

  // ------------------------------------------------------------ pages
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const parsed = MapQuery.safeParse({ category: q.category || undefined, status: q.status || undefined, district: q.district || undefined });
    const filter: MapFilter = parsed.success ? parsed.data : { zoom: 12 };
    const page = Math.min(Math.max(1, Number(q.page) || 1), 10_000);
    const [catalog, list, aside] = await Promise.all([
      getCatalog(orm),
      listMapSignals(ctx.db.read, filter, req.lang, ctx.now(), page),
      opts.homeAside ? opts.homeAside(req.lang, ctx.now()) : Promise.resolve(null),
    ]);
    const [lat, lon] = String(q.at ?? '').split(',').map(Number);
    const at = lat !== undefined && lon !== undefined && Math.abs(lat - 42.7) < 0.5 && Math.abs(lon - 23.3) < 0.5 ? { lat, lon } : undefined;
    return html(reply, renderPage(HomePage({ ctx: pageCtx(req), catalog, filter, list: { ...list, page, pageSize: 20 }, map: mapSettings, at, aside })));
  });

  for (const kind of ['signal', 'question'] as const) {
    const path = kind === 'signal' ? '/signals/new' : '/questions/new';
    app.get(path, { schema: { hide: true } }, async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const catalog = await getCatalog(orm);
      const values: FormValues = { typeId: q.type ?? q.typeId };
      // CC-12: a registered user's details are filled in from the profile (and can still be edited).
      const u = req.user;
      if (u) Object.assign(values, { name: `${u.firstName} ${u.lastName}`.trim(), email: u.email, phone: u.phone ?? '', submitterAddress: u.address ?? '' });
      return html(reply, renderPage(SubmitPage({ ctx: pageCtx(req), kind, catalog, values, issues: [], map: mapSettings, stamp: formStamp(ctx.secret, ctx.now()) })));
    });

    app.post(path, { schema: { hide: true } }, async (req, reply) => {
      const catalog = await getCatalog(orm);
      let values: FormValues = {};
      // A form that comes back carries a new stamp (the one it was sent with is spent), except after
      // the no-JavaScript "Continue" step, which submits nothing: its time counts from the first display.
      const shownStamp = (v: FormValues) => {
        const x = v[STAMP_FIELD];
        return typeof x === 'string' && x.length <= 100 ? x : undefined;
      };
      const rerender = (issues: FieldIssue[], status: number, formError?: ErrorCode, stamp = formStamp(ctx.secret, ctx.now())) =>
        nearbyFor(values).then((nearby) =>
          html(
            reply.code(status),
            renderPage(SubmitPage({ ctx: pageCtx(req), kind, catalog, values, issues, map: mapSettings, formError, nearby, stamp, formDetail: formError === 'ACCOUNT_SUSPENDED' ? (req.user?.suspendedReason ?? undefined) : undefined })),
          ),
        );
      // Without JavaScript the nearby signals appear when the form comes back (the "Continue" step or an error).
      const nearbyFor = async (v: FormValues) => {
        const one = (k: string) => String((Array.isArray(v[k]) ? v[k]![0] : v[k]) ?? '').replace(',', '.');
        const type = catalog.type(Number(one('typeId')));
        const lat = Number(one('lat'));
        const lon = Number(one('lon'));
        if (kind !== 'signal' || !type || !one('lat') || !one('lon') || !Number.isFinite(lat) || !Number.isFinite(lon)) return [];
        return nearbySignals(ctx.db.read, type.categoryId, lat, lon, req.lang, ctx.now());
      };
      try {
        const form = await readForm(req, ctx.config.dataDir);
        values = form.values;
        if (form.issues.length) throw new AppError('VALIDATION', { issues: form.issues });
        // The no-JavaScript "Continue" step: show the chosen type's extra fields, nothing is submitted.
        if (values.step === 'type') return rerender([], 200, undefined, shownStamp(values));
        const u = req.user;
        if (u?.suspendedReason) throw new AppError('ACCOUNT_SUSPENDED');
        // Bot protection as on registration (AC-2, issue 11) for anonymous submitters: a honeypot, a
        // minimum fill time, single use. A signed-in person passed it when registering, and verified an email.
        if (!u) await checkHuman(ctx.db.orm, values, ctx.secret, ctx.now(), ctx.config.formMinSeconds);
        const type = catalog.type(Number(values.typeId));
        const input = parseOrThrow(SubmitCaseBody, formToInput(values, kind, type?.categoryId, req.lang));
        const done = await submitCase(ctx, input, form.photos, 'web', u?.id ?? null, { ip: req.ip, verifiedEmail: u?.emailVerified ? u.email : null });
        return reply.redirect(`/p/${done.token}?new=1`, 303);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'INTERNAL') throw err;
        if (e instanceof LimitError) reply.header('Retry-After', String(e.retryAfterSeconds));
        // The type alone decides the category in the form; one message for both is enough.
        const issues = e.issues.some((i) => i.field === 'typeId') ? e.issues.filter((i) => i.field !== 'categoryId') : e.issues;
        // A form sent too fast keeps its (unspent) stamp: the wait counts from when it was first shown.
        return rerender(issues, e.status, issues.length ? undefined : e.code, e.code === 'FORM_TOO_FAST' ? shownStamp(values) : undefined);
      }
    });
  }

  app.get('/signals/new/fields', { schema: { hide: true } }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const type = (await getCatalog(orm)).type(Number(q.type));
    const ctxPage = { ...pageCtx(req), lang: q.lang === 'en' ? ('en' as const) : req.lang };
    return html(reply, type ? renderFragment(h(ExtraFields, { type, ctx: ctxPage, values: {}, issues: [] })) : '');
  });

  app.get('/track', { schema: { hide: true } }, async (req, reply) => {
    const number = String((req.query as { number?: string }).number ?? '').slice(0, 100);
    const view = number ? await findPublicByNumber(orm, number) : null;
    if (view) return reply.redirect(caseUrl(view.number), 303);
    return html(reply.code(404), renderPage(TrackNotFoundPage({ ctx: pageCtx(req), number })));
  });

  // Every route below is under a guarded prefix (cases.guard.ts): the case arrives as its audience receives it.
  app.get('/cases/:number', { schema: { hide: true }, config: { caseOptional: true } }, async (req, reply) => {
    const access = req.caseAccess;
    if (!access?.view) return html(reply.code(404), renderPage(TrackNotFoundPage({ ctx: pageCtx(req), number: (req.params as { number: string }).number })));
    const view = access.view;
    const subscription = !req.user ? 'anonymous' : (await isSubscribed(orm, req.user.id, view.id)) ? 'subscribed' : 'none';
    // Issue 12: its signed-in author also sees when to expect the answer (the public does not).
    const mine = !!req.user && access.scope.authorId === req.user.id && !view.anonymous;
    const expected = mine ? ((await expectedAnswersOf(orm, [view.id])).get(view.id) ?? null) : null;
    return html(reply, renderPage(CasePage({ ctx: pageCtx(req), view, subscription, expected })));
  });

  // Files of a public answer (CC-10), served only while the case and the answer are public.
  app.get('/cases/:number/files/:id', { schema: { hide: true } }, async (req, reply) => sendCaseDocument(ctx, req, reply, { personal: false }));

  app.get('/p/:token', { schema: { hide: true } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const view = caseAccessOf(req).view!;
    // The token is the key to personal data: keep it out of other sites' logs.
    reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'private, no-store');
    const justRegistered = (req.query as { new?: string }).new === '1';
    // Issue 12: when the submitter may expect the answer. An anonymous signal opens no proceedings
    // (АПК art. 111(4)) and no answer can be sent: its internal target is not promised to anyone.
    const expected = view.anonymous ? null : ((await expectedAnswersOf(orm, [view.id])).get(view.id) ?? null);
    return html(reply, renderPage(CasePage({ ctx: pageCtx(req), view, privateToken: token, justRegistered, expected })));
  });

  // Files of the answers the submitter receives (cases.audience.ts), also while the case is hidden.
  app.get('/p/:token/files/:id', { schema: { hide: true } }, async (req, reply) => sendCaseDocument(ctx, req, reply, { personal: true }));

  app.get('/p/:token/receipt', { schema: { hide: true } }, async (req, reply) => {
    const view = caseAccessOf(req).view!;
    reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'private, no-store');
    return html(reply, renderPage(ReceiptPage({ ctx: pageCtx(req), view })));
  });

  // A photo hidden by staff (CC-17) must stop being served soon everywhere: shared caches keep a
  // public photo a minute at most, and revalidate after it; personal ones are never stored.
  const sendPhoto = async (reply: FastifyReply, id: string, size: string, cache: string) => {
    if (size !== 'large.jpg' && size !== 'thumb.jpg') throw new AppError('NOT_FOUND');
    const data = await ctx.files.get(`photos/${id}/${size}`);
    if (!data) throw new AppError('NOT_FOUND');
    return reply.type('image/jpeg').header('Cache-Control', cache).send(data);
  };
  app.get('/photos/:id/:size', { schema: { hide: true } }, async (req, reply) => {
    const { id, size } = req.params as { id: string; size: string };
    return sendPhoto(reply, id, size, 'public, max-age=60, must-revalidate');
  });
  app.get('/p/:token/photos/:id/:size', { schema: { hide: true } }, async (req, reply) => {
    const { id, size } = req.params as { id: string; size: string };
    if (!caseAccessOf(req).view!.photos.some((p) => p.id === id)) throw new AppError('NOT_FOUND');
    return sendPhoto(reply.header('Referrer-Policy', 'no-referrer'), id, size, 'private, no-store');
  });

  // ------------------------------------------------------------ JSON API
  const Catalog = z.object({
    categories: z.array(
      z.object({
        id: z.number(),
        code: z.string(),
        name: z.string(),
        types: z.array(
          z.object({
            id: z.number(),
            code: z.string(),
            name: z.string(),
            fields: z.array(
              z.object({
                code: z.string(),
                datatype: z.string(),
                required: z.boolean(),
                label: z.string(),
                options: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
              }),
            ),
          }),
        ),
      }),
    ),
  });
  const LangQuery = z.object({ lang: z.enum(['bg', 'en']).optional().describe('Language of names; default bg') });

  app.get(
    '/api/v1/catalog',
    { schema: { summary: 'The catalogue: categories, their types and the extra fields each type asks', tags: ['catalogue'], querystring: LangQuery, response: { 200: Catalog } } },
    async (req) => {
      const lang = req.query.lang ?? req.lang;
      const catalog = await getCatalog(orm);
      return {
        categories: catalog.categories.map((c) => ({
          id: c.id,
          code: c.code,
          name: localName(c, lang),
          types: c.types.map((t) => ({
            id: t.id,
            code: t.code,
            name: localName(t, lang),
            fields: t.fields.map((f) => ({
              code: f.code,
              datatype: f.datatype,
              required: f.required,
              label: lang === 'en' ? f.labelEn : f.labelBg,
              options: f.options?.map((o) => ({ key: o.key, name: o[lang] })),
            })),
          })),
        })),
      };
    },
  );

  const ErrorSchema = z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    }),
  });

  app.post(
    '/api/v1/cases',
    {
      schema: {
        summary: 'Submit a signal or a question',
        description:
          'Registers the document and answers its registration number. Photos are accepted through the web form; the API takes JSON. ' +
          'Limits: 40 signals and questions per hour from one client address (web forms included), and 5 confirmation emails per hour to one email address ' +
          'that is not the signed-in caller\'s own verified one; past either the answer is 429 with Retry-After, and nothing is registered.',
        tags: ['cases'],
        body: SubmitCaseBody,
        response: { 201: SubmittedCase, 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      // Per-address and per-recipient limits (issue 11); a signed-in caller's own verified email is not limited.
      const u = req.user;
      const done = await submitCase(ctx, req.body, [], 'api', null, { ip: req.ip, verifiedEmail: u?.emailVerified ? u.email : null }).catch(retryAfter(reply));
      return reply.code(201).send({
        number: done.number,
        registeredAt: done.registeredAt.toISOString(),
        kind: req.body.kind,
        url: `${ctx.config.publicBaseUrl}${caseUrl(done.number)}`,
        anonymous: done.anonymous,
      });
    },
  );

  app.get(
    '/api/v1/cases/:number',
    {
      schema: {
        summary: 'Track a signal or question by its registration number',
        tags: ['cases'],
        params: z.object({ number: z.string().max(100).describe('Registration number, e.g. СО26-КЦ01-000123') }),
        querystring: LangQuery,
        response: { 200: PublicCase, 404: ErrorSchema },
      },
    },
    async (req) => presentCase(caseAccessOf(req).view!, req.query.lang ?? req.lang),
  );

  app.get(
    '/api/v1/signals/nearby',
    {
      schema: {
        summary: 'Public signals of the same category within 50 m from the last 30 days ("maybe already reported")',
        tags: ['map'],
        querystring: z.object({
          typeId: int({ min: 1, max: ID_MAX }).describe('The type being reported; its category is compared'),
          lat: number({ min: -90, max: 90 }),
          lon: number({ min: -180, max: 180 }),
          ...LangQuery.shape,
        }),
      },
    },
    async (req) => {
      const type = (await getCatalog(orm)).type(req.query.typeId);
      if (!type) throw new AppError('VALIDATION', { issues: [{ field: 'typeId', code: 'TYPE_UNKNOWN' }] });
      const lang = req.query.lang ?? req.lang;
      const items = await nearbySignals(ctx.db.read, type.categoryId, req.query.lat, req.query.lon, lang, ctx.now());
      return { items: items.map((n) => ({ ...n, registeredAt: n.registeredAt.toISOString() })) };
    },
  );

  const Feature = z.object({
    type: z.literal('Feature'),
    geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
    properties: z.union([
      z.object({ cluster: z.literal(true), count: z.number() }),
      z.object({
        cluster: z.literal(false),
        number: z.string(),
        url: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        category: z.string(),
        type: z.string(),
        registeredAt: z.string(),
      }),
    ]),
  });
  app.get(
    '/api/v1/map/clusters',
    {
      schema: {
        summary: 'Public signals of the last 30 days in an area, clustered for a zoom level',
        tags: ['map'],
        querystring: MapQuery.extend(LangQuery.shape),
        response: { 200: z.object({ type: z.literal('FeatureCollection'), total: z.number(), features: z.array(Feature) }) },
      },
    },
    async (req, reply) => {
      reply.header('Cache-Control', 'public, max-age=30');
      return mapClusters(ctx.db.read, req.query, req.query.lang ?? req.lang, ctx.now());
    },
  );

  app.get(
    '/api/v1/signals',
    {
      schema: {
        summary: 'The map’s selection as a paginated list, newest first',
        tags: ['map'],
        querystring: MapQuery.omit({ bbox: true, zoom: true }).extend({
          page: int({ min: 1, max: 10_000 }).default(1),
          pageSize: int({ min: 1, max: 100 }).default(20),
          ...LangQuery.shape,
        }),
      },
    },
    async (req) => {
      const lang = req.query.lang ?? req.lang;
      const { rows, total } = await listMapSignals(ctx.db.read, { ...req.query, zoom: 12 }, lang, ctx.now(), req.query.page, req.query.pageSize);
      return {
        total,
        page: req.query.page,
        items: rows.map((r) => ({ ...r, registeredAt: r.registeredAt.toISOString(), statusLabel: statusLabel(r.status, lang), url: caseUrl(r.number) })),
      };
    },
  );
}
