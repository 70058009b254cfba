import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { Ctx } from '../../platform/context.js';
import type { Actor } from '../../platform/audit/index.js';
import { AppError, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { formFields, requireRole, requireUser, STAFF_ROLES } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import { buildCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { dayProblem } from '../../platform/errors/validation.js';
import { mailStatus } from '../../platform/mail/mailbox.routes.js';
import { auditCsv, auditPage, parseAuditQuery } from './admin.audit.js';
import { addSwap, parseSwap, parseYear, removeSwap, swapsOfYear } from './admin.calendar.js';
import { CalendarPage } from './admin.calendar.views.js';
import { addPolicyVersion, fallbackOf, inForce, newVersionValues, parseVersion, placeOptions, placeQuery, policyGroups, policyPlace, policyVersions, type PolicyPlace } from './admin.deadlines.js';
import { DeadlinesPage, PolicyPage } from './admin.deadlines.views.js';
import { AuditPage } from './admin.audit.views.js';
import { fieldRows, getCategory, getType, listCategories, parseFieldRows, saveCategory, saveFields, saveRoute, saveType, typesOf } from './admin.catalog.js';
import { CatalogPage, CategoryPage, TypeNewPage, TypePage, fieldValues } from './admin.catalog.views.js';
import { CategoryBody, MessageBody, OrganisationBody, RouteBody, StaffCreateBody, StaffUpdateBody, TypeBody, UnitBody, parseForm } from './admin.schemas.js';
import {
  createStaff,
  getOrganisation,
  getStaff,
  getUnit,
  listDistricts,
  listOrganisations,
  listStaff,
  revokeStaff,
  saveOrganisation,
  saveUnit,
  sendPasswordLink,
  unitOptions,
  unitTree,
  updateStaff,
} from './admin.service.js';
import { findCitizens, getCitizen, liftSuspension, myMessages, openMessage, sendServiceMessage, suspendCitizen, suspendedCitizens } from './admin.users.js';
import { MessageFormPage, MyMessagePage, MyMessagesPage, UserPage, UsersPage } from './admin.users.views.js';
import { DashboardPage, OrganisationFormPage, OrganisationsPage, StaffEditPage, StaffListPage, StaffNewPage, UnitFormPage, UnitsPage, parentOptions, type FormState, type Values } from './admin.views.js';

/** A row's columns as form values: null → empty, true → "on", numbers as text. */
function toValues(row: Record<string, unknown>): Values {
  const v: Values = {};
  for (const [k, x] of Object.entries(row)) v[k] = x === null || x === undefined || x === false ? '' : x === true ? 'on' : typeof x === 'object' ? undefined : String(x);
  return v;
}

/** An error a form shows next to its fields; anything else (403, 404, 500) goes to the error page. */
function formError(err: unknown): { issues: FieldIssue[]; code?: ErrorCode; status: number } {
  const e = toAppError(err);
  if (e.code === 'INTERNAL' || e.code === 'LOGIN_REQUIRED' || e.code === 'FORBIDDEN' || e.code === 'NOT_FOUND') throw err;
  return { issues: e.issues, code: e.issues.length ? undefined : e.code, status: e.status };
}

function intId(v: string): number {
  if (!/^[1-9]\d{0,8}$/.test(v)) throw new AppError('NOT_FOUND');
  return Number(v);
}

function userId(v: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new AppError('NOT_FOUND');
  return v;
}

/** The administrator behind a request, as the audit log records them; everyone else is refused before anything is read. */
function adminActor(req: FastifyRequest): Actor {
  const u = requireRole(req, 'admin');
  return { id: u.id, label: u.username, ip: req.ip };
}

/**
 * Administration (AC-5, CC-9, CC-17, CC-18, NF-4): organisations, units, staff, the catalogue,
 * suspensions, service messages and the audit log, for administrators only; and /messages,
 * where everyone reads the service messages sent to them.
 */
export async function adminRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  const orm = ctx.db.orm;
  const hide = { schema: { hide: true } };
  const page = (reply: FastifyReply, vnode: VNode, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(renderPage(vnode));
  const params = (req: FastifyRequest) => req.params as Record<string, string>;
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;

  app.get('/admin', hide, async (req, reply) => {
    adminActor(req);
    return page(reply, DashboardPage({ ctx: pageCtx(req), mail: await mailStatus(ctx.db, ctx.config) }));
  });

  // ------------------------------------------------------------ organisations
  app.get('/admin/organisations', hide, async (req, reply) => {
    adminActor(req);
    return page(reply, OrganisationsPage({ ctx: pageCtx(req), orgs: await listOrganisations(orm) }));
  });
  const orgForm = async (req: FastifyRequest, reply: FastifyReply, id: number | null, values: Values, extra: { issues?: FieldIssue[]; formError?: ErrorCode; done?: boolean } = {}, status = 200) =>
    page(reply, OrganisationFormPage({ ctx: pageCtx(req), id, s: { lang: req.lang, values, issues: extra.issues ?? [] }, formError: extra.formError, done: extra.done }), status);
  app.get('/admin/organisations/new', hide, async (req, reply) => {
    adminActor(req);
    return orgForm(req, reply, null, {});
  });
  app.get('/admin/organisations/:id', hide, async (req, reply) => {
    adminActor(req);
    const id = intId(params(req).id!);
    return orgForm(req, reply, id, toValues(await getOrganisation(orm, id)), { done: query(req).done === '1' });
  });
  for (const path of ['/admin/organisations', '/admin/organisations/:id']) {
    app.post(path, hide, async (req, reply) => {
      const actor = adminActor(req);
      const id = params(req).id ? intId(params(req).id!) : null;
      if (id) await getOrganisation(orm, id);
      const values = formFields(req);
      try {
        const saved = await saveOrganisation(ctx, actor, id, parseForm(OrganisationBody, values));
        return reply.redirect(`/admin/organisations/${saved}?done=1`, 303);
      } catch (err) {
        const e = formError(err);
        return orgForm(req, reply, id, values, { issues: e.issues, formError: e.code }, e.status);
      }
    });
  }

  // ------------------------------------------------------------ units
  app.get('/admin/units', hide, async (req, reply) => {
    adminActor(req);
    const [tree, districts] = await Promise.all([unitTree(orm), listDistricts(orm)]);
    return page(reply, UnitsPage({ ctx: pageCtx(req), tree, districts: new Map(districts.map((d) => [d.id, req.lang === 'en' ? d.nameEn : d.nameBg])) }));
  });
  const unitForm = async (req: FastifyRequest, reply: FastifyReply, id: number | null, values: Values, extra: { issues?: FieldIssue[]; formError?: ErrorCode; done?: boolean } = {}, status = 200) => {
    const l = req.lang;
    const [tree, orgs, districts] = await Promise.all([unitTree(orm), listOrganisations(orm), listDistricts(orm)]);
    return page(
      reply,
      UnitFormPage({
        ctx: pageCtx(req),
        id,
        s: { lang: l, values, issues: extra.issues ?? [] },
        formError: extra.formError,
        done: extra.done,
        orgs: orgs.map((o) => ({ value: String(o.id), label: `${l === 'en' ? o.nameEn : o.nameBg} (${o.code})` })),
        parents: parentOptions(l, tree, id ?? undefined),
        districts: districts.map((d) => ({ value: String(d.id), label: `${d.code} ${l === 'en' ? d.nameEn : d.nameBg}` })),
      }),
      status,
    );
  };
  app.get('/admin/units/new', hide, async (req, reply) => {
    adminActor(req);
    const org = query(req).organisation;
    return unitForm(req, reply, null, { organisationId: org && /^\d{1,9}$/.test(org) ? org : '', active: 'on' });
  });
  app.get('/admin/units/:id', hide, async (req, reply) => {
    adminActor(req);
    const id = intId(params(req).id!);
    return unitForm(req, reply, id, toValues(await getUnit(orm, id)), { done: query(req).done === '1' });
  });
  for (const path of ['/admin/units', '/admin/units/:id']) {
    app.post(path, hide, async (req, reply) => {
      const actor = adminActor(req);
      const id = params(req).id ? intId(params(req).id!) : null;
      if (id) await getUnit(orm, id);
      const values = formFields(req);
      try {
        const saved = await saveUnit(ctx, actor, id, parseForm(UnitBody, values));
        return reply.redirect(`/admin/units/${saved}?done=1`, 303);
      } catch (err) {
        const e = formError(err);
        return unitForm(req, reply, id, values, { issues: e.issues, formError: e.code }, e.status);
      }
    });
  }

  // ------------------------------------------------------------ staff (AC-5)
  const staffUnits = async (lang: 'bg' | 'en', current?: number | null) =>
    (await unitOptions(orm, lang, { includeInactive: true })).filter((u) => u.active || u.id === current).map((u) => ({ value: String(u.id), label: u.label, group: u.group }));

  app.get('/admin/staff', hide, async (req, reply) => {
    adminActor(req);
    const q = query(req);
    const role = (STAFF_ROLES as readonly string[]).includes(q.role ?? '') ? q.role : undefined;
    const unitId = q.unitId && /^\d{1,9}$/.test(q.unitId) ? Number(q.unitId) : undefined;
    const pageNo = q.page && /^\d{1,5}$/.test(q.page) && Number(q.page) > 0 ? Number(q.page) : 1;
    const [list, units] = await Promise.all([listStaff(orm, { role, unitId, page: pageNo }), staffUnits(req.lang)]);
    return page(reply, StaffListPage({ ctx: pageCtx(req), ...list, page: pageNo, filter: { role, unitId: unitId ? String(unitId) : undefined }, units, revoked: q.done === 'revoked' }));
  });
  const staffNew = async (req: FastifyRequest, reply: FastifyReply, values: Values, extra: { issues?: FieldIssue[]; formError?: ErrorCode } = {}, status = 200) =>
    page(reply, StaffNewPage({ ctx: pageCtx(req), s: { lang: req.lang, values, issues: extra.issues ?? [] }, formError: extra.formError, units: await staffUnits(req.lang) }), status);
  app.get('/admin/staff/new', hide, async (req, reply) => {
    adminActor(req);
    return staffNew(req, reply, { locale: 'bg' });
  });
  app.post('/admin/staff', hide, async (req, reply) => {
    const actor = adminActor(req);
    const values = formFields(req);
    try {
      const id = await createStaff(ctx, actor, parseForm(StaffCreateBody, values));
      return reply.redirect(`/admin/staff/${id}?done=created`, 303);
    } catch (err) {
      const e = formError(err);
      return staffNew(req, reply, values, { issues: e.issues, formError: e.code }, e.status);
    }
  });
  const staffEdit = async (req: FastifyRequest, reply: FastifyReply, id: string, values: Values | null, extra: { issues?: FieldIssue[]; formError?: ErrorCode; notice?: 'saved' | 'staffCreated' | 'linkSent' } = {}, status = 200) => {
    const admin = requireRole(req, 'admin');
    const person = await getStaff(orm, id);
    const s: FormState = { lang: req.lang, values: values ?? { role: person.role, unitId: person.unitId ? String(person.unitId) : '' }, issues: extra.issues ?? [] };
    return page(
      reply,
      StaffEditPage({
        ctx: pageCtx(req),
        person: { id: person.id, username: person.displayUsername ?? person.username ?? '', email: person.email, firstName: person.firstName, lastName: person.lastName, createdAt: person.createdAt },
        own: person.id === admin.id,
        s,
        formError: extra.formError,
        notice: extra.notice,
        units: await staffUnits(req.lang, person.unitId),
      }),
      status,
    );
  };
  app.get('/admin/staff/:id', hide, async (req, reply) => {
    adminActor(req);
    const done = query(req).done;
    const notice = done === 'saved' ? 'saved' : done === 'created' ? 'staffCreated' : done === 'link' ? 'linkSent' : undefined;
    return staffEdit(req, reply, userId(params(req).id!), null, { notice });
  });
  app.post('/admin/staff/:id', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = userId(params(req).id!);
    const values = formFields(req);
    try {
      await updateStaff(ctx, actor, id, parseForm(StaffUpdateBody, values));
      return reply.redirect(`/admin/staff/${id}?done=saved`, 303);
    } catch (err) {
      const e = formError(err);
      return staffEdit(req, reply, id, values, { issues: e.issues, formError: e.code }, e.status);
    }
  });
  app.post('/admin/staff/:id/password-link', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = userId(params(req).id!);
    await sendPasswordLink(ctx, actor, id);
    return reply.redirect(`/admin/staff/${id}?done=link`, 303);
  });
  app.post('/admin/staff/:id/revoke', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = userId(params(req).id!);
    try {
      await revokeStaff(ctx, actor, id);
      return reply.redirect('/admin/staff?done=revoked', 303);
    } catch (err) {
      const e = formError(err);
      return staffEdit(req, reply, id, null, { issues: e.issues, formError: e.code }, e.status);
    }
  });

  // ------------------------------------------------------------ catalogue (CC-1, CC-9)
  const categoryOptions = async (lang: 'bg' | 'en') => (await listCategories(orm)).map((c) => ({ value: String(c.id), label: `${lang === 'en' ? c.nameEn : c.nameBg}${c.active ? '' : ' ×'}` }));

  app.get('/admin/catalog', hide, async (req, reply) => {
    adminActor(req);
    return page(reply, CatalogPage({ ctx: pageCtx(req), cats: await listCategories(orm) }));
  });
  const categoryForm = async (req: FastifyRequest, reply: FastifyReply, id: number | null, values: Values, extra: { issues?: FieldIssue[]; formError?: ErrorCode; done?: boolean } = {}, status = 200) =>
    page(reply, CategoryPage({ ctx: pageCtx(req), id, s: { lang: req.lang, values, issues: extra.issues ?? [] }, formError: extra.formError, done: extra.done, types: id ? await typesOf(orm, id) : [] }), status);
  app.get('/admin/catalog/categories/new', hide, async (req, reply) => {
    adminActor(req);
    return categoryForm(req, reply, null, { sort: '0', active: 'on' });
  });
  app.get('/admin/catalog/categories/:id', hide, async (req, reply) => {
    adminActor(req);
    const id = intId(params(req).id!);
    return categoryForm(req, reply, id, toValues(await getCategory(orm, id)), { done: query(req).done === '1' });
  });
  for (const path of ['/admin/catalog/categories', '/admin/catalog/categories/:id']) {
    app.post(path, hide, async (req, reply) => {
      const actor = adminActor(req);
      const id = params(req).id ? intId(params(req).id!) : null;
      if (id) await getCategory(orm, id);
      const values = formFields(req);
      try {
        const saved = await saveCategory(ctx, actor, id, parseForm(CategoryBody, values));
        return reply.redirect(`/admin/catalog/categories/${saved}?done=1`, 303);
      } catch (err) {
        const e = formError(err);
        return categoryForm(req, reply, id, values, { issues: e.issues, formError: e.code }, e.status);
      }
    });
  }

  app.get('/admin/catalog/types/new', hide, async (req, reply) => {
    adminActor(req);
    const cat = query(req).category;
    const values = { categoryId: cat && /^\d{1,9}$/.test(cat) ? cat : '', sort: '0', active: 'on' };
    return page(reply, TypeNewPage({ ctx: pageCtx(req), s: { lang: req.lang, values, issues: [] }, cats: await categoryOptions(req.lang) }));
  });
  app.post('/admin/catalog/types', hide, async (req, reply) => {
    const actor = adminActor(req);
    const values = formFields(req);
    try {
      const id = await saveType(ctx, actor, null, parseForm(TypeBody, values));
      return reply.redirect(`/admin/catalog/types/${id}?done=details`, 303);
    } catch (err) {
      const e = formError(err);
      return page(reply, TypeNewPage({ ctx: pageCtx(req), s: { lang: req.lang, values, issues: e.issues }, formError: e.code, cats: await categoryOptions(req.lang) }), e.status);
    }
  });

  type TypeForm = 'details' | 'fields' | 'route';
  const typePage = async (req: FastifyRequest, reply: FastifyReply, id: number, failed?: { form: TypeForm; values: Values; issues: FieldIssue[]; formError?: ErrorCode }, done?: TypeForm, status = 200) => {
    const l = req.lang;
    const t = await getType(orm, id);
    const [cat, cats, units, orgs] = await Promise.all([getCategory(orm, t.categoryId), categoryOptions(l), unitOptions(orm, l), listOrganisations(orm)]);
    const state = (form: TypeForm, stored: Values): FormState => (failed?.form === form ? { lang: l, values: failed.values, issues: failed.issues } : { lang: l, values: stored, issues: [] });
    // After a refused fields form, show every row that was posted (and still one empty row).
    const posted = failed?.form === 'fields' ? Math.max(-1, ...Object.keys(failed.values).map((k) => Number(/^fields\.(\d{1,3})\./.exec(k)?.[1] ?? -1))) + 1 : 0;
    return page(
      reply,
      TypePage({
        ctx: pageCtx(req),
        id,
        category: cat,
        form: failed?.form,
        formError: failed?.formError,
        done,
        details: state('details', toValues({ categoryId: t.categoryId, code: t.code, nameBg: t.nameBg, nameEn: t.nameEn, sort: t.sort, active: t.active })),
        fields: state('fields', fieldValues(t.fields)),
        rows: Math.max(fieldRows(t.fields.length), posted),
        existing: t.fields.length,
        route: state('route', toValues({ routeTo: t.routeTo, routeUnitId: t.routeUnitId, routeOrganisationId: t.routeOrganisationId })),
        cats,
        units: units.map((u) => ({ value: String(u.id), label: u.label, group: u.group })),
        orgs: orgs.map((o) => ({ value: String(o.id), label: `${l === 'en' ? o.nameEn : o.nameBg} (${o.code})` })),
      }),
      status,
    );
  };
  app.get('/admin/catalog/types/:id', hide, async (req, reply) => {
    adminActor(req);
    const done = query(req).done;
    return typePage(req, reply, intId(params(req).id!), undefined, done === 'details' || done === 'fields' || done === 'route' ? done : undefined);
  });
  const typeAction = (form: TypeForm, suffix: string, run: (actor: Actor, id: number, values: Record<string, string>) => Promise<unknown>) =>
    app.post(`/admin/catalog/types/:id${suffix}`, hide, async (req, reply) => {
      const actor = adminActor(req);
      const id = intId(params(req).id!);
      await getType(orm, id);
      const values = formFields(req);
      try {
        await run(actor, id, values);
        return reply.redirect(`/admin/catalog/types/${id}?done=${form}#${form}-h`, 303);
      } catch (err) {
        const e = formError(err);
        return typePage(req, reply, id, { form, values, issues: e.issues, formError: e.code }, undefined, e.status);
      }
    });
  typeAction('details', '', (actor, id, values) => saveType(ctx, actor, id, parseForm(TypeBody, values)));
  typeAction('fields', '/fields', async (actor, id, values) => {
    const { fields, issues } = parseFieldRows(values);
    if (issues.length) throw new AppError('VALIDATION', { issues });
    await saveFields(ctx, actor, id, fields);
  });
  typeAction('route', '/route', (actor, id, values) => saveRoute(ctx, actor, id, parseForm(RouteBody, values)));

  // ------------------------------------------------------------ users: suspension (CC-17)
  app.get('/admin/users', hide, async (req, reply) => {
    adminActor(req);
    // A repeated ?q= is a list: only a text is a search (issue 11: a list was a 500).
    const raw: unknown = query(req).q;
    const q = (typeof raw === 'string' ? raw : '').slice(0, 254);
    const [found, suspended] = await Promise.all([q.trim() ? findCitizens(orm, q) : Promise.resolve(null), suspendedCitizens(orm)]);
    return page(reply, UsersPage({ ctx: pageCtx(req), q, found, suspended }));
  });
  const userPage = async (req: FastifyRequest, reply: FastifyReply, id: string, extra: { values?: Values; issues?: FieldIssue[]; formError?: ErrorCode; notice?: 'suspendedDone' | 'liftedDone' } = {}, status = 200) => {
    const u = await getCitizen(orm, id);
    return page(
      reply,
      UserPage({
        ctx: pageCtx(req),
        person: { id: u.id, username: u.displayUsername ?? u.username ?? '', email: u.email, firstName: u.firstName, lastName: u.lastName, createdAt: u.createdAt, suspendedAt: u.suspendedAt, suspendedReason: u.suspendedReason },
        s: { lang: req.lang, values: extra.values ?? {}, issues: extra.issues ?? [] },
        formError: extra.formError,
        notice: extra.notice,
      }),
      status,
    );
  };
  app.get('/admin/users/:id', hide, async (req, reply) => {
    adminActor(req);
    const done = query(req).done;
    return userPage(req, reply, userId(params(req).id!), { notice: done === 'suspended' ? 'suspendedDone' : done === 'lifted' ? 'liftedDone' : undefined });
  });
  app.post('/admin/users/:id/suspend', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = userId(params(req).id!);
    const values = formFields(req);
    try {
      await suspendCitizen(ctx, actor, id, values.reason ?? '');
      return reply.redirect(`/admin/users/${id}?done=suspended`, 303);
    } catch (err) {
      const e = formError(err);
      return userPage(req, reply, id, { values, issues: e.issues, formError: e.code }, e.status);
    }
  });
  app.post('/admin/users/:id/unsuspend', hide, async (req, reply) => {
    const actor = adminActor(req);
    const id = userId(params(req).id!);
    await liftSuspension(ctx, actor, id);
    return reply.redirect(`/admin/users/${id}?done=lifted`, 303);
  });

  // ------------------------------------------------------------ service messages (CC-18)
  app.get('/admin/messages/new', hide, async (req, reply) => {
    adminActor(req);
    const sent = query(req).sent;
    return page(reply, MessageFormPage({ ctx: pageCtx(req), s: { lang: req.lang, values: { to: 'user' }, issues: [] }, sent: sent && /^\d{1,6}$/.test(sent) ? Number(sent) : undefined }));
  });
  app.post('/admin/messages', hide, async (req, reply) => {
    const actor = adminActor(req);
    const values = formFields(req);
    try {
      const n = await sendServiceMessage(ctx, actor, parseForm(MessageBody, { ...values, role: values.role || undefined, username: values.username || undefined } as Record<string, string>));
      return reply.redirect(`/admin/messages/new?sent=${n}`, 303);
    } catch (err) {
      const e = formError(err);
      return page(reply, MessageFormPage({ ctx: pageCtx(req), s: { lang: req.lang, values, issues: e.issues }, formError: e.code }), e.status);
    }
  });
  app.get('/messages', hide, async (req, reply) => {
    const user = requireUser(req);
    return page(reply, MyMessagesPage({ ctx: pageCtx(req), rows: await myMessages(orm, user.id) }));
  });
  app.get('/messages/:id', hide, async (req, reply) => {
    const user = requireUser(req);
    const m = await openMessage(ctx, user.id, intId(params(req).id!));
    return page(reply, MyMessagePage({ ctx: pageCtx(req), m }));
  });

  // ------------------------------------------------------------ working-day calendar (issue 12)
  const holidayCalendar = buildCalendar([]);
  const calendarPage = async (req: FastifyRequest, reply: FastifyReply, year: number, extra: { values?: Values; issues?: FieldIssue[]; formError?: ErrorCode; done?: 'added' | 'removed' } = {}, status = 200) =>
    page(
      reply,
      CalendarPage({
        ctx: pageCtx(req),
        year,
        holidays: holidayCalendar.holidays(year, req.lang),
        swaps: await swapsOfYear(orm, year),
        s: { lang: req.lang, values: extra.values ?? {}, issues: extra.issues ?? [] },
        formError: extra.formError,
        done: extra.done,
      }),
      status,
    );
  app.get('/admin/calendar', hide, async (req, reply) => {
    adminActor(req);
    const q = query(req);
    return calendarPage(req, reply, parseYear(q.year, ctx.now()), { done: q.done === 'added' || q.done === 'removed' ? q.done : undefined });
  });
  app.post('/admin/calendar', hide, async (req, reply) => {
    const actor = adminActor(req);
    const values = formFields(req);
    try {
      const swap = parseSwap(values);
      await addSwap(ctx, actor, swap);
      return reply.redirect(`/admin/calendar?year=${swap.day.slice(0, 4)}&done=added`, 303);
    } catch (err) {
      const e = formError(err);
      // Back on the year of the date typed, when it is one.
      const y = /^(\d{4})-/.exec(values.day ?? '')?.[1];
      const year = y && Number(y) >= 2000 && Number(y) <= 2100 ? Number(y) : parseYear(undefined, ctx.now());
      return calendarPage(req, reply, year, { values, issues: e.issues, formError: e.code }, e.status);
    }
  });
  app.post('/admin/calendar/swaps/:day/remove', hide, async (req, reply) => {
    const actor = adminActor(req);
    const day = params(req).day!;
    // An impossible date (2026-02-30) would reach PostgreSQL, which refuses it: no such swap.
    if (dayProblem(day)) throw new AppError('NOT_FOUND');
    const removed = await removeSwap(ctx, actor, day);
    return reply.redirect(`/admin/calendar?year=${removed.day.slice(0, 4)}&done=removed`, 303);
  });

  // ------------------------------------------------------------ deadline policies (issue 12)
  const deadlineOptions = async (l: 'bg' | 'en') => {
    const { orgs, types } = await placeOptions(orm);
    return {
      orgs: orgs.map((o) => ({ value: String(o.id), label: `${l === 'en' ? o.nameEn : o.nameBg} (${o.code})` })),
      types: types.map((t) => ({ value: String(t.id), label: l === 'en' ? t.nameEn : t.nameBg, group: l === 'en' ? t.catEn : t.catBg })),
    };
  };
  app.get('/admin/deadlines', hide, async (req, reply) => {
    adminActor(req);
    const [groups, opts] = await Promise.all([policyGroups(orm, sofiaDay(ctx.now())), deadlineOptions(req.lang)]);
    return page(reply, DeadlinesPage({ ctx: pageCtx(req), groups, ...opts, s: { lang: req.lang, values: {}, issues: [] } }));
  });
  const policyPage = async (req: FastifyRequest, reply: FastifyReply, place: PolicyPlace, extra: { values?: Values; issues?: FieldIssue[]; formError?: ErrorCode; done?: boolean } = {}, status = 200) => {
    const today = sofiaDay(ctx.now());
    const versions = await policyVersions(orm, place.key);
    const { current, upcoming } = inForce(versions, today);
    const fallback = current ? null : await fallbackOf(orm, place.key, today);
    // The form starts from the newest version (or what applies now), so a change is an edit of it.
    const basis = versions[0]?.clocks ?? fallback?.version.clocks ?? [];
    const s = { lang: req.lang, values: extra.values ?? newVersionValues(basis), issues: extra.issues ?? [] };
    return page(reply, PolicyPage({ ctx: pageCtx(req), place, today, versions, current, upcoming, fallback, s, formError: extra.formError, done: extra.done }), status);
  };
  app.get('/admin/deadlines/policy', hide, async (req, reply) => {
    adminActor(req);
    const place = await policyPlace(orm, query(req));
    return policyPage(req, reply, place, { done: query(req).done === '1' });
  });
  app.post('/admin/deadlines/policy', hide, async (req, reply) => {
    const actor = adminActor(req);
    const place = await policyPlace(orm, query(req));
    const values = formFields(req);
    try {
      const id = await addPolicyVersion(ctx, actor, place.key, parseVersion(values, sofiaDay(ctx.now())));
      return reply.redirect(`/admin/deadlines/policy?${placeQuery(place.key)}&done=1#v${id}`, 303);
    } catch (err) {
      const e = formError(err);
      return policyPage(req, reply, place, { values, issues: e.issues, formError: e.code }, e.status);
    }
  });

  // ------------------------------------------------------------ audit log (NF-4)
  app.get('/admin/audit', hide, async (req, reply) => {
    adminActor(req);
    const { filter, cursor } = parseAuditQuery(req.query as Record<string, unknown>);
    const res = await auditPage(orm, filter, cursor);
    return page(reply, AuditPage({ ctx: pageCtx(req), filter, ...res, paged: cursor.before !== undefined || cursor.after !== undefined }));
  });
  app.get('/admin/audit.csv', hide, async (req, reply) => {
    adminActor(req);
    const { filter } = parseAuditQuery(req.query as Record<string, unknown>);
    const day = ctx.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${day}.csv"`)
      .header('Cache-Control', 'private, no-store')
      .send(Readable.from(auditCsv(orm, filter)));
  });
}
