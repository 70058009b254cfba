import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Ctx } from '../context.js';
import type { Database } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { formatDateTime, translator } from '../i18n/index.js';
import { isLoopback } from '../web/guards.js';
import { Layout, renderPage } from '../web/layout.js';
import { pageCtx } from '../web/pages.js';
import { getOutboxMessage, listOutbox } from './index.js';

/**
 * Whether the development mailbox exists: only in demo mode on the embedded database without
 * SMTP. Anywhere else the outbox holds real people's emails, password-reset links and private
 * links (issue 11, defect 2: a reset link read there took over an account).
 */
export function mailboxEnabled(config: Pick<Config, 'demo' | 'databaseUrl' | 'smtpUrl'>): boolean {
  return config.demo && !config.databaseUrl && !config.smtpUrl;
}

/** Whether mail is delivered, and how many emails wait undelivered (without SMTP, all of them stay). */
export async function mailStatus(db: Database, config: Pick<Config, 'smtpUrl'>): Promise<{ smtp: boolean; queued: number }> {
  const states = config.smtpUrl ? "'queued'" : "'queued', 'kept'";
  const { rows } = await db.raw.executeSql(`SELECT count(*)::int AS n FROM mail_outbox WHERE status IN (${states})`, []);
  return { smtp: Boolean(config.smtpUrl), queued: Number((rows[0] as { n: number }).n) };
}

/** The development mailbox is for the developer at this machine, or an administrator. */
function mayReadMailbox(req: FastifyRequest): void {
  if (!isLoopback(req.ip) && req.user?.role !== 'admin') throw new AppError('NOT_FOUND');
}

/** The development mailbox: what the platform sent, readable in demo mode when no SMTP server is configured. */
export async function mailboxRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  if (!mailboxEnabled(ctx.config)) return;
  app.get('/dev/mailbox', { schema: { hide: true } }, async (req, reply) => {
    mayReadMailbox(req);
    const pc = pageCtx(req);
    const t = translator(pc.lang);
    const rows = await listOutbox(ctx.db, 100);
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(
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
    mayReadMailbox(req);
    const id = Number((req.params as { id: string }).id);
    const m = Number.isSafeInteger(id) ? await getOutboxMessage(ctx.db, id) : null;
    if (!m) throw new AppError('NOT_FOUND');
    const pc = pageCtx(req);
    const t = translator(pc.lang);
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'private, no-store').send(
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
