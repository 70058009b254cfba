import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VNode } from 'preact';
import type { Ctx } from '../../platform/context.js';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { ID_MAX, int, parseOrThrow, text } from '../../platform/errors/validation.js';
import { MAX_DOCUMENT_BYTES } from '../../platform/files/documents.js';
import { formFields, requireUser } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { lastValues, readBack, readMultipart } from '../../platform/web/multipart.js';
import { LimitError } from '../../platform/ratelimit/index.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import {
  endSubscriptionOf,
  listAddressees,
  listMyCases,
  listSubscriptions,
  myCaseUrl,
  startSubscription,
  submitDocument,
  subscriptionNumber,
  unsubscribe,
  unsubscribeById,
  type DocumentUpload,
} from './cases.documents.js';
import { DocumentFormPage, DocumentPage, MyCasesPage, MySubscriptionsPage, UnsubscribePage } from './cases.documents.views.js';
import { DOCUMENT_KINDS, KINDS } from './cases.policy.js';
import { caseUrl } from './cases.service.js';
import { caseAccessOf, sendCaseDocument } from './cases.guard.js';
import { expectedAnswersOf } from './cases.hooks.js';
import { may } from './cases.access.js';

export const DocumentBody = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  unitId: int({ min: 1, max: ID_MAX }),
  subject: text({ max: 300 }),
  description: text({ max: KINDS.letter.maxDescription, multiline: true }),
});

/** Signs an unsubscribe link so that it works without login but cannot be guessed for others. */
function unsubscribeMac(secret: string, id: number): string {
  return createHmac('sha256', secret).update(`unsubscribe:${id}`).digest('base64url').slice(0, 24);
}

/** The address that ends one subscription without logging in (emails carry it). */
export function unsubscribeUrl(base: string, secret: string, id: number): string {
  return `${base}/unsubscribe/${id}/${unsubscribeMac(secret, id)}`;
}

