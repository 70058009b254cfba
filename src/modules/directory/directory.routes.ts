import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { Actor } from '../../platform/audit/index.js';
import type { Ctx } from '../../platform/context.js';
import { AppError, type Lang } from '../../platform/errors/index.js';
import { formFields, requireRole } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import {
  AdminAnnouncementsPage,
  AdminDirectoryPage,
  AnnouncementFormPage,
  OrganisationFormPage,
  ServiceFormPage,
  UnitEditPage,
  type AdminNotice,
  type FormState,
} from './directory.admin.views.js';
import { NewServiceBody, OrganisationBody, ServiceBody, UnitDirectoryBody, parseAnnouncement, parseForm } from './directory.schemas.js';
import {
  adminOverview,
  createAnnouncement,
  createOrganisation,
  createService,
  currentAnnouncements,
  endAnnouncement,
  findAnnouncement,
  organisationForEdit,
  pastAnnouncements,
  recentAnnouncements,
  searchDirectory,
  serviceForEdit,
  servicePage,
  setOrganisationActive,
  setServiceActive,
  unitChoices,
  unitForEdit,
  unitPage,
  updateAnnouncement,
  updateOrganisation,
  updateService,
  updateUnitDirectory,
  type Announcement,
  type DirectoryService,
} from './directory.service.js';
import { dateToSofiaLocal } from './directory.time.js';
import { AnnouncementsPage, DirectoryPage, ServicePage, UnitPage, mapHref } from './directory.views.js';

const NOTICES: AdminNotice[] = ['saved', 'created', 'deactivated', 'activated', 'ended'];

function noticeOf(req: FastifyRequest): AdminNotice | undefined {
  const d = (req.query as { done?: string }).done;
  return NOTICES.find((n) => n === d);
}

/** A form's problem shown next to its fields; anything else goes to the error page. */
function formError(err: unknown): { state: Omit<FormState, 'values'>; status: number } {
  const e = toAppError(err);
  if (e.code === 'INTERNAL' || e.code === 'LOGIN_REQUIRED' || e.code === 'FORBIDDEN' || e.code === 'NOT_FOUND') throw err;
  return { state: { issues: e.issues, formError: e.issues.length ? undefined : e.code }, status: e.status };
}

function actorOf(req: FastifyRequest): Actor {
  const u = requireRole(req, 'admin');
  return { id: u.id, label: u.username, ip: req.ip };
}

function idParam(req: FastifyRequest): number {
  const id = (req.params as { id?: string }).id ?? '';
  if (!/^\d{1,12}$/.test(id)) throw new AppError('NOT_FOUND');
  return Number(id);
}

const codeParam = (req: FastifyRequest) => String((req.params as { code?: string }).code ?? '').slice(0, 60);

const pick = (b: { bg: string; en: string }, lang: Lang) => b[lang] || b.bg;

function serviceValues(s: DirectoryService): Record<string, string> {
  return {
    code: s.code,
    nameBg: s.name.bg,
    nameEn: s.name.en,
    howBg: s.how.bg,
    howEn: s.how.en,
    documentsBg: s.documents.bg,
    documentsEn: s.documents.en,
    deadlineBg: s.deadline.bg,
    deadlineEn: s.deadline.en,
    priceBg: s.price.bg,
    priceEn: s.price.en,
    unitCode: s.unit?.code ?? '',
  };
}

function announcementValues(x: Announcement): Record<string, string> {
  return {
    titleBg: x.title.bg,
    titleEn: x.title.en,
    textBg: x.text.bg,
    textEn: x.text.en,
    startsAt: dateToSofiaLocal(x.startsAt),
    endsAt: dateToSofiaLocal(x.endsAt),
    lat: x.lat === null ? '' : String(Number(x.lat.toFixed(6))),
    lon: x.lon === null ? '' : String(Number(x.lon.toFixed(6))),
    radiusM: x.radiusM === null ? '' : String(x.radiusM),
    unitCode: x.unit?.code ?? '',
  };
}

