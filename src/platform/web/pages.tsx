import type { FastifyRequest } from 'fastify';
import type { AppError } from '../errors/index.js';
import { errorMessage } from '../errors/index.js';
import { translator } from '../i18n/index.js';
import { Layout, renderPage, type PageCtx } from './layout.js';

/** The page context of a request: its language, path, person and CSRF token. */
export function pageCtx(req: FastifyRequest): PageCtx {
  return {
    lang: req.lang ?? 'bg',
    path: req.url,
    user: req.user ? { username: req.user.username, role: req.user.role } : null,
    csrf: typeof req.csrfToken === 'function' ? () => req.csrfToken() : undefined,
  };
}

/** A friendly HTML page for an error: what happened and where to go, never a stack trace. */
export function errorPage(req: FastifyRequest, err: AppError): string {
  const ctx = pageCtx(req);
  const t = translator(ctx.lang);
  const title = err.code === 'NOT_FOUND' ? t('notFound.title') : t('error.title');
  return renderPage(
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{err.code === 'NOT_FOUND' ? t('notFound.text') : errorMessage(err.code, ctx.lang)}</p>
      {err.issues.length > 0 && (
        <ul>
          {err.issues.map((i) => (
            <li>
              {i.field}: {errorMessage(i.code, ctx.lang, i.params)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/">{t('nav.home')}</a>
      </p>
    </Layout>,
  );
}
