import type { VNode } from 'preact';
import type { ErrorCode, Lang } from '../../platform/errors/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { MAX_RECIPIENTS, MIN_REASON } from './admin.users.js';
import { RECIPIENT_ROLES } from './admin.schemas.js';
import { AdminLayout, Done, Errors, Select, TextArea, TextInput, isWord, roleName, w, when, type FormState } from './admin.views.js';
import { CsrfField } from '../../platform/web/form.js';

/** The users and messages pages' own words (NF-1). */
const U = {
  search: { bg: 'Потребителско име или имейл', en: 'Username or email' },
  searchButton: { bg: 'Търси', en: 'Search' },
  results: { bg: 'Намерени', en: 'Found' },
  noResults: { bg: 'Няма граждани с такова име или имейл.', en: 'No citizens with such a username or email.' },
  suspendedList: { bg: 'Спрени профили', en: 'Suspended accounts' },
  noSuspended: { bg: 'Няма спрени профили.', en: 'No suspended accounts.' },
  registered: { bg: 'Регистриран', en: 'Registered' },
  state: { bg: 'Състояние', en: 'State' },
  suspendedSince: { bg: 'Спрян от {at}', en: 'Suspended since {at}' },
  activeAccount: { bg: 'Активен', en: 'Active' },
  reason: { bg: 'Причина', en: 'Reason' },
  reasonHint: {
    bg: 'Какво показа проверката (поне {n} знака). Причината се изпраща на потребителя и се записва в журнала.',
    en: 'What the check found (at least {n} characters). The reason is sent to the user and recorded in the log.',
  },
  suspend: { bg: 'Спри профила', en: 'Suspend the account' },
  suspendLead: {
    bg: 'Спиране след проверка на злоупотреба (неверни, обидни или неприлични сигнали и документи). Спреният потребител не може да подава сигнали и документи; получава писмо с причината.',
    en: 'Suspension after a check found abuse (false, offensive or indecent signals and documents). A suspended user cannot send signals or documents and is emailed the reason.',
  },
  lift: { bg: 'Отмени спирането', en: 'Lift the suspension' },
  suspendedDone: { bg: 'Профилът е спрян; изпратихме писмо на потребителя.', en: 'The account is suspended; we emailed the user.' },
  liftedDone: { bg: 'Спирането е отменено; изпратихме писмо на потребителя.', en: 'The suspension is lifted; we emailed the user.' },
  newMessage: { bg: 'Ново служебно съобщение', en: 'New service message' },
  messageLead: {
    bg: 'Съобщението се показва в „Моите съобщения“ на получателя и се изпраща по имейл. До роля: всички с потвърден имейл, най-много {max} получатели наведнъж.',
    en: 'The message appears in the recipient’s “My messages” and is sent by email. To a role: everyone with a confirmed email, at most {max} recipients at once.',
  },
  to: { bg: 'Получател', en: 'Recipient' },
  toUser: { bg: 'Един потребител', en: 'One user' },
  toRole: { bg: 'Всички с роля', en: 'Everyone with a role' },
  role: { bg: 'Роля', en: 'Role' },
  username: { bg: 'Потребителско име (за един потребител)', en: 'Username (for one user)' },
  subject: { bg: 'Тема', en: 'Subject' },
  body: { bg: 'Текст', en: 'Text' },
  bodyHint: { bg: 'Празен ред започва нов абзац.', en: 'An empty line starts a new paragraph.' },
  send: { bg: 'Изпрати', en: 'Send' },
  sentTo: { bg: 'Съобщението е изпратено до {n} получатели.', en: 'The message was sent to {n} recipients.' },
  myMessages: { bg: 'Моите съобщения', en: 'My messages' },
  myMessagesLead: { bg: 'Служебни и административни съобщения от Столична община.', en: 'Service and administrative messages from Sofia Municipality.' },
  noMessages: { bg: 'Нямате съобщения.', en: 'You have no messages.' },
  unread: { bg: 'ново', en: 'new' },
  received: { bg: 'Получено', en: 'Received' },
  allMessages: { bg: 'Всички съобщения', en: 'All messages' },
} as const;