/** Public directory and announcements (CC-15, CC-16) and their administration (CC-14 transfer list). */
export async function directoryRoutes(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const orm = ctx.db.orm;
  const hide = { schema: { hide: true } };
  const page = (reply: FastifyReply, vnode: VNode, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(renderPage(vnode));
  const adminPage = (reply: FastifyReply, vnode: VNode, status = 200) => page(reply.header('Cache-Control', 'private, no-store'), vnode, status);

  // ------------------------------------------------------------ public directory (CC-15)
  app.get('/directory', hide, async (req, reply) => {
    const q = String((req.query as { q?: unknown }).q ?? '').slice(0, 100);
    const found = await searchDirectory(ctx.db.read, q);
    return page(reply, DirectoryPage({ ctx: pageCtx(req), ...found }));
  });
  app.get('/directory/units/:code', hide, async (req, reply) => {
    const found = await unitPage(orm, codeParam(req));
    return page(reply, UnitPage({ ctx: pageCtx(req), ...found }));
  });
  app.get('/directory/services/:code', hide, async (req, reply) => {
    const service = await servicePage(orm, codeParam(req));
    return page(reply, ServicePage({ ctx: pageCtx(req), service }));
  });

  const LangQuery = z.object({ lang: z.enum(['bg', 'en']).optional().describe('Language of names and texts; default bg') });
  const ErrorSchema = z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    }),
  });
  const UnitJson = z.object({
    code: z.string(),
    name: z.string(),
    organisation: z.string(),
    functions: z.string().nullable(),
    address: z.string().nullable(),
    hours: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    url: z.string().describe('The unit’s page'),
  });
  const ServiceJson = z.object({
    code: z.string(),
    name: z.string(),
    how: z.string().describe('How to obtain the service'),
    documents: z.string().describe('Documents needed, one per line'),
    deadline: z.string(),
    price: z.string(),
    unit: z.object({ code: z.string(), name: z.string() }).nullable().describe('The responsible unit'),
    url: z.string().describe('The service’s page'),
  });
  const DirectoryJson = z.object({ query: z.string(), units: z.array(UnitJson), services: z.array(ServiceJson) });

  app.get(
    '/api/v1/directory',
    {
      schema: {
        summary: 'Search the directory of municipal units and administrative services',
        description: 'Every word of `q` must occur in a name or the functions, in Bulgarian or English, case-insensitively. Without `q`, everything active.',
        tags: ['directory'],
        querystring: LangQuery.extend({ q: z.string().max(100).optional().describe('Words to look for, e.g. "осветление"') }),
        response: { 200: DirectoryJson, 400: ErrorSchema },
      },
    },
    async (req) => {
      const lang = req.query.lang ?? req.lang;
      const found = await searchDirectory(ctx.db.read, req.query.q);
      return {
        query: found.query,
        units: found.groups.flatMap((g) =>
          g.units.map((u) => ({
            code: u.code,
            name: pick(u.name, lang),
            organisation: pick(u.organisation.name, lang),
            functions: u.functions ? pick(u.functions, lang) : null,
            address: u.address,
            hours: u.hours,
            phone: u.phone,
            email: u.email,
            url: `/directory/units/${encodeURIComponent(u.code)}`,
          })),
        ),
        services: found.services.map((s) => ({
          code: s.code,
          name: pick(s.name, lang),
          how: pick(s.how, lang),
          documents: pick(s.documents, lang),
          deadline: pick(s.deadline, lang),
          price: pick(s.price, lang),
          unit: s.unit ? { code: s.unit.code, name: pick(s.unit.name, lang) } : null,
          url: `/directory/services/${encodeURIComponent(s.code)}`,
        })),
      };
    },
  );

  // ------------------------------------------------------------ announcements (CC-16)
  app.get('/announcements', hide, async (req, reply) => {
    const now = ctx.now();
    const [current, past] = await Promise.all([currentAnnouncements(orm, now), pastAnnouncements(orm, now)]);
    return page(reply, AnnouncementsPage({ ctx: pageCtx(req), current, past }));
  });

  const AnnouncementJson = z.object({
    id: z.number(),
    title: z.string(),
    text: z.string(),
    startsAt: z.string().describe('ISO 8601'),
    endsAt: z.string().describe('ISO 8601'),
    area: z.object({ lat: z.number(), lon: z.number(), radiusM: z.number() }).nullable().describe('Centre (WGS84) and radius in metres, when the problem has a place'),
    unit: z.object({ code: z.string(), name: z.string() }).nullable(),
    mapUrl: z.string().nullable(),
  });
  app.get(
    '/api/v1/announcements',
    {
      schema: {
        summary: 'Current announcements of works and problems, newest first',
        tags: ['announcements'],
        querystring: LangQuery,
        response: { 200: z.object({ items: z.array(AnnouncementJson) }) },
      },
    },
    async (req) => {
      const lang = req.query.lang ?? req.lang;
      const items = await currentAnnouncements(orm, ctx.now());
      return {
        items: items.map((x) => ({
          id: x.id,
          title: pick(x.title, lang),
          text: pick(x.text, lang),
          startsAt: x.startsAt.toISOString(),
          endsAt: x.endsAt.toISOString(),
          area: x.lat !== null && x.lon !== null && x.radiusM !== null ? { lat: x.lat, lon: x.lon, radiusM: x.radiusM } : null,
          unit: x.unit ? { code: x.unit.code, name: pick(x.unit.name, lang) } : null,
          mapUrl: mapHref(x),
        })),
      };
    },
  );

  // ------------------------------------------------------------ administration: directory
  app.get('/admin/directory', hide, async (req, reply) => {
    requireRole(req, 'admin');
    return adminPage(reply, AdminDirectoryPage({ ctx: pageCtx(req), data: await adminOverview(orm), notice: noticeOf(req) }));
  });

  app.get('/admin/directory/units/:code', hide, async (req, reply) => {
    requireRole(req, 'admin');
    const u = await unitForEdit(orm, codeParam(req));
    const values = { functionsBg: u.functionsBg ?? '', functionsEn: u.functionsEn ?? '', address: u.address ?? '', hours: u.hours ?? '', phone: u.phone ?? '', email: u.email ?? '' };
    return adminPage(reply, UnitEditPage({ ctx: pageCtx(req), unit: u, form: { values, issues: [] } }));
  });
  app.post('/admin/directory/units/:code', hide, async (req, reply) => {
    const actor = actorOf(req);
    const u = await unitForEdit(orm, codeParam(req));
    const values = formFields(req);
    try {
      await updateUnitDirectory(ctx, actor, u.code, parseForm(UnitDirectoryBody, values));
      return reply.redirect('/admin/directory?done=saved', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, UnitEditPage({ ctx: pageCtx(req), unit: u, form: { values, ...e.state } }), e.status);
    }
  });

  app.get('/admin/directory/organisations/new', hide, async (req, reply) => {
    requireRole(req, 'admin');
    return adminPage(reply, OrganisationFormPage({ ctx: pageCtx(req), org: null, form: { values: { kind: 'utility', sort: '100' }, issues: [] } }));
  });
  app.post('/admin/directory/organisations/new', hide, async (req, reply) => {
    const actor = actorOf(req);
    const values = formFields(req);
    try {
      await createOrganisation(ctx, actor, parseForm(OrganisationBody, values));
      return reply.redirect('/admin/directory?done=created#orgs', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, OrganisationFormPage({ ctx: pageCtx(req), org: null, form: { values, ...e.state } }), e.status);
    }
  });
  app.get('/admin/directory/organisations/:id', hide, async (req, reply) => {
    requireRole(req, 'admin');
    const o = await organisationForEdit(orm, idParam(req));
    const values = { nameBg: o.nameBg, nameEn: o.nameEn, kind: o.kind, phone: o.phone ?? '', hours: o.hours ?? '', functionsBg: o.functionsBg ?? '', functionsEn: o.functionsEn ?? '', sort: String(o.sort) };
    return adminPage(reply, OrganisationFormPage({ ctx: pageCtx(req), org: o, form: { values, issues: [] } }));
  });
  app.post('/admin/directory/organisations/:id', hide, async (req, reply) => {
    const actor = actorOf(req);
    const o = await organisationForEdit(orm, idParam(req));
    const values = formFields(req);
    try {
      await updateOrganisation(ctx, actor, o.id, parseForm(OrganisationBody, values));
      return reply.redirect('/admin/directory?done=saved#orgs', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, OrganisationFormPage({ ctx: pageCtx(req), org: o, form: { values, ...e.state } }), e.status);
    }
  });
  for (const action of ['deactivate', 'activate'] as const) {
    app.post(`/admin/directory/organisations/:id/${action}`, hide, async (req, reply) => {
      const actor = actorOf(req);
      await setOrganisationActive(ctx, actor, idParam(req), action === 'activate');
      return reply.redirect(`/admin/directory?done=${action}d#orgs`, 303);
    });
    app.post(`/admin/directory/services/:code/${action}`, hide, async (req, reply) => {
      const actor = actorOf(req);
      await setServiceActive(ctx, actor, codeParam(req), action === 'activate');
      return reply.redirect(`/admin/directory?done=${action}d#services`, 303);
    });
  }

  app.get('/admin/directory/services/new', hide, async (req, reply) => {
    requireRole(req, 'admin');
    return adminPage(reply, ServiceFormPage({ ctx: pageCtx(req), service: null, units: await unitChoices(orm), form: { values: {}, issues: [] } }));
  });
  app.post('/admin/directory/services/new', hide, async (req, reply) => {
    const actor = actorOf(req);
    const values = formFields(req);
    try {
      await createService(ctx, actor, parseForm(NewServiceBody, values));
      return reply.redirect('/admin/directory?done=created#services', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, ServiceFormPage({ ctx: pageCtx(req), service: null, units: await unitChoices(orm), form: { values, ...e.state } }), e.status);
    }
  });
  app.get('/admin/directory/services/:code', hide, async (req, reply) => {
    requireRole(req, 'admin');
    const s = await serviceForEdit(orm, codeParam(req));
    return adminPage(reply, ServiceFormPage({ ctx: pageCtx(req), service: s, units: await unitChoices(orm), form: { values: serviceValues(s), issues: [] } }));
  });
  app.post('/admin/directory/services/:code', hide, async (req, reply) => {
    const actor = actorOf(req);
    const s = await serviceForEdit(orm, codeParam(req));
    const values = formFields(req);
    try {
      await updateService(ctx, actor, s.code, parseForm(ServiceBody, values));
      return reply.redirect('/admin/directory?done=saved#services', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, ServiceFormPage({ ctx: pageCtx(req), service: s, units: await unitChoices(orm), form: { values, ...e.state } }), e.status);
    }
  });

  // ------------------------------------------------------------ administration: announcements
  app.get('/admin/announcements', hide, async (req, reply) => {
    requireRole(req, 'admin');
    return adminPage(reply, AdminAnnouncementsPage({ ctx: pageCtx(req), items: await recentAnnouncements(orm), now: ctx.now(), notice: noticeOf(req) }));
  });
  app.get('/admin/announcements/new', hide, async (req, reply) => {
    requireRole(req, 'admin');
    const form = { values: { startsAt: dateToSofiaLocal(ctx.now()) }, issues: [] };
    return adminPage(reply, AnnouncementFormPage({ ctx: pageCtx(req), announcement: null, units: await unitChoices(orm), form, now: ctx.now() }));
  });
  app.post('/admin/announcements/new', hide, async (req, reply) => {
    const actor = actorOf(req);
    const values = formFields(req);
    try {
      await createAnnouncement(ctx, actor, parseAnnouncement(values));
      return reply.redirect('/admin/announcements?done=created', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, AnnouncementFormPage({ ctx: pageCtx(req), announcement: null, units: await unitChoices(orm), form: { values, ...e.state }, now: ctx.now() }), e.status);
    }
  });
  app.get('/admin/announcements/:id', hide, async (req, reply) => {
    requireRole(req, 'admin');
    const x = await findAnnouncement(orm, idParam(req));
    return adminPage(reply, AnnouncementFormPage({ ctx: pageCtx(req), announcement: x, units: await unitChoices(orm), form: { values: announcementValues(x), issues: [] }, now: ctx.now() }));
  });
  app.post('/admin/announcements/:id', hide, async (req, reply) => {
    const actor = actorOf(req);
    const x = await findAnnouncement(orm, idParam(req));
    const values = formFields(req);
    try {
      await updateAnnouncement(ctx, actor, x.id, parseAnnouncement(values));
      return reply.redirect('/admin/announcements?done=saved', 303);
    } catch (err) {
      const e = formError(err);
      return adminPage(reply, AnnouncementFormPage({ ctx: pageCtx(req), announcement: x, units: await unitChoices(orm), form: { values, ...e.state }, now: ctx.now() }), e.status);
    }
  });
  app.post('/admin/announcements/:id/end', hide, async (req, reply) => {
    const actor = actorOf(req);
    await endAnnouncement(ctx, actor, idParam(req));
    return reply.redirect('/admin/announcements?done=ended', 303);
  });
}
