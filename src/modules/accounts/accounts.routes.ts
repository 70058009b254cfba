import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VNode } from 'preact';
import type { Ctx } from '../../platform/context.js';
import { sessionOnlyCookie } from '../../platform/auth/index.js';
import { AppError, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { parseOrThrow } from '../../platform/errors/validation.js';
import { addressSubject, hitLimit } from '../../platform/ratelimit/index.js';
import { checkHuman, formStamp, STAMP_FIELD } from '../../platform/web/forms.js';
import { formFields, requestHeaders, requireUser, safeNext } from '../../platform/web/guards.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import { myCaseCounts } from '../cases/index.js';
import { DigestBody, ProfileBody, RegisterBody } from './accounts.schemas.js';
import {
  LIMITS,
  changePassword,
  closeAccount,
  confirmEmailChange,
  deadlineDigestOf,
  login,
  logout,
  register,
  requestRecovery,
  resetPassword,
  setDeadlineDigest,
  undoEmailChange,
  undoLinkValid,
  updateProfile,
  verifyEmail,
} from './accounts.service.js';
import {
  AccountPage,
  CloseAccountPage,
  LoginPage,
  MessagePage,
  RecoverPage,
  RegisterDonePage,
  RegisterPage,
  ResetPage,
  SentPage,
  TermsPage,
  UndoEmailPage,
  VerifyResultPage,
} from './accounts.views.js';

function setCookies(reply: FastifyReply, cookies: string[]): void {
  if (cookies.length) reply.header('set-cookie', cookies.map(sessionOnlyCookie));
}

/** An error that a form shows next to its fields; anything else goes to the error page. */
function formError(err: unknown): { issues: FieldIssue[]; code?: ErrorCode; status: number } {
  const e = toAppError(err);
  if (e.code === 'INTERNAL' || e.code === 'LOGIN_REQUIRED') throw err;
  return { issues: e.issues, code: e.issues.length ? undefined : e.code, status: e.status };
}

/** Registration, login, recovery, profile and closing of citizens' accounts (AC-1..AC-6). */
export async function accountsRoutes(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const hide = { schema: { hide: true } };
  const page = (reply: FastifyReply, vnode: VNode, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(renderPage(vnode));
  const stamp = () => formStamp(ctx.secret, ctx.now());
  // A form that comes back carries a new stamp (the one it was sent with is spent, issue 11), except
  // one refused as too fast: its stamp is unspent, and the wait counts from when it was first shown.
  const nextStamp = (code: ErrorCode | undefined, values: Record<string, string | undefined>) => {
    const sent = values[STAMP_FIELD];
    return code === 'FORM_TOO_FAST' && typeof sent === 'string' && sent.length <= 100 ? sent : stamp();
  };

  app.get('/terms', hide, async (req, reply) => page(reply, TermsPage({ ctx: pageCtx(req), version: ctx.config.termsVersion })));

  // ------------------------------------------------------------ registration (AC-2)
  app.get('/register', hide, async (req, reply) => {
    if (req.user) return reply.redirect('/account', 303);
    return page(reply, RegisterPage({ ctx: pageCtx(req), values: {}, issues: [], stamp: stamp(), termsVersion: ctx.config.termsVersion }));
  });
  app.post('/register', hide, async (req, reply) => {
    const values = formFields(req);
    try {
      await checkHuman(ctx.db.orm, values, ctx.secret, ctx.now(), ctx.config.formMinSeconds);
      await hitLimit(ctx.db.orm, LIMITS.register, addressSubject(req.ip), ctx.now());
      const input = parseOrThrow(RegisterBody, { ...values, address: values.address || undefined, locale: values.locale || req.lang });
      const done = await register(ctx, input);
      return page(reply, RegisterDonePage({ ctx: pageCtx(req), email: done.email }));
    } catch (err) {
      const e = formError(err);
      return page(reply, RegisterPage({ ctx: pageCtx(req), values, issues: e.issues, formError: e.code, stamp: nextStamp(e.code, values), termsVersion: ctx.config.termsVersion }), e.status);
    }
  });
  app.post('/verify-email/resend', hide, async (req, reply) => {
    const { email = '' } = formFields(req);
    if (z.email().max(254).safeParse(email.trim()).success) await requestRecovery(ctx, 'verify', email, req.ip);
    return page(reply, RegisterDonePage({ ctx: pageCtx(req), email: email.slice(0, 254), resent: true }));
  });
  app.get('/verify-email', hide, async (req, reply) => {
    const token = String((req.query as { token?: string }).token ?? '');
    try {
      const result = await verifyEmail(ctx, token);
      return page(reply, VerifyResultPage({ ctx: pageCtx(req), result }));
    } catch (err) {
      formError(err);
      return page(reply, VerifyResultPage({ ctx: pageCtx(req), result: 'invalid' }), 400);
    }
  });

  // ------------------------------------------------------------ login and logout (AC-4)
  app.get('/login', hide, async (req, reply) => {
    const next = safeNext((req.query as { next?: string }).next);
    if (req.user) return reply.redirect(next, 303);
    const asked = next !== '/';
    return page(reply, LoginPage({ ctx: pageCtx(req), values: {}, issues: [], next, notice: asked ? 'loginNeeded' : undefined }));
  });
  app.post('/login', hide, async (req, reply) => {
    const values = formFields(req);
    const next = safeNext(values.next);
    try {
      if (!values.login?.trim() || !values.password) {
        const issues: FieldIssue[] = [];
        if (!values.login?.trim()) issues.push({ field: 'login', code: 'FIELD_REQUIRED' });
        if (!values.password) issues.push({ field: 'password', code: 'FIELD_REQUIRED' });
        throw new AppError('VALIDATION', { issues });
      }
      const res = await login(ctx, values.login.slice(0, 254), values.password.slice(0, 1000), req.ip, requestHeaders(req));
      setCookies(reply, res.cookies);
      return reply.redirect(next, 303);
    } catch (err) {
      const e = formError(err);
      return page(reply, LoginPage({ ctx: pageCtx(req), values: { login: values.login }, issues: e.issues, formError: e.code, next }), e.status);
    }
  });
  app.post('/logout', hide, async (req, reply) => {
    setCookies(reply, await logout(ctx, requestHeaders(req)));
    return reply.redirect('/', 303);
  });

  // ------------------------------------------------------------ recovery (AC-3)
  for (const which of ['password', 'username'] as const) {
    const path = `/forgot-${which}`;
    app.get(path, hide, async (req, reply) => page(reply, RecoverPage({ ctx: pageCtx(req), which, values: {}, issues: [], stamp: stamp() })));
    app.post(path, hide, async (req, reply) => {
      const values = formFields(req);
      try {
        await checkHuman(ctx.db.orm, values, ctx.secret, ctx.now(), ctx.config.formMinSeconds);
        const email = parseOrThrow(z.object({ email: z.email().max(254) }), { email: (values.email ?? '').trim() }).email;
        await requestRecovery(ctx, which === 'password' ? 'reset' : 'username', email, req.ip);
        return page(reply, SentPage({ ctx: pageCtx(req) }));
      } catch (err) {
        const e = formError(err);
        return page(reply, RecoverPage({ ctx: pageCtx(req), which, values, issues: e.issues, formError: e.code, stamp: nextStamp(e.code, values) }), e.status);
      }
    });
  }
  app.get('/reset-password', hide, async (req, reply) => {
    const token = String((req.query as { token?: string }).token ?? '').slice(0, 200);
    return page(reply.header('Referrer-Policy', 'no-referrer'), ResetPage({ ctx: pageCtx(req), token, values: {}, issues: [] }));
  });
  app.post('/reset-password', hide, async (req, reply) => {
    const values = formFields(req);
    try {
      await hitLimit(ctx.db.orm, LIMITS.recover, addressSubject(req.ip), ctx.now());
      await resetPassword(ctx, values.token ?? '', values.password ?? '', values.password2);
      return page(reply, LoginPage({ ctx: pageCtx(req), values: {}, issues: [], next: '/', notice: 'resetDone' }));
    } catch (err) {
      const e = formError(err);
      return page(reply, ResetPage({ ctx: pageCtx(req), token: values.token ?? '', values: {}, issues: e.issues, formError: e.code }), e.status);
    }
  });

  // ------------------------------------------------------------ the account (AC-3, AC-6)
  const accountPage = async (req: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof AccountPage>[0]> = {}, status = 200) => {
    const user = requireUser(req);
    const [counts, digest] = await Promise.all([myCaseCounts(ctx.db.orm, user.id), deadlineDigestOf(ctx.db.orm, user)]);
    return page(reply, AccountPage({ ctx: pageCtx(req), user, values: {}, issues: [], counts, digest, ...extra }), status);
  };
  app.get('/account', hide, async (req, reply) => {
    const q = req.query as { done?: string };
    const notice = q.done === 'saved' || q.done === 'emailPending' || q.done === 'emailChanged' || q.done === 'passwordChanged' ? q.done : undefined;
    return accountPage(req, reply, { notice });
  });
  app.post('/account/profile', hide, async (req, reply) => {
    const user = requireUser(req);
    const values = formFields(req);
    try {
      const input = parseOrThrow(ProfileBody, { ...values, address: values.address || undefined });
      const res = await updateProfile(ctx, user, input, values.currentPassword ?? '');
      return reply.redirect(`/account?done=${res.emailChangePending ? 'emailPending' : 'saved'}`, 303);
    } catch (err) {
      const e = formError(err);
      return accountPage(req, reply, { values, issues: e.issues, formError: e.code, section: 'profile' }, e.status);
    }
  });
  // Issue 12: officers and managers turn the daily digest of their unit's deadlines on or off.
  app.post('/account/digest', hide, async (req, reply) => {
    const user = requireUser(req);
    try {
      const input = parseOrThrow(DigestBody, formFields(req));
      await setDeadlineDigest(ctx, user, input.deadlineDigest === 'on');
      return reply.redirect('/account?done=saved', 303);
    } catch (err) {
      const e = formError(err);
      return accountPage(req, reply, { issues: e.issues, formError: e.code, section: 'digest' }, e.status);
    }
  });
  app.get('/account/email/confirm', hide, async (req, reply) => {
    const q = req.query as { u?: string; token?: string };
    try {
      await confirmEmailChange(ctx, String(q.u ?? ''), String(q.token ?? ''));
    } catch (err) {
      formError(err);
      return page(reply, VerifyResultPage({ ctx: pageCtx(req), result: 'invalid' }), 400);
    }
    return reply.redirect(req.user ? '/account?done=emailChanged' : '/login', 303);
  });
  // The old address's undo link: the GET only asks to confirm, so that a mail scanner opening every
  // link cannot undo a change (and end the sessions) by itself; the button posts the token.
  app.get('/account/email/undo', hide, async (req, reply) => {
    const q = req.query as { u?: string; token?: string };
    const u = String(q.u ?? '').slice(0, 100);
    const token = String(q.token ?? '').slice(0, 100);
    reply.header('Referrer-Policy', 'no-referrer');
    let valid = false;
    try {
      valid = await undoLinkValid(ctx, u, token);
    } catch (err) {
      formError(err);
    }
    if (!valid) return page(reply, VerifyResultPage({ ctx: pageCtx(req), result: 'invalid' }), 400);
    return page(reply, UndoEmailPage({ ctx: pageCtx(req), u, token }));
  });
  app.post('/account/email/undo', hide, async (req, reply) => {
    const { u = '', token = '' } = formFields(req);
    let restored: { email: string };
    try {
      await hitLimit(ctx.db.orm, LIMITS.recover, addressSubject(req.ip), ctx.now());
      restored = await undoEmailChange(ctx, u.slice(0, 100), token.slice(0, 100));
    } catch (err) {
      const e = formError(err);
      if (e.code === 'RATE_LIMITED') throw err;
      return page(reply, VerifyResultPage({ ctx: pageCtx(req), result: 'invalid' }), 400);
    }
    // Every session of the account has ended, this browser's too.
    if (req.user) setCookies(reply, await logout(ctx, requestHeaders(req)));
    req.user = null;
    return page(reply, UndoEmailPage({ ctx: pageCtx(req), done: restored.email }));
  });
  app.post('/account/password', hide, async (req, reply) => {
    const user = requireUser(req);
    const values = formFields(req);
    try {
      const cookies = await changePassword(ctx, user, requestHeaders(req), values.currentPassword ?? '', values.newPassword ?? '', values.newPassword2);
      setCookies(reply, cookies);
      return reply.redirect('/account?done=passwordChanged', 303);
    } catch (err) {
      const e = formError(err);
      return accountPage(req, reply, { issues: e.issues, formError: e.code, section: 'password' }, e.status);
    }
  });
  app.get('/account/close', hide, async (req, reply) => {
    requireUser(req);
    return page(reply, CloseAccountPage({ ctx: pageCtx(req), issues: [], releaseDays: ctx.config.accountReleaseDays }));
  });
  app.post('/account/close', hide, async (req, reply) => {
    const user = requireUser(req);
    const { password = '' } = formFields(req);
    try {
      await closeAccount(ctx, user, password);
    } catch (err) {
      const e = formError(err);
      return page(reply, CloseAccountPage({ ctx: pageCtx(req), issues: e.issues, releaseDays: ctx.config.accountReleaseDays }), e.status);
    }
    setCookies(reply, await logout(ctx, requestHeaders(req)));
    req.user = null;
    return page(reply, MessagePage({ ctx: pageCtx(req), title: 'closedTitle', text: 'closedText' }));
  });

  // ------------------------------------------------------------ JSON
  const Me = z.object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    phone: z.string().nullable(),
    locale: z.enum(['bg', 'en']),
    role: z.string(),
  });
  app.get(
    '/api/v1/me',
    { schema: { summary: 'The logged-in person (session cookie)', tags: ['accounts'], response: { 200: Me } } },
    async (req) => {
      const u = requireUser(req);
      return { id: u.id, username: u.username, email: u.email, firstName: u.firstName, lastName: u.lastName, phone: u.phone, locale: u.locale, role: u.role };
    },
  );
}