function macOk(secret: string, id: number, mac: string): boolean {
  const a = Buffer.from(unsubscribeMac(secret, id));
  const b = Buffer.from(mac);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a document form: fields, and files up to 20 MB each, naming any file that is too large. */
async function readDocumentForm(req: FastifyRequest, dataDir: string): Promise<{ values: Record<string, string>; files: DocumentUpload[]; issues: FieldIssue[] }> {
  const files: DocumentUpload[] = [];
  const issues: FieldIssue[] = [];
  if (!req.isMultipart()) return { values: formFields(req), files, issues };
  // Ten files of 20 MB, streamed to disk as they arrive, read back one at a time here.
  const form = await readMultipart(req, dataDir, { fileSize: MAX_DOCUMENT_BYTES, files: KINDS.letter.maxFiles + 1, requestBytes: KINDS.letter.maxFiles * MAX_DOCUMENT_BYTES + 1024 * 1024 });
  for (const f of form.files) {
    if (f.fieldname !== 'files') continue;
    const field = `files[${files.length + issues.length}]`;
    if (f.truncated) issues.push({ field, code: 'FILE_TOO_LARGE' });
    else files.push({ field, filename: f.filename ?? 'document', data: () => readBack(f) });
  }
  if (form.tooManyFiles) issues.push({ field: 'files', code: 'TOO_MANY_FILES' });
  return { values: lastValues(form.fields), files, issues };
}

/** Private documents, "My signals" and subscriptions of registered users (CC-8, CC-11, CC-13). */
export async function documentsRoutes(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const orm = ctx.db.orm;
  const hide = { schema: { hide: true } };
  const page = (reply: FastifyReply, vnode: VNode, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(renderPage(vnode));

  const formPage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, issues: FieldIssue[], status = 200, formError?: AppError['code']) => {
    const user = requireUser(req);
    const addressees = await listAddressees(orm);
    return page(
      reply,
      DocumentFormPage({
        ctx: pageCtx(req),
        values,
        issues,
        formError,
        addressees,
        sender: { name: `${user.firstName} ${user.lastName}`, email: user.email, phone: user.phone, address: user.address },
      }),
      status,
    );
  };

  app.get('/documents/new', hide, async (req, reply) => {
    const q = req.query as { kind?: string };
    return formPage(req, reply, { kind: (DOCUMENT_KINDS as readonly string[]).includes(q.kind ?? '') ? q.kind! : 'letter' }, []);
  });
  // Ten files of 20 MB (readDocumentForm's limits); each file is still checked by its bytes.
  app.post('/documents/new', hide, async (req, reply) => {
    const user = requireUser(req);
    let values: Record<string, string> = {};
    try {
      const form = await readDocumentForm(req, ctx.config.dataDir);
      values = form.values;
      if (form.issues.length) throw new AppError(form.issues.every((i) => i.code === 'FILE_TOO_LARGE') ? 'FILE_TOO_LARGE' : 'VALIDATION', { issues: form.issues });
      const input = parseOrThrow(DocumentBody, values);
      const done = await submitDocument(ctx, user, input, form.files, req.ip);
      return reply.redirect(`${myCaseUrl(done.number)}?new=1`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'INTERNAL' || e.code === 'LOGIN_REQUIRED') throw err;
      if (e instanceof LimitError) reply.header('Retry-After', String(e.retryAfterSeconds));
      return formPage(req, reply, values, e.issues, e.status, e.issues.length ? undefined : e.code);
    }
  });

  // The same "not found" for a number that does not exist, someone else's document and another unit's.
  // Guarded (cases.guard.ts): the same "not found" for a number that does not exist, someone
  // else's document and another unit's; the page shows what its audience receives.
  app.get('/documents/:number', hide, async (req, reply) => {
    const user = requireUser(req);
    const { view, audience, scope } = caseAccessOf(req);
    const v = view!;
    // Signals and questions have their public page; the author sees theirs there too (unless staff hid it).
    const fresh = (req.query as { new?: string }).new === '1' && audience === 'author';
    if (v.isPublic && !scope.hidden && audience === 'author' && !fresh) return reply.redirect(caseUrl(v.number), 303);
    // Issue 12: the author sees when to expect the answer.
    const expected = audience === 'author' ? ((await expectedAnswersOf(orm, [v.id])).get(v.id) ?? null) : null;
    return page(reply, DocumentPage({ ctx: pageCtx(req), view: v, justRegistered: fresh, email: fresh ? user.email : undefined, expected }));
  });
  app.get('/documents/:number/files/:id', hide, async (req, reply) => sendCaseDocument(ctx, req, reply, { personal: true }));

  app.get('/my/cases', hide, async (req, reply) => {
    const user = requireUser(req);
    const p = Math.min(Math.max(1, Number((req.query as { page?: string }).page) || 1), 10_000);
    const { rows, total } = await listMyCases(orm, user.id, p);
    return page(reply, MyCasesPage({ ctx: pageCtx(req), rows, total, page: p, pageSize: 20 }));
  });

  // ------------------------------------------------------------ subscriptions (CC-13)
  app.post('/cases/:number/subscription', hide, async (req, reply) => {
    const user = requireUser(req);
    const { view, principal, scope } = caseAccessOf(req);
    const { action } = formFields(req);
    if (action === 'unsubscribe') await unsubscribe(orm, user.id, view!.id);
    else if (!may(principal, 'subscribe', scope)) throw new AppError('FORBIDDEN');
    else await startSubscription(ctx, user, view!, (id) => unsubscribeUrl(ctx.config.publicBaseUrl, ctx.secret, id));
    return reply.redirect(caseUrl(view!.number), 303);
  });
  app.get('/my/subscriptions', hide, async (req, reply) => {
    const user = requireUser(req);
    const rows = (await listSubscriptions(orm, user.id)).filter((r) => !r.hidden);
    return page(reply, MySubscriptionsPage({ ctx: pageCtx(req), rows, notice: (req.query as { done?: string }).done === '1' }));
  });
  app.post('/my/subscriptions/:id/delete', hide, async (req, reply) => {
    const user = requireUser(req);
    const id = Number((req.params as { id: string }).id);
    if (Number.isSafeInteger(id)) await endSubscriptionOf(orm, user.id, id);
    return reply.redirect('/my/subscriptions?done=1', 303);
  });
  const unsubParams = (req: FastifyRequest) => {
    const { id, mac } = req.params as { id: string; mac: string };
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0 || !macOk(ctx.secret, n, mac)) throw new AppError('NOT_FOUND');
    return n;
  };
  app.get('/unsubscribe/:id/:mac', hide, async (req, reply) => {
    const id = unsubParams(req);
    const number = await subscriptionNumber(orm, id);
    return page(reply.header('Referrer-Policy', 'no-referrer'), UnsubscribePage({ ctx: pageCtx(req), number, action: req.url, done: number ? 'ask' : 'gone' }));
  });
  app.post('/unsubscribe/:id/:mac', hide, async (req, reply) => {
    const id = unsubParams(req);
    const done = await unsubscribeById(orm, id);
    return page(reply, UnsubscribePage({ ctx: pageCtx(req), number: done?.number ?? null, action: req.url, done: done ? 'done' : 'gone' }));
  });

  // ------------------------------------------------------------ JSON
  app.get(
    '/api/v1/me/cases',
    {
      schema: {
        summary: 'Everything the logged-in user submitted (My signals)',
        tags: ['accounts'],
        querystring: z.object({ page: int({ min: 1, max: 10_000 }).default(1) }),
      },
    },
    async (req) => {
      const user = requireUser(req);
      const { rows, total } = await listMyCases(orm, user.id, req.query.page);
      return {
        total,
        page: req.query.page,
        items: rows.map((r) => ({
          number: r.number,
          kind: r.kind,
          registeredAt: r.registeredAt.toISOString(),
          status: r.status,
          subject: r.subject,
          url: r.isPublic ? caseUrl(r.number) : myCaseUrl(r.number),
          // Issue 12: the date to expect an answer by (YYYY-MM-DD, Sofia), or null; suspended while a clarification is awaited.
          expectedAnswerBy: r.expected && !r.expected.paused ? r.expected.dueOn : null,
          answerPeriodSuspended: r.expected?.paused ?? false,
        })),
      };
    },
  );
}

