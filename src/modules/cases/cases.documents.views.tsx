import type { VNode } from 'preact';
import type { ErrorCode, FieldIssue, Lang } from '../../platform/errors/index.js';
import { formatDate, formatDateTime } from '../../platform/i18n/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { ErrorSummary, Field, CsrfField, csrfAction } from '../../platform/web/form.js';
import { DOCUMENT_KINDS, KINDS } from './cases.policy.js';
import { caseUrl, statusLabel } from './cases.service.js';
import type { CaseView } from './cases.present.js';
import { myCaseUrl, type MyCaseRow } from './cases.documents.js';
import { kindName } from './cases.policy.js';
import { ExpectedAnswerNote, StatusBadge, expectedText } from './cases.views.js';
import type { ExpectedAnswer } from './cases.hooks.js';

const W = {
  newTitle: { bg: 'Писмо, жалба, предложение или заявление', en: 'Letter, complaint, proposal or request' },
  newLead: {
    bg: 'Документът получава входящ номер от деловодството на Столична община. Той не е публичен: виждат го само Вие и служителите на звеното, което го разглежда.',
    en: 'The document gets a registration number from the Sofia Municipality register. It is not public: only you and the staff of the unit handling it see it.',
  },
  kind: { bg: 'Вид на документа', en: 'Kind of document' },
  unitId: { bg: 'Адресат', en: 'Addressee' },
  chooseUnit: { bg: '— изберете звено —', en: '— choose a unit —' },
  subject: { bg: 'Относно', en: 'Subject' },
  description: { bg: 'Текст', en: 'Text' },
  files: { bg: 'Приложения', en: 'Attachments' },
  filesHint: { bg: 'До 10 файла по до 20 MB: PDF, снимки, Word, Excel, OpenDocument.', en: 'Up to 10 files of up to 20 MB: PDF, images, Word, Excel, OpenDocument.' },
  sender: { bg: 'Подател', en: 'Sender' },
  senderNote: { bg: 'Данните са от профила Ви. Можете да ги промените в „Моят профил“.', en: 'The details come from your account. You can change them in “My account”.' },
  submit: { bg: 'Подай документа', en: 'Submit the document' },
  errorsTitle: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  registered: { bg: 'Документът е регистриран', en: 'The document is registered' },
  emailSent: { bg: 'Изпратихме потвърждение на {email}.', en: 'We sent a confirmation to {email}.' },
  private: { bg: 'Непубличен документ: виждат го само подателят и служителите на звеното, което го разглежда.', en: 'Not public: only the sender and the staff of the handling unit see it.' },
  handledBy: { bg: 'Разглежда се от', en: 'Handled by' },
  registeredOn: { bg: 'Регистриран на', en: 'Registered on' },
  status: { bg: 'Статус', en: 'Status' },
  history: { bg: 'История', en: 'History' },
  internal: { bg: 'вътрешна, само за служители', en: 'internal, staff only' },
  myTitle: { bg: 'Моите сигнали', en: 'My signals' },
  myLead: { bg: 'Всичко, което сте подали от профила си: сигнали, въпроси, писма, жалби, предложения и заявления.', en: 'Everything you submitted from your account: signals, questions, letters, complaints, proposals and requests.' },
  none: { bg: 'Още не сте подали нищо от профила си.', en: 'You have not submitted anything from your account yet.' },
  number: { bg: 'Номер', en: 'Number' },
  date: { bg: 'Дата', en: 'Date' },
  what: { bg: 'Документ', en: 'Document' },
  newSignal: { bg: 'Подай сигнал', en: 'Report a problem' },
  newDocument: { bg: 'Подай писмо, жалба или заявление', en: 'Send a letter, complaint or request' },
  subsTitle: { bg: 'Моите абонаменти', en: 'My subscriptions' },
  subsLead: { bg: 'Сигналите, за които получавате имейл при всяка промяна.', en: 'The signals you get an email about on every change.' },
  subsNone: { bg: 'Нямате абонаменти. Отворете сигнал и натиснете „Абонирай се“ горе вдясно.', en: 'No subscriptions. Open a signal and press “Subscribe” at the top right.' },
  since: { bg: 'Абониран от', en: 'Subscribed since' },
  unsubscribe: { bg: 'Прекрати', en: 'Unsubscribe' },
  unsubTitle: { bg: 'Прекратяване на абонамент', en: 'Unsubscribe' },
  unsubAsk: { bg: 'Да спрем ли имейлите за сигнал {number}?', en: 'Stop the emails about signal {number}?' },
  unsubDone: { bg: 'Абонаментът е прекратен. Няма да получавате повече имейли за този сигнал.', en: 'Unsubscribed. You will get no more emails about this signal.' },
  unsubGone: { bg: 'Този абонамент вече е прекратен.', en: 'This subscription has already ended.' },
  prev: { bg: 'По-нови', en: 'Newer' },
  next: { bg: 'По-стари', en: 'Older' },
  download: { bg: 'Изтегли', en: 'Download' },
  expected: { bg: 'Срок за отговор', en: 'Answer expected' },
} as const;

