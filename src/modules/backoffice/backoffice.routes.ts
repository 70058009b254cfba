import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asc, eq } from 'drizzle-orm';
import type { VNode } from 'preact';
import type { Ctx } from '../../platform/context.js';
import { AppError, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { parseOrThrow } from '../../platform/errors/validation.js';
import { MAX_DOCUMENT_BYTES } from '../../platform/files/documents.js';
import { formFields, requireRole } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { lastValues, readBack, readMultipart } from '../../platform/web/multipart.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import { getCatalog } from '../catalog/index.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { STAFF_ACTIONS, type StaffAction, SubmitCaseBody, caseAccessOf, registerDocument, sendCaseDocument, submitCase, unitName } from '../cases/index.js';
import { act, findForCaller, inbox, recentTransfers, recordTransfer, staffCase, type ActionInput, type AnswerFile, type InboxFilter } from './backoffice.service.js';
import { ConsolePage, InboxPage, StaffCasePage } from './backoffice.views.js';


/** The back office: unit inbox, case work and the operator console (CC-9, CC-10, CC-14, CC-17). */
export async function backofficeRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  const orm = ctx.db.orm;
  const hide = { schema: { hide: true } };
  const page = (reply: FastifyReply, vnode: VNode, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(renderPage(vnode));
  const activeUnits = async (lang: 'bg' | 'en') =>
    (await orm.select({ id: units.id, bg: units.nameBg, en: units.nameEn }).from(units).where(eq(units.active, true)).orderBy(asc(units.id))).map((u) => ({ id: u.id, name: u[lang] }));
  const outsideOrgs = async (lang: 'bg' | 'en') =>
    (await orm.select({ id: organisations.id, bg: organisations.nameBg, en: organisations.nameEn, phone: organisations.phone, hours: organisations.hours }).from(organisations).where(eq(organisations.callTransfer, true)).orderBy(asc(organisations.sort), asc(organisations.nameBg))).map((o) => ({ id: o.id, name: o[lang], phone: o.phone, hours: o.hours }));

  app.get('/staff', hide, async (req, reply) => {
    const user = requireRole(req, 'operator', 'officer', 'manager', 'clerk', 'admin');
    const q = req.query as Record<string, string | undefined>;
    const num = (v: string | undefined, max: number) => {
      const n = Number(v);
      return Number.isInteger(n) && n > 0 && n <= max ? n : undefined;
    };
    const filter: InboxFilter = {
      state: q.state === 'closed' || q.state === 'all' ? q.state : 'open',
      status: q.status && /^[a-z_]{1,20}$/.test(q.status) ? q.status : undefined,
      category: num(q.category, 1e6),
      district: num(q.district, 1e6),
      olderThanDays: num(q.older, 3650),
      assignee: q.assignee === 'me' || q.assignee === 'none' ? q.assignee : undefined,
      // A repeated ?q= is a list: only a text is a search (issue 11: a list reached SQL, a 500).
      q: typeof q.q === 'string' ? q.q.slice(0, 200) || undefined : undefined,
      sort: q.sort === 'newest' || q.sort === 'due' ? q.sort : 'oldest',
      // Issue 12: overdue, or due within three days; anything else is no filter.
      due: q.due === 'overdue' || q.due === 'soon' ? q.due : undefined,
      page: num(q.page, 10_000) ?? 1,
    };
    const [catalog, result] = await Promise.all([getCatalog(orm), inbox(ctx, user, filter)]);
    const unit = user.unitId ? await unitName(orm, user.unitId) : null;
    return page(reply, InboxPage({ ctx: pageCtx(req), catalog, filter, ...result, unitName: unit ? unit[req.lang] : null, now: ctx.now() }));
  });

  // Every route under /staff/cases/:number and /staff/photos/:id is guarded (cases.guard.ts):
  // only a staff audience of that case gets here, and a POST only with the right to its action.
  const casePage = async (req: FastifyRequest, reply: FastifyReply, extra: { issues?: FieldIssue[]; formError?: ErrorCode; done?: boolean; failed?: string; values?: Record<string, string> } = {}, status = 200) => {
    const sc = await staffCase(ctx, caseAccessOf(req));
    const [redirectUnits, redirectOrgs] = await Promise.all([activeUnits(req.lang), outsideOrgs(req.lang)]);
    return page(reply, StaffCasePage({ ctx: pageCtx(req), sc, issues: extra.issues ?? [], formError: extra.formError, done: extra.done, redirectUnits, redirectOrgs, failed: extra.failed, values: extra.values }), status);
  };

  app.get('/staff/cases/:number', hide, async (req, reply) => {
    return casePage(req, reply, { done: (req.query as { done?: string }).done === '1' });
  });

  app.post('/staff/cases/:number/:action', hide, async (req, reply) => {
    const { principal } = caseAccessOf(req);
    const { number, action } = req.params as { number: string; action: string };
    if (!(STAFF_ACTIONS as readonly string[]).includes(action)) throw new AppError('NOT_FOUND');
    const files: AnswerFile[] = [];
    let values: Record<string, string> = {};
    try {
      if (req.isMultipart()) {
        const tooLarge: FieldIssue[] = [];
        // Ten files of 20 MB, streamed to disk as they arrive, read back one at a time here.
        const form = await readMultipart(req, ctx.config.dataDir, { fileSize: MAX_DOCUMENT_BYTES, files: 10, requestBytes: 10 * MAX_DOCUMENT_BYTES + 1024 * 1024 });
        values = lastValues(form.fields);
        for (const f of form.files) {
          if (f.truncated) tooLarge.push({ field: `files[${files.length}]`, code: 'FILE_TOO_LARGE' });
          else files.push({ field: `files[${files.length}]`, filename: f.filename ?? 'document', data: () => readBack(f) });
        }
        if (form.tooManyFiles) throw new AppError('TOO_MANY_FILES', { field: 'files' });
        if (tooLarge.length) throw new AppError('FILE_TOO_LARGE', { issues: tooLarge });
      } else values = formFields(req);
      const input: ActionInput = {
        status: values.status || undefined,
        text: values.text,
        assigneeId: values.assigneeId,
        unitId: Number(values.unitId) || undefined,
        organisationId: Number(values.organisationId) || undefined,
        mainNumber: values.mainNumber,
        photoId: values.photoId || undefined,
        hide: values.hide !== '0',
        extension: values.extension || undefined,
        days: /^\d{1,4}$/.test(values.days ?? '') ? Number(values.days) : values.days ? Number.NaN : undefined,
      };
      await act(ctx, principal, number, action as StaffAction, input, files, req.ip);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'FORBIDDEN' || e.code === 'INTERNAL' || e.code === 'LOGIN_REQUIRED' || e.code === 'NOT_FOUND') throw err;
      // The refused form is shown again with its values next to its errors.
      return casePage(req, reply, { issues: e.issues, formError: e.issues.length ? undefined : e.code, failed: action, values }, e.status);
    }
    return reply.redirect(`/staff/cases/${encodeURIComponent(number)}?done=1`, 303);
  });

  // Staff see hidden photos too, and documents of the cases they may see.
  app.get('/staff/photos/:id/:size', hide, async (req, reply) => {
    const { id, size } = req.params as { id: string; size: string };
    if (size !== 'thumb.jpg' && size !== 'large.jpg') throw new AppError('NOT_FOUND');
    const data = await ctx.files.get(`photos/${id}/${size}`);
    if (!data) throw new AppError('NOT_FOUND');
    return reply.type('image/jpeg').header('Cache-Control', 'private, no-store').send(data);
  });
  app.get('/staff/cases/:number/files/:id', hide, async (req, reply) => sendCaseDocument(ctx, req, reply, { personal: true }));

  // ------------------------------------------------------------ operator console (CC-14)
  const consolePage = async (req: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof ConsolePage>[0]> = {}, status = 200) => {
    const user = requireRole(req, 'operator');
    const q = (req.method === 'GET' ? req.query : {}) as Record<string, string>;
    const query = { number: q.number ?? '', phone: q.phone ?? '', email: q.email ?? '', address: q.address ?? '' };
    const searched = Object.values(query).some((v) => v.trim());
    const [catalog, results, contacts, unitList, transfers] = await Promise.all([
      getCatalog(orm),
      searched ? findForCaller(ctx, user, query) : Promise.resolve(null),
      outsideOrgs(req.lang),
      activeUnits(req.lang),
      recentTransfers(ctx, new Date(ctx.now().getTime() - 86400_000)),
    ]);
    return page(
      reply,
      ConsolePage({
        ctx: pageCtx(req),
        catalog,
        query,
        results,
        issues: [],
        values: {},
        contacts,
        units: unitList,
        transfers: transfers.map((t) => ({ ...t, org: req.lang === 'en' ? t.orgEn : t.org })),
        now: ctx.now(),
        ...extra,
      }),
      status,
    );
  };
  app.get('/staff/console', hide, async (req, reply) => {
    const q = req.query as { registered?: string; transferred?: string };
    return consolePage(req, reply, { registered: q.registered?.slice(0, 40), transferred: q.transferred === '1' });
  });
  app.post('/staff/console/register', hide, async (req, reply) => {
    const user = requireRole(req, 'operator');
    const v = formFields(req);
    try {
      const kind = v.kind === 'question' || v.kind === 'letter' || v.kind === 'complaint' ? v.kind : 'signal';
      const opt = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
      let number: string;
      if (kind === 'letter' || kind === 'complaint') {
        const issues: FieldIssue[] = [];
        if (!opt(v.subject)) issues.push({ field: 'subject', code: 'FIELD_REQUIRED' });
        if (!opt(v.description)) issues.push({ field: 'description', code: 'FIELD_REQUIRED' });
        if (!Number(v.unitId)) issues.push({ field: 'unitId', code: 'FIELD_REQUIRED' });
        if (!opt(v.name)) issues.push({ field: 'name', code: 'FIELD_REQUIRED' });
        if (issues.length) throw new AppError('VALIDATION', { issues });
        const email = opt(v.email);
        if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new AppError('VALIDATION', { issues: [{ field: 'email', code: 'EMAIL_INVALID' }] });
        const done = await registerDocument(
          ctx,
          { userId: null, name: opt(v.name)!.slice(0, 200), email: email ?? null, phone: opt(v.phone)?.slice(0, 40) ?? null, address: opt(v.submitterAddress)?.slice(0, 300) ?? null, locale: 'bg', firstName: '' },
          { kind, subject: opt(v.subject)!.slice(0, 300), description: opt(v.description)!.slice(0, 20000), unitId: Number(v.unitId) },
          [],
          'phone',
        );
        number = done.number;
      } else {
        const catalog = await getCatalog(orm);
        const type = catalog.type(Number(v.typeId));
        const [lat, lon] = (v.latlon ?? '').split(/[,;\s]+/).filter(Boolean);
        const input = parseOrThrow(SubmitCaseBody, {
          kind,
          typeId: opt(v.typeId),
          categoryId: type?.categoryId,
          description: v.description ?? '',
          address: opt(v.address),
          lat: opt(lat),
          lon: opt(lon),
          districtCode: opt(v.districtCode),
          name: opt(v.name),
          phone: opt(v.phone),
          email: opt(v.email),
          submitterAddress: opt(v.submitterAddress),
          lang: 'bg',
        });
        number = (await submitCase(ctx, input, [], 'phone')).number;
      }
      void user;
      return reply.redirect(`/staff/console?registered=${encodeURIComponent(number)}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'INTERNAL' || e.code === 'FORBIDDEN' || e.code === 'LOGIN_REQUIRED') throw err;
      return consolePage(req, reply, { issues: e.issues, formError: e.issues.length ? undefined : e.code, values: v }, e.status);
    }
  });
  app.post('/staff/console/transfer', hide, async (req, reply) => {
    const user = requireRole(req, 'operator');
    const v = formFields(req);
    try {
      await recordTransfer(ctx, user, { organisationId: Number(v.organisationId) || 0, callerName: v.callerName?.trim().slice(0, 200), callerPhone: v.callerPhone?.trim().slice(0, 40), note: v.note?.trim().slice(0, 500) }, req.ip);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'INTERNAL' || e.code === 'FORBIDDEN') throw err;
      return consolePage(req, reply, { issues: e.issues }, e.status);
    }
    return reply.redirect('/staff/console?transferred=1', 303);
  });
}
