import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../context.js';
import { AppError } from '../errors/index.js';
import { formatDateTime, translator } from '../i18n/index.js';
import { Layout, renderPage } from '../web/layout.js';
import { pageCtx } from '../web/pages.js';
import { getOutboxMessage, listOutbox } from './index.js';

/** The development mailbox: what the platform sent, readable when no SMTP server is configured. */
export async function mailboxRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  // With real mail configured, the outbox holds citizens' emails: never expose it then.
  if (ctx.config.smtpUrl) return;
  app.get('/dev/mailbox', { schema: { hide: true } }, async (req, reply) => {
    const pc = pageCtx(req);
    const t = translator(pc.lang);
    const rows = await listOutbox(ctx.db, 100);
    reply.type('text/html; charset=utf-8').send(
      renderPage(
        <Layout ctx={pc} title={t('mailbox.title')}>
          <h1>{t('mailbox.title')}</h1>
          <p>{t('mailbox.lead')}</p>
          {rows.length === 0 ? (
            <p>{t('mailbox.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">{t('mailbox.date')}</th>
                    <th scope="col">{t('mailbox.to')}</th>
                    <th scope="col">{t('mailbox.subject')}</th>
                    <th scope="col">{t('mailbox.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((m) => (
                    <tr>
                      <td>{formatDateTime(m.createdAt, pc.lang)}</td>
                      <td>{m.to}</td>
                      <td>
                        <a href={`/dev/mailbox/${m.id}`}>{m.subject}</a>
                      </td>
                      <td>{m.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Layout>,
      ),
    );
  });
  app.get('/dev/mailbox/:id', { schema: { hide: true } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const m = Number.isSafeInteger(id) ? await getOutboxMessage(ctx.db, id) : null;
    if (!m) throw new AppError('NOT_FOUND');
    const pc = pageCtx(req);
    const t = translator(pc.lang);
    reply.type('text/html; charset=utf-8').send(
      renderPage(
        <Layout ctx={pc} title={m.subject}>
          <p>
            <a href="/dev/mailbox">{t('mailbox.title')}</a>
          </p>
          <h1>{m.subject}</h1>
          <dl class="facts">
            <dt>{t('mailbox.to')}</dt>
            <dd>{m.to}</dd>
            <dt>{t('mailbox.date')}</dt>
            <dd>{formatDateTime(m.createdAt, pc.lang)}</dd>
          </dl>
          <pre class="mail-text">
            {m.text.split(/(https?:\/\/\S+)/).map((part) => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : part))}
          </pre>
        </Layout>,
      ),
    );
  });
}