type UWord = keyof typeof U;

function u(lang: Lang, key: UWord, vars?: Record<string, string | number>): string {
  let s: string = U[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

function label(lang: Lang) {
  return (field: string) => (field in U ? u(lang, field as UWord) : isWord(field) ? w(lang, field) : field);
}

/** A citizen in a search result. */
export interface CitizenRow {
  id: string;
  username: string | null;
  email: string;
  firstName: string;
  lastName: string;
  suspendedAt: Date | null;
  createdAt: Date;
}

function CitizenTable({ l, rows }: { l: Lang; rows: CitizenRow[] }): VNode {
  return (
    <div class="table-wrap">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{w(l, 'username')}</th>
            <th scope="col">{w(l, 'name')}</th>
            <th scope="col">{w(l, 'email')}</th>
            <th scope="col">{u(l, 'state')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={`/admin/users/${r.id}`}>{r.username ?? r.id}</a>
              </td>
              <td>
                {r.firstName} {r.lastName}
              </td>
              <td>{r.email}</td>
              <td>{r.suspendedAt ? u(l, 'suspendedSince', { at: when(l, r.suspendedAt) }) : u(l, 'activeAccount')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Find citizens; the suspended ones are listed below. */
export function UsersPage({ ctx, q, found, suspended }: { ctx: PageCtx; q: string; found: CitizenRow[] | null; suspended: CitizenRow[] }): VNode {
  const l = ctx.lang;
  return (
    <AdminLayout ctx={ctx} title={w(l, 'users')}>
      <form method="get" action="/admin/users" role="search" class="inline">
        <div class="field">
          <label for="q">{u(l, 'search')}</label>
          <input type="search" id="q" name="q" value={q} maxLength={254} />
        </div>
        <button type="submit">{u(l, 'searchButton')}</button>
      </form>
      {found && (
        <section aria-labelledby="found-h">
          <h2 id="found-h">{u(l, 'results')}</h2>
          {found.length ? <CitizenTable l={l} rows={found} /> : <p>{u(l, 'noResults')}</p>}
        </section>
      )}
      <section aria-labelledby="suspended-h">
        <h2 id="suspended-h">{u(l, 'suspendedList')}</h2>
        {suspended.length ? <CitizenTable l={l} rows={suspended} /> : <p>{u(l, 'noSuspended')}</p>}
      </section>
    </AdminLayout>
  );
}

/** One citizen: suspend with a reason, or lift the suspension (CC-17). */
export function UserPage(p: {
  ctx: PageCtx;
  person: { id: string; username: string; email: string; firstName: string; lastName: string; createdAt: Date; suspendedAt: Date | null; suspendedReason: string | null };
  s: FormState;
  formError?: ErrorCode;
  notice?: 'suspendedDone' | 'liftedDone';
}): VNode {
  const l = p.ctx.lang;
  const who = p.person;
  return (
    <AdminLayout ctx={p.ctx} title={`${who.firstName} ${who.lastName} (${who.username})`} trail={[['/admin/users', w(l, 'users')]]}>
      <div class="narrow">
        {p.notice && <Done text={u(l, p.notice)} />}
        <dl class="facts">
          <dt>{w(l, 'username')}</dt>
          <dd>{who.username}</dd>
          <dt>{w(l, 'email')}</dt>
          <dd>{who.email}</dd>
          <dt>{u(l, 'registered')}</dt>
          <dd>{when(l, who.createdAt)}</dd>
          <dt>{u(l, 'state')}</dt>
          <dd>{who.suspendedAt ? u(l, 'suspendedSince', { at: when(l, who.suspendedAt) }) : u(l, 'activeAccount')}</dd>
          {who.suspendedReason && (
            <>
              <dt>{u(l, 'reason')}</dt>
              <dd class="description">{who.suspendedReason}</dd>
            </>
          )}
        </dl>
        <p>
          <a href={`/admin/audit?entity=user&entityId=${encodeURIComponent(who.id)}`}>{w(l, 'audit')}</a>
        </p>
        {who.suspendedAt ? (
          <form method="post" action={`/admin/users/${who.id}/unsuspend`}>
            <CsrfField ctx={p.ctx} />
            <button type="submit" class="primary">
              {u(l, 'lift')}
            </button>
          </form>
        ) : (
          <section aria-labelledby="suspend-h">
            <h2 id="suspend-h">{u(l, 'suspend')}</h2>
            <p class="hint">{u(l, 'suspendLead')}</p>
            <Errors s={p.s} formError={p.formError} label={label(l)} />
            <form method="post" action={`/admin/users/${who.id}/suspend`}>
              <CsrfField ctx={p.ctx} />
              <TextArea s={p.s} name="reason" label={u(l, 'reason')} hint={u(l, 'reasonHint', { n: MIN_REASON })} required maxLength={1000} rows={4} />
              <button type="submit" class="danger">
                {u(l, 'suspend')}
              </button>
            </form>
          </section>
        )}
      </div>
    </AdminLayout>
  );
}

/** CC-18: compose a service message to one user or to a role. */
export function MessageFormPage({ ctx, s, formError, sent }: { ctx: PageCtx; s: FormState; formError?: ErrorCode; sent?: number }): VNode {
  const l = ctx.lang;
  const to = s.values.to === 'role' ? 'role' : 'user';
  return (
    <AdminLayout ctx={ctx} title={u(l, 'newMessage')} trail={[['/admin/messages/new', w(l, 'messages')]]}>
      <div class="narrow">
        {sent !== undefined && <Done text={u(l, 'sentTo', { n: sent })} />}
        <p class="lead">{u(l, 'messageLead', { max: MAX_RECIPIENTS.toLocaleString(l === 'bg' ? 'bg-BG' : 'en-GB') })}</p>
        <Errors s={s} formError={formError} label={label(l)} />
        <form method="post" action="/admin/messages">
          <CsrfField ctx={ctx} />
          <fieldset class="choice" id="to">
            <legend>{u(l, 'to')}</legend>
            <label class="check">
              <input type="radio" name="to" value="user" checked={to === 'user'} /> {u(l, 'toUser')}
            </label>
            <label class="check">
              <input type="radio" name="to" value="role" checked={to === 'role'} /> {u(l, 'toRole')}
            </label>
          </fieldset>
          <TextInput s={s} name="username" label={u(l, 'username')} maxLength={254} autoComplete="off" />
          <Select s={s} name="role" label={u(l, 'role')} options={RECIPIENT_ROLES.map((r) => ({ value: r, label: roleName(l, r) }))} empty={w(l, 'choose')} />
          <TextInput s={s} name="subject" label={u(l, 'subject')} required maxLength={200} />
          <TextArea s={s} name="body" label={u(l, 'body')} hint={u(l, 'bodyHint')} required maxLength={5000} rows={8} />
          <button type="submit" class="primary">
            {u(l, 'send')}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}

/** /messages: the logged-in person's service messages. */
export function MyMessagesPage({ ctx, rows }: { ctx: PageCtx; rows: { id: number; subject: string; createdAt: Date; readAt: Date | null }[] }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={u(l, 'myMessages')}>
      <h1>{u(l, 'myMessages')}</h1>
      <p class="lead">{u(l, 'myMessagesLead')}</p>
      {rows.length === 0 ? (
        <p>{u(l, 'noMessages')}</p>
      ) : (
        <ul class="history">
          {rows.map((m) => (
            <li>
              <a href={`/messages/${m.id}`}>{m.readAt ? m.subject : <strong>{m.subject}</strong>}</a> {!m.readAt && <span class="badge">{u(l, 'unread')}</span>}
              <p class="muted">{when(l, m.createdAt)}</p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** One service message, opened by its recipient. */
export function MyMessagePage({ ctx, m }: { ctx: PageCtx; m: { subject: string; body: string; createdAt: Date } }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={m.subject}>
      <p>
        <a href="/messages">{u(l, 'allMessages')}</a>
      </p>
      <h1>{m.subject}</h1>
      <p class="muted">
        {u(l, 'received')}: {when(l, m.createdAt)}
      </p>
      <div class="description">{m.body}</div>
    </Layout>
  );
}