type Word = keyof typeof W;
function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** One addressee option. */
export interface Addressee {
  id: number;
  nameBg: string;
  nameEn: string;
  orgBg: string;
  orgEn: string;
}

/** The form for a letter, complaint, proposal or public-information request (CC-8). */
export function DocumentFormPage(props: {
  ctx: PageCtx;
  values: Record<string, string | undefined>;
  issues: FieldIssue[];
  formError?: ErrorCode;
  addressees: Addressee[];
  sender: { name: string; email: string; phone: string | null; address: string | null };
}): VNode {
  const { ctx, values, issues } = props;
  const l = ctx.lang;
  const err = (f: string) => issues.find((i) => i.field === f || i.field.startsWith(`${f}[`));
  const groups = new Map<string, Addressee[]>();
  for (const a of props.addressees) {
    const g = l === 'bg' ? a.orgBg : a.orgEn;
    groups.set(g, [...(groups.get(g) ?? []), a]);
  }
  const label = (f: string) => (f.startsWith('files') ? w(l, 'files') : f in W ? w(l, f as Word) : f);
  return (
    <Layout ctx={ctx} title={w(l, 'newTitle')}>
      <h1>{w(l, 'newTitle')}</h1>
      <p class="lead">{w(l, 'newLead')}</p>
      <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={props.formError} label={label} idOf={(f) => (f.startsWith('files') ? 'files' : f)} />
      <form method="post" action={csrfAction(ctx, '/documents/new')} enctype="multipart/form-data">
        <CsrfField ctx={ctx} />
        <fieldset>
          <legend>{w(l, 'kind')} *</legend>
          {DOCUMENT_KINDS.map((k, i) => (
            <label class="check">
              <input type="radio" name="kind" value={k} id={i === 0 ? 'kind' : undefined} checked={(values.kind ?? 'letter') === k} required />{' '}
              {kindName(k, l)}
            </label>
          ))}
        </fieldset>
        <Field id="unitId" label={`${w(l, 'unitId')} *`} error={err('unitId')} lang={l}>
          <select id="unitId" name="unitId" required>
            <option value="">{w(l, 'chooseUnit')}</option>
            {[...groups.entries()].map(([g, list]) => (
              <optgroup label={g}>
                {list.map((a) => (
                  <option value={String(a.id)} selected={values.unitId === String(a.id)}>
                    {l === 'bg' ? a.nameBg : a.nameEn}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Field id="subject" label={`${w(l, 'subject')} *`} error={err('subject')} lang={l}>
          <input id="subject" name="subject" type="text" maxLength={300} required value={values.subject ?? ''} />
        </Field>
        <Field id="description" label={`${w(l, 'description')} *`} error={err('description')} lang={l}>
          <textarea id="description" name="description" rows={10} maxLength={KINDS.letter.maxDescription} required>
            {values.description ?? ''}
          </textarea>
        </Field>
        <Field id="files" label={w(l, 'files')} hint={w(l, 'filesHint')} error={err('files')} lang={l}>
          <input id="files" name="files" type="file" multiple accept=".pdf,.doc,.docx,.xls,.xlsx,.pptx,.odt,.ods,image/jpeg,image/png,image/webp" />
        </Field>
        <fieldset>
          <legend>{w(l, 'sender')}</legend>
          <p>
            {props.sender.name}
            <br />
            {props.sender.email}
            {props.sender.phone && (
              <>
                <br />
                {props.sender.phone}
              </>
            )}
            {props.sender.address && (
              <>
                <br />
                {props.sender.address}
              </>
            )}
          </p>
          <p class="hint">{w(l, 'senderNote')}</p>
        </fieldset>
        <button type="submit" class="primary">
          {w(l, 'submit')}
        </button>
      </form>
    </Layout>
  );
}


/** A private document as its author or the handling unit's staff see it. */
export function DocumentPage({ ctx, view, justRegistered, email, expected }: { ctx: PageCtx; view: CaseView; justRegistered?: boolean; email?: string; expected?: ExpectedAnswer | null }): VNode {
  const l = ctx.lang;
  const title = `${kindName(view.kind, l)} ${view.number}`;
  return (
    <Layout ctx={ctx} title={title}>
      {justRegistered && (
        <div class="notice success" role="status">
          <h2>{w(l, 'registered')}</h2>
          <p class="big-number">{view.number}</p>
          <p>
            {w(l, 'registeredOn')} {formatDateTime(view.registeredAt, l)}
          </p>
          {email && <p>{w(l, 'emailSent', { email })}</p>}
        </div>
      )}
      <p class="kicker">{kindName(view.kind, l)}</p>
      <h1>
        <span class="number">{view.number}</span>
      </h1>
      <p class="notice">{w(l, 'private')}</p>
      {expected && <ExpectedAnswerNote expected={expected} lang={l} />}
      <dl class="facts">
        <dt>{w(l, 'status')}</dt>
        <dd>
          <StatusBadge status={view.status} lang={l} />
        </dd>
        <dt>{w(l, 'registeredOn')}</dt>
        <dd>{formatDateTime(view.registeredAt, l)}</dd>
        {view.unit && (
          <>
            <dt>{w(l, 'handledBy')}</dt>
            <dd>{view.unit[l]}</dd>
          </>
        )}
        {view.subject && (
          <>
            <dt>{w(l, 'subject')}</dt>
            <dd>{view.subject}</dd>
          </>
        )}
      </dl>
      <h2>{w(l, 'description')}</h2>
      <p class="prewrap">{view.description}</p>
      {view.documents.length > 0 && (
        <>
          <h2>{w(l, 'files')}</h2>
          <ul>
            {view.documents.map((d) => (
              <li>
                <a href={`${myCaseUrl(view.number)}/files/${d.id}`} download={d.filename}>
                  {d.filename}
                </a>{' '}
                <span class="muted">({Math.max(1, Math.round(d.bytes / 1024))} KB)</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {view.submitter && (
        <>
          <h2>{w(l, 'sender')}</h2>
          <p>
            {[view.submitter.name, view.submitter.email, view.submitter.phone, view.submitter.address].filter(Boolean).map((x, i) => (
              <>
                {i > 0 && <br />}
                {x}
              </>
            ))}
          </p>
        </>
      )}
      <h2>{w(l, 'history')}</h2>
      <ol class="history">
        {view.history.map((e) => (
          <li>
            <time dateTime={e.at.toISOString()}>{formatDateTime(e.at, l)}</time> {e.statusTo && <StatusBadge status={e.statusTo} lang={l} />}
            {e.by && <span class="muted"> {e.by}</span>}
            {e.visibility === 'internal' && <span class="badge"> {w(l, 'internal')}</span>}
            {e.text && <p>{e.text}</p>}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** "Моите сигнали" (CC-11): number, date, status and a link for every kind. */
export function MyCasesPage({ ctx, rows, total, page, pageSize }: { ctx: PageCtx; rows: MyCaseRow[]; total: number; page: number; pageSize: number }): VNode {
  const l = ctx.lang;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Layout ctx={ctx} title={w(l, 'myTitle')}>
      <h1>{w(l, 'myTitle')}</h1>
      <p class="lead">{w(l, 'myLead')}</p>
      <p>
        <a class="button primary" href="/signals/new">
          {w(l, 'newSignal')}
        </a>{' '}
        <a class="button" href="/documents/new">
          {w(l, 'newDocument')}
        </a>
      </p>
      {rows.length === 0 ? (
        <p>{w(l, 'none')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{w(l, 'number')}</th>
              <th scope="col">{w(l, 'date')}</th>
              <th scope="col">{w(l, 'what')}</th>
              <th scope="col">{w(l, 'status')}</th>
              <th scope="col">{w(l, 'expected')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={r.isPublic ? caseUrl(r.number) : myCaseUrl(r.number)}>{r.number}</a>
                </td>
                <td>{formatDate(r.registeredAt, l)}</td>
                <td>
                  <strong>{kindName(r.kind, l)}</strong>
                  <br />
                  {r.subject ?? r.description}
                </td>
                <td>
                  <StatusBadge status={r.status} lang={l} />
                </td>
                <td>{r.expected ? expectedText(r.expected, l, true) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav class="pager" aria-label={l === 'bg' ? 'Страници' : 'Pages'}>
          {page > 1 && <a href={`/my/cases?page=${page - 1}`}>{w(l, 'prev')}</a>}{' '}
          <span>
            {page} / {pages}
          </span>{' '}
          {page < pages && <a href={`/my/cases?page=${page + 1}`}>{w(l, 'next')}</a>}
        </nav>
      )}
    </Layout>
  );
}

/** "Моите абонаменти" (CC-13). */
export function MySubscriptionsPage({ ctx, rows, notice }: { ctx: PageCtx; rows: { id: number; since: Date; number: string; kind: string; status: string; description: string }[]; notice?: boolean }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'subsTitle')}>
      <h1>{w(l, 'subsTitle')}</h1>
      {notice && (
        <p class="notice success" role="status">
          {w(l, 'unsubDone')}
        </p>
      )}
      <p class="lead">{w(l, 'subsLead')}</p>
      {rows.length === 0 ? (
        <p>{w(l, 'subsNone')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{w(l, 'number')}</th>
              <th scope="col">{w(l, 'what')}</th>
              <th scope="col">{w(l, 'status')}</th>
              <th scope="col">{w(l, 'since')}</th>
              <th scope="col">
                <span class="visually-hidden">{w(l, 'unsubscribe')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={caseUrl(r.number)}>{r.number}</a>
                </td>
                <td>{r.description.slice(0, 120)}</td>
                <td>{statusLabel(r.status, l)}</td>
                <td>{formatDate(r.since, l)}</td>
                <td>
                  <form method="post" action={`/my/subscriptions/${r.id}/delete`}>
                    <CsrfField ctx={ctx} />
                    <button type="submit" aria-label={`${w(l, 'unsubscribe')} ${r.number}`}>
                      {w(l, 'unsubscribe')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** The page an email's unsubscribe link opens: one button, no login needed. */
export function UnsubscribePage({ ctx, number, action, done }: { ctx: PageCtx; number: string | null; action: string; done: 'ask' | 'done' | 'gone' }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'unsubTitle')}>
      <div class="narrow">
        <h1>{w(l, 'unsubTitle')}</h1>
        {done === 'ask' && (
          <form method="post" action={action}>
            <CsrfField ctx={ctx} />
            <p>{w(l, 'unsubAsk', { number: number ?? '' })}</p>
            <button type="submit" class="primary">
              {w(l, 'unsubscribe')}
            </button>
          </form>
        )}
        {done === 'done' && (
          <p class="notice success" role="status">
            {w(l, 'unsubDone')}
          </p>
        )}
        {done === 'gone' && (
          <p class="notice" role="status">
            {w(l, 'unsubGone')}
          </p>
        )}
      </div>
    </Layout>
  );
}
