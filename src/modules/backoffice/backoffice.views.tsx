import type { ComponentChildren, VNode } from 'preact';
import type { ErrorCode, FieldIssue, Lang } from '../../platform/errors/index.js';
import { formatDate, formatDateTime } from '../../platform/i18n/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { ErrorSummary, Field, CsrfField, csrfAction } from '../../platform/web/form.js';
import { DISTRICT_NAMES } from '../../platform/geo/index.js';
import { localName, type Catalog } from '../catalog/index.js';
import { STATUSES, STATUS_CODES, StatusBadge, eventLabel, kindName, type CaseView } from '../cases/index.js';
import { translator } from '../../platform/i18n/index.js';
import { ClockList, OverdueBadge } from '../deadlines/deadlines.views.js';
import { CLOSED_COUNT_DAYS, DUE_SOON_DAYS, type InboxCounts, type InboxFilter, type InboxRow, type StaffCase } from './backoffice.service.js';

const W = {
  inbox: { bg: 'Входяща кутия', en: 'Inbox' },
  console: { bg: 'Пулт на оператора', en: 'Operator console' },
  filters: { bg: 'Филтри', en: 'Filters' },
  status: { bg: 'Статус', en: 'Status' },
  category: { bg: 'Категория', en: 'Category' },
  district: { bg: 'Район', en: 'District' },
  olderThan: { bg: 'По-стари от (дни)', en: 'Older than (days)' },
  assignee: { bg: 'Изпълнител', en: 'Assignee' },
  anyone: { bg: 'Всички', en: 'Anyone' },
  me: { bg: 'Възложени на мен', en: 'Assigned to me' },
  unassigned: { bg: 'Невъзложени', en: 'Unassigned' },
  search: { bg: 'Търсене (номер, адрес, думи)', en: 'Search (number, address, words)' },
  sort: { bg: 'Подреждане', en: 'Order' },
  oldest: { bg: 'Най-старите първо', en: 'Oldest first' },
  newest: { bg: 'Най-новите първо', en: 'Newest first' },
  show: { bg: 'Покажи', en: 'Show' },
  all: { bg: 'Всички', en: 'All' },
  state: { bg: 'Състояние', en: 'State' },
  openCases: { bg: 'Отворени', en: 'Open' },
  closedCases: { bg: 'Приключени', en: 'Closed' },
  closedRecently: { bg: 'Приключени за последните {n} дни', en: 'Closed in the last {n} days' },
  allStates: { bg: 'Отворени и приключени', en: 'Open and closed' },
  found: { bg: 'Намерени: {n}', en: 'Found: {n}' },
  number: { bg: 'Номер', en: 'Number' },
  registered: { bg: 'Регистриран', en: 'Registered' },
  age: { bg: 'Възраст (дни)', en: 'Age (days)' },
  what: { bg: 'Документ', en: 'Document' },
  none: { bg: 'Няма документи по тези критерии.', en: 'No documents match.' },
  noUnit: { bg: 'Профилът Ви не е свързан със звено, затова няма входяща кутия.', en: 'Your account is not linked to a unit, so it has no inbox.' },
  hidden: { bg: 'скрит', en: 'hidden' },
  prev: { bg: 'По-нови', en: 'Previous' },
  next: { bg: 'Следващи', en: 'Next' },
  handledBy: { bg: 'Звено', en: 'Unit' },
  outside: { bg: 'Външна организация', en: 'Outside organisation' },
  assignedTo: { bg: 'Възложен на', en: 'Assigned to' },
  nobody: { bg: 'никого', en: 'nobody' },
  submitter: { bg: 'Подател', en: 'Submitter' },
  anonymous: { bg: 'анонимен', en: 'anonymous' },
  history: { bg: 'История (с вътрешните бележки)', en: 'History (with internal notes)' },
  internal: { bg: 'вътрешна', en: 'internal' },
  actions: { bg: 'Действия', en: 'Actions' },
  changeStatus: { bg: 'Промяна на статуса', en: 'Change status' },
  statusText: { bg: 'Публичен коментар (по желание)', en: 'Public comment (optional)' },
  answer: { bg: 'Публичен отговор', en: 'Public answer' },
  answerHint: { bg: 'Вижда се на публичната страница и се изпраща на подателя и абонатите.', en: 'Shown on the public page and sent to the submitter and subscribers.' },
  answerStatus: { bg: 'Статус след отговора', en: 'Status after the answer' },
  keep: { bg: '— без промяна —', en: '— unchanged —' },
  files: { bg: 'Приложения към отговора', en: 'Attachments to the answer' },
  note: { bg: 'Вътрешна бележка', en: 'Internal note' },
  noteHint: { bg: 'Никога не е публична.', en: 'Never public.' },
  assign: { bg: 'Възлагане', en: 'Assign' },
  redirect: { bg: 'Пренасочване', en: 'Redirect' },
  toUnit: { bg: 'Към звено', en: 'To a unit' },
  toOrg: { bg: 'или към външна организация', en: 'or to an outside organisation' },
  choose: { bg: '— изберете —', en: '— choose —' },
  reason: { bg: 'Основание', en: 'Reason' },
  reasonPublic: { bg: 'Вижда се публично.', en: 'Shown publicly.' },
  hide: { bg: 'Скриване от публичния сайт', en: 'Hide from the public site' },
  hideReason: { bg: 'Причина (вижда се само от служители)', en: 'Reason (staff only)' },
  unhide: { bg: 'Покажи отново публично', en: 'Show publicly again' },
  isHidden: { bg: 'Скрит от публичния сайт: {r}', en: 'Hidden from the public site: {r}' },
  reject: { bg: 'Отхвърляне', en: 'Reject' },
  rejectHint: { bg: 'Невярно, обидно, извън компетентността на общината … Подателят вижда основанието.', en: 'False, offensive, outside the municipality’s competence … The submitter sees the reason.' },
  duplicate: { bg: 'Съвпадащ с друг сигнал', en: 'Duplicate of another signal' },
  mainNumber: { bg: 'Номер на основния сигнал', en: 'Number of the main signal' },
  duplicateOf: { bg: 'Дублира', en: 'Duplicates' },
  photos: { bg: 'Снимки', en: 'Photos' },
  hidePhoto: { bg: 'Скрий снимката', en: 'Hide the photo' },
  showPhoto: { bg: 'Покажи снимката', en: 'Show the photo' },
  done: { bg: 'Готово: промяната е записана.', en: 'Done: the change is saved.' },
  save: { bg: 'Запиши', en: 'Save' },
  errorsTitle: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  publicPage: { bg: 'Публична страница', en: 'Public page' },
  find: { bg: 'Намиране на документ', en: 'Find a document' },
  phone: { bg: 'Телефон', en: 'Phone' },
  email: { bg: 'Имейл', en: 'Email' },
  address: { bg: 'Адрес', en: 'Address' },
  findButton: { bg: 'Търси', en: 'Find' },
  results: { bg: 'Резултати', en: 'Results' },
  noResults: { bg: 'Нищо не е намерено.', en: 'Nothing found.' },
  registerCall: { bg: 'Регистриране по телефона', en: 'Register for a caller' },
  kind: { bg: 'Вид', en: 'Kind' },
  signal: { bg: 'Сигнал', en: 'Signal' },
  question: { bg: 'Въпрос', en: 'Question' },
  type: { bg: 'Тип (за сигнал и въпрос)', en: 'Type (signal and question)' },
  unit: { bg: 'Адресат (за писмо и жалба)', en: 'Addressee (letter and complaint)' },
  subject: { bg: 'Относно (за писмо и жалба)', en: 'Subject (letter and complaint)' },
  description: { bg: 'Описание', en: 'Description' },
  placeAddress: { bg: 'Адрес на проблема', en: 'Address of the problem' },
  caller: { bg: 'Обаждащ се', en: 'Caller' },
  callerName: { bg: 'Име', en: 'Name' },
  callerAddress: { bg: 'Адрес за кореспонденция', en: 'Postal address' },
  registerButton: { bg: 'Регистрирай', en: 'Register' },
  tellNumber: { bg: 'Кажете на обаждащия се входящия номер', en: 'Tell the caller the registration number' },
  transfer: { bg: 'Прехвърлено обаждане', en: 'Transferred call' },
  transferHint: { bg: 'Запишете, когато насочите обаждащия се към друга организация.', en: 'Record it when you send the caller to another organisation.' },
  organisation: { bg: 'Организация', en: 'Organisation' },
  noteField: { bg: 'Бележка', en: 'Note' },
  recordTransfer: { bg: 'Запиши прехвърлянето', en: 'Record the transfer' },
  transferDone: { bg: 'Прехвърлянето е записано.', en: 'The transfer is recorded.' },
  recentTransfers: { bg: 'Последни прехвърляния', en: 'Recent transfers' },
  latLon: { bg: 'Координати (по желание: ширина, дължина)', en: 'Coordinates (optional: latitude, longitude)' },
  // Legal clocks (issue 12)
  due: { bg: 'Срок', en: 'Due' },
  dueFilter: { bg: 'Срок', en: 'Deadline' },
  anyDue: { bg: 'Всички', en: 'Any' },
  overdueCases: { bg: 'Просрочени', en: 'Overdue' },
  dueSoon: { bg: 'Срок до {n} дни', en: 'Due within {n} days' },
  dueFirst: { bg: 'Най-близък срок първо', en: 'Due soonest first' },
  clocks: { bg: 'Срокове', en: 'Deadlines' },
  extend: { bg: 'Удължи срока', en: 'Extend the period' },
  extension: { bg: 'Основание за удължаване', en: 'Ground for the extension' },
  upTo: { bg: 'до {n} дни', en: 'up to {n} days' },
  days: { bg: 'Брой дни', en: 'Number of days' },
  daysHint: { bg: 'Календарни дни, най-много колкото позволява основанието.', en: 'Calendar days, at most what the ground allows.' },
  text: { bg: 'Текст', en: 'Text' },
  extendReason: { bg: 'Причина', en: 'Reason' },
  extendHint: { bg: 'Подателят получава писмено уведомление с причината и новия срок.', en: 'The applicant is told in writing, with the reason and the new date.' },
  clarify: { bg: 'Поискай уточнение', en: 'Ask for a clarification' },
  clarifyText: { bg: 'Какво да уточни подателят', en: 'What the applicant should clarify' },
  clarifyHint: { bg: 'Изпраща се на подателя; срокът спира, докато уточнението дойде.', en: 'Sent to the applicant; the period stops until the clarification comes.' },
  clarified: { bg: 'Уточнението е получено', en: 'The clarification has arrived' },
  clarifiedText: { bg: 'Бележка (по желание)', en: 'Note (optional)' },
  clarifiedHint: { bg: 'Срокът тече отново от днес.', en: 'The period runs again from today.' },
} as const;
type Word = keyof typeof W;
function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}


function districtOptions(lang: Lang) {
  return Object.entries(DISTRICT_NAMES)
    .map(([code, n]) => ({ id: Number(code), name: n[lang] }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

function StaffNav({ ctx, active }: { ctx: PageCtx; active: 'inbox' | 'console' }): VNode {
  const lang = ctx.lang;
  return (
    <nav aria-label={lang === 'bg' ? 'Служебен раздел' : 'Staff area'} class="staff-nav">
      <a href="/staff" aria-current={active === 'inbox' ? 'page' : undefined}>
        {w(lang, 'inbox')}
      </a>
      {ctx.user?.role === 'operator' && (
        <a href="/staff/console" aria-current={active === 'console' ? 'page' : undefined}>
          {w(lang, 'console')}
        </a>
      )}
    </nav>
  );
}

const STAFF_CSS = ['/static/css/staff.css'];

function CaseTable({ rows, lang, now, showDue }: { rows: InboxRow[]; lang: Lang; now: Date; showDue?: boolean }): VNode {
  return (
    <div class="table-wrap">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{w(lang, 'number')}</th>
            <th scope="col">{w(lang, 'registered')}</th>
            <th scope="col">{w(lang, 'age')}</th>
            <th scope="col">{w(lang, 'what')}</th>
            <th scope="col">{w(lang, 'status')}</th>
            {showDue && <th scope="col">{w(lang, 'due')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={`/staff/cases/${encodeURIComponent(r.number)}`}>{r.number}</a>
                {r.hidden && <span class="muted"> ({w(lang, 'hidden')})</span>}
              </td>
              <td>{formatDate(r.registeredAt, lang)}</td>
              <td>{Math.floor((now.getTime() - r.registeredAt.getTime()) / 86400_000)}</td>
              <td>
                <strong>{kindName(r.kind, lang)}</strong>
                {r.address && <> · {r.address}</>}
                <br />
                {r.subject ?? r.description}
              </td>
              <td>
                <StatusBadge status={r.status} lang={lang} />
              </td>
              {showDue && (
                <td>
                  {r.dueAt ? (
                    <>
                      <time dateTime={r.dueAt.toISOString()}>{formatDate(r.dueAt, lang)}</time>
                      {r.dueAt.getTime() < now.getTime() && (
                        <>
                          {' '}
                          <OverdueBadge lang={lang} />
                        </>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The unit inbox (CC-10): filters, counts per status and of overdue work, oldest or due soonest first. */
export function InboxPage({ ctx, catalog, filter, rows, total, counts, pageSize, unitName, now }: { ctx: PageCtx; catalog: Catalog; filter: InboxFilter; rows: InboxRow[]; total: number; counts: InboxCounts; pageSize: number; unitName: string | null; now: Date }): VNode {
  const l = ctx.lang;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const qs = (page: number) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ state: filter.state === 'open' ? undefined : filter.state, status: filter.status, category: filter.category, district: filter.district, older: filter.olderThanDays, assignee: filter.assignee, due: filter.due, q: filter.q, sort: filter.sort })) if (v) p.set(k, String(v));
    p.set('page', String(page));
    return `/staff?${p.toString()}`;
  };
  return (
    <Layout ctx={ctx} title={w(l, 'inbox')} styles={STAFF_CSS}>
      <StaffNav ctx={ctx} active="inbox" />
      <h1>
        {w(l, 'inbox')}
        {unitName ? ` – ${unitName}` : ''}
      </h1>
      {!unitName ? (
        <p class="notice">{w(l, 'noUnit')}</p>
      ) : (
        <>
          <div class="status-counts-groups">
            <ul class="status-counts" aria-label={w(l, 'openCases')}>
              <li>
                <a href="/staff" aria-current={filter.state === 'open' && !filter.status ? 'true' : undefined}>
                  {w(l, 'openCases')}
                </a>
                : {Object.values(counts.open).reduce((a, b) => a + b, 0)}
              </li>
              {STATUS_CODES.filter((s) => STATUSES[s].open && counts.open[s]).map((s) => (
                <li>
                  <a href={`/staff?status=${s}`} aria-current={filter.status === s ? 'true' : undefined}>
                    {STATUSES[s][l]}
                  </a>
                  : {counts.open[s]}
                </li>
              ))}
              <li>
                <a href="/staff?due=overdue&sort=due" aria-current={filter.due === 'overdue' ? 'true' : undefined}>
                  {w(l, 'overdueCases')}
                </a>
                : {counts.overdue}
              </li>
              <li>
                <a href="/staff?due=soon&sort=due" aria-current={filter.due === 'soon' ? 'true' : undefined}>
                  {w(l, 'dueSoon', { n: DUE_SOON_DAYS })}
                </a>
                : {counts.dueSoon}
              </li>
            </ul>
            <ul class="status-counts" aria-label={w(l, 'closedRecently', { n: CLOSED_COUNT_DAYS })}>
              <li>
                <a href="/staff?state=closed&sort=newest" aria-current={filter.state === 'closed' && !filter.status ? 'true' : undefined}>
                  {w(l, 'closedRecently', { n: CLOSED_COUNT_DAYS })}
                </a>
                : {Object.values(counts.closedRecently).reduce((a, b) => a + b, 0)}
              </li>
              {STATUS_CODES.filter((s) => !STATUSES[s].open && counts.closedRecently[s]).map((s) => (
                <li>
                  <a href={`/staff?status=${s}&sort=newest`} aria-current={filter.status === s ? 'true' : undefined}>
                    {STATUSES[s][l]}
                  </a>
                  : {counts.closedRecently[s]}
                </li>
              ))}
            </ul>
          </div>
          <form method="get" action="/staff" class="card filters">
            <h2>{w(l, 'filters')}</h2>
            <div class="field">
              <label for="f-q">{w(l, 'search')}</label>
              <input id="f-q" name="q" type="search" value={filter.q ?? ''} maxLength={200} />
            </div>
            <div class="field">
              <label for="f-state">{w(l, 'state')}</label>
              <select id="f-state" name="state">
                <option value="open">{w(l, 'openCases')}</option>
                <option value="closed" selected={filter.state === 'closed'}>
                  {w(l, 'closedCases')}
                </option>
                <option value="all" selected={filter.state === 'all'}>
                  {w(l, 'allStates')}
                </option>
              </select>
            </div>
            <div class="field">
              <label for="f-status">{w(l, 'status')}</label>
              <select id="f-status" name="status">
                <option value="">{w(l, 'all')}</option>
                {STATUS_CODES.map((s) => (
                  <option value={s} selected={filter.status === s}>
                    {STATUSES[s][l]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-category">{w(l, 'category')}</label>
              <select id="f-category" name="category">
                <option value="">{w(l, 'all')}</option>
                {catalog.categories.map((c) => (
                  <option value={String(c.id)} selected={filter.category === c.id}>
                    {localName(c, l)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-district">{w(l, 'district')}</label>
              <select id="f-district" name="district">
                <option value="">{w(l, 'all')}</option>
                {districtOptions(l).map((d) => (
                  <option value={String(d.id)} selected={filter.district === d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-older">{w(l, 'olderThan')}</label>
              <input id="f-older" name="older" type="number" min={0} max={3650} value={filter.olderThanDays ? String(filter.olderThanDays) : ''} />
            </div>
            <div class="field">
              <label for="f-assignee">{w(l, 'assignee')}</label>
              <select id="f-assignee" name="assignee">
                <option value="">{w(l, 'anyone')}</option>
                <option value="me" selected={filter.assignee === 'me'}>
                  {w(l, 'me')}
                </option>
                <option value="none" selected={filter.assignee === 'none'}>
                  {w(l, 'unassigned')}
                </option>
              </select>
            </div>
            <div class="field">
              <label for="f-due">{w(l, 'dueFilter')}</label>
              <select id="f-due" name="due">
                <option value="">{w(l, 'anyDue')}</option>
                <option value="overdue" selected={filter.due === 'overdue'}>
                  {w(l, 'overdueCases')}
                </option>
                <option value="soon" selected={filter.due === 'soon'}>
                  {w(l, 'dueSoon', { n: DUE_SOON_DAYS })}
                </option>
              </select>
            </div>
            <div class="field">
              <label for="f-sort">{w(l, 'sort')}</label>
              <select id="f-sort" name="sort">
                <option value="oldest">{w(l, 'oldest')}</option>
                <option value="newest" selected={filter.sort === 'newest'}>
                  {w(l, 'newest')}
                </option>
                <option value="due" selected={filter.sort === 'due'}>
                  {w(l, 'dueFirst')}
                </option>
              </select>
            </div>
            <button type="submit">{w(l, 'show')}</button>
          </form>
          <p role="status">{w(l, 'found', { n: total })}</p>
          {rows.length ? <CaseTable rows={rows} lang={l} now={now} showDue /> : <p>{w(l, 'none')}</p>}
          {pages > 1 && (
            <nav class="pager" aria-label={l === 'bg' ? 'Страници' : 'Pages'}>
              {filter.page > 1 && <a href={qs(filter.page - 1)}>{w(l, 'prev')}</a>}
              <span>
                {filter.page} / {pages}
              </span>
              {filter.page < pages && <a href={qs(filter.page + 1)}>{w(l, 'next')}</a>}
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}

interface CasePageProps {
  ctx: PageCtx;
  sc: StaffCase;
  issues: FieldIssue[];
  formError?: ErrorCode;
  done?: boolean;
  redirectUnits: { id: number; name: string }[];
  redirectOrgs: { id: number; name: string }[];
  /** The action whose form was sent and refused: its fields carry the errors and the values sent. */
  failed?: string;
  values?: Record<string, string>;
}

/** The forms on the legal clocks (issue 12), whose fields take the bare ids the error summary links to when they fail. */
const CLOCK_FORMS = new Set(['extend', 'clarify', 'clarified']);

function ActionForm({ action, number, title, children, multipart }: { action: string; number: string; title: string; children: ComponentChildren; multipart?: boolean }): VNode {
  return (
    <section class="card staff-action" aria-labelledby={`act-${action}`}>
      <h3 id={`act-${action}`}>{title}</h3>
      <form method="post" action={csrfAction(null, `/staff/cases/${encodeURIComponent(number)}/${action}`)} enctype={multipart ? 'multipart/form-data' : undefined}>
        <CsrfField />
        {children}
      </form>
    </section>
  );
}

/** A case for staff: everything about it, its full history, and the actions this person may take (CC-10). */
export function StaffCasePage({ ctx, sc, issues, formError, done, redirectUnits, redirectOrgs, failed, values = {} }: CasePageProps): VNode {
  const l = ctx.lang;
  const t = translator(l);
  const v: CaseView = sc.view;
  // An error belongs to the form that was sent (the answer form's when it is not known).
  const err = (f: string, form = 'answer') => (failed && CLOCK_FORMS.has(failed) && failed !== form ? undefined : issues.find((i) => i.field === f));
  const can = (a: string) => sc.allowed.has(a as never);
  // A clock form's field: the bare id when that form failed (the error summary links to it), else prefixed.
  const fid = (form: string, field: string) => (failed === form ? field : `${form}-${field}`);
  const val = (form: string, field: string) => (failed === form ? (values[field] ?? '') : '');
  const extendable = sc.clocks.filter((c) => c.state === 'running').flatMap((c) => c.extensions.map((e) => ({ c, e })));
  const maxDays = Math.max(1, ...extendable.map((x) => x.e.maxDays));
  const clarifiable = sc.clocks.some((c) => c.clarifiable);
  const awaiting = sc.clocks.some((c) => c.awaitsClarification);
  const label = (f: string) => (f === 'text' && failed === 'extend' ? w(l, 'extendReason') : f === 'text' && failed === 'clarify' ? w(l, 'clarifyText') : f in W ? w(l, f as Word) : f);
  return (
    <Layout ctx={ctx} title={`${kindName(v.kind, l)} ${v.number}`} styles={STAFF_CSS}>
      <StaffNav ctx={ctx} active="inbox" />
      {done && (
        <p class="notice success" role="status">
          {w(l, 'done')}
        </p>
      )}
      <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={formError} label={label} />
      <p class="kicker">{kindName(v.kind, l)}</p>
      <h1>
        <span class="number">{v.number}</span>
      </h1>
      {sc.hiddenReason !== null && v.isPublic && <p class="notice">{w(l, 'isHidden', { r: sc.hiddenReason ?? '' })}</p>}
      <dl class="facts">
        <dt>{w(l, 'status')}</dt>
        <dd>
          <StatusBadge status={v.status} lang={l} />
        </dd>
        <dt>{w(l, 'registered')}</dt>
        <dd>{formatDateTime(v.registeredAt, l)}</dd>
        <dt>{w(l, 'handledBy')}</dt>
        <dd>{v.unit?.[l] ?? '—'}</dd>
        {sc.organisation && (
          <>
            <dt>{w(l, 'outside')}</dt>
            <dd>{sc.organisation[l]}</dd>
          </>
        )}
        <dt>{w(l, 'assignedTo')}</dt>
        <dd>{sc.assignee?.name ?? w(l, 'nobody')}</dd>
        {sc.duplicateOf && (
          <>
            <dt>{w(l, 'duplicateOf')}</dt>
            <dd>
              <a href={`/staff/cases/${encodeURIComponent(sc.duplicateOf)}`}>{sc.duplicateOf}</a>
            </dd>
          </>
        )}
        {v.category && (
          <>
            <dt>{w(l, 'category')}</dt>
            <dd>
              {v.category[l]}
              {v.type ? ` – ${v.type[l]}` : ''}
            </dd>
          </>
        )}
        {v.district && (
          <>
            <dt>{w(l, 'district')}</dt>
            <dd>{v.district[l]}</dd>
          </>
        )}
        {v.address && (
          <>
            <dt>{w(l, 'address')}</dt>
            <dd>{v.address}</dd>
          </>
        )}
        {v.subject && (
          <>
            <dt>{w(l, 'subject')}</dt>
            <dd>{v.subject}</dd>
          </>
        )}
        <dt>{w(l, 'submitter')}</dt>
        <dd>{v.anonymous ? w(l, 'anonymous') : [v.submitter?.name, v.submitter?.phone, v.submitter?.email, v.submitter?.address].filter(Boolean).join(' · ')}</dd>
      </dl>
      <section aria-labelledby="clocks-title">
        <h2 id="clocks-title">{w(l, 'clocks')}</h2>
        <ClockList clocks={sc.clocks} lang={l} />
      </section>
      <h2>{w(l, 'description')}</h2>
      <p class="prewrap">{v.description}</p>
      {v.isPublic && (
        <p>
          <a href={`/cases/${encodeURIComponent(v.number)}`}>{w(l, 'publicPage')}</a>
        </p>
      )}
      {sc.photos.length > 0 && (
        <>
          <h2>{w(l, 'photos')}</h2>
          <ul class="photos">
            {sc.photos.map((p, i) => (
              <li>
                <img src={`/staff/photos/${p.id}/thumb.jpg`} alt={t('case.photoAlt', { i: i + 1, number: v.number })} loading="lazy" />
                {p.hidden && <p class="muted">{w(l, 'isHidden', { r: p.hiddenReason ?? '' })}</p>}
                {can('hide') && (
                  <form method="post" action={`/staff/cases/${encodeURIComponent(v.number)}/hide`}>
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="photoId" value={p.id} />
                    <input type="hidden" name="hide" value={p.hidden ? '0' : '1'} />
                    {!p.hidden && (
                      <>
                        <label for={`ph-${p.id}`}>{w(l, 'hideReason')}</label>
                        <input id={`ph-${p.id}`} name="text" maxLength={500} required />
                      </>
                    )}
                    <button type="submit">{p.hidden ? w(l, 'showPhoto') : w(l, 'hidePhoto')}</button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {v.documents.length > 0 && (
        <ul>
          {v.documents.map((d) => (
            <li>
              <a href={`/staff/cases/${encodeURIComponent(v.number)}/files/${d.id}`}>{d.filename}</a>
            </li>
          ))}
        </ul>
      )}
      <h2>{w(l, 'history')}</h2>
      <ol class="history">
        {v.history.map((e) => (
          <li>
            <time dateTime={e.at.toISOString()}>{formatDateTime(e.at, l)}</time> <strong>{e.type === 'note' ? w(l, 'note') : e.type === 'assigned' ? w(l, 'assign') : e.type === 'hidden' ? w(l, 'hide') : eventLabel(e.type, t)}</strong>
            {e.statusTo && (
              <>
                {' '}
                <StatusBadge status={e.statusTo} lang={l} />
              </>
            )}
            {e.by && <span class="muted"> {e.by}</span>}
            {e.visibility === 'internal' && <span class="badge"> {w(l, 'internal')}</span>}
            {e.text && <p class="prewrap">{e.text}</p>}
          </li>
        ))}
      </ol>
      <h2>{w(l, 'actions')}</h2>
      <div class="staff-actions">
        {can('answer') && (
          <ActionForm action="answer" number={v.number} title={w(l, 'answer')} multipart>
            <Field id="answer-text" label={`${w(l, 'answer')} *`} hint={w(l, 'answerHint')} error={err('text', 'answer')} lang={l}>
              <textarea id="answer-text" name="text" rows={5} maxLength={8000} required></textarea>
            </Field>
            <div class="field">
              <label for="answer-status">{w(l, 'answerStatus')}</label>
              <select id="answer-status" name="status">
                <option value="">{w(l, 'keep')}</option>
                {STATUS_CODES.filter((s) => s !== 'rejected' && s !== 'duplicate').map((s) => (
                  <option value={s}>{STATUSES[s][l]}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="answer-files">{w(l, 'files')}</label>
              <input id="answer-files" name="files" type="file" multiple />
            </div>
            <button type="submit" class="primary">
              {w(l, 'save')}
            </button>
          </ActionForm>
        )}
        {can('status') && (
          <ActionForm action="status" number={v.number} title={w(l, 'changeStatus')}>
            <div class="field">
              <label for="status-status">{w(l, 'status')}</label>
              <select id="status-status" name="status">
                {STATUS_CODES.filter((s) => s !== 'rejected' && s !== 'duplicate').map((s) => (
                  <option value={s} selected={s === v.status}>
                    {STATUSES[s][l]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="status-text">{w(l, 'statusText')}</label>
              <textarea id="status-text" name="text" rows={2} maxLength={8000}></textarea>
            </div>
            <button type="submit">{w(l, 'save')}</button>
          </ActionForm>
        )}
        {can('extend') && extendable.length > 0 && (
          <ActionForm action="extend" number={v.number} title={w(l, 'extend')}>
            <Field id={fid('extend', 'extension')} label={`${w(l, 'extension')} *`} error={err('extension', 'extend')} lang={l}>
              <select id={fid('extend', 'extension')} name="extension" required>
                <option value="">{w(l, 'choose')}</option>
                {extendable.map(({ c, e }) => (
                  <option value={e.code} selected={val('extend', 'extension') === e.code}>
                    {e.label[l]} ({e.source}) – {w(l, 'upTo', { n: e.maxDays })}
                    {sc.clocks.length > 1 ? ` · ${c.label[l]}` : ''}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={fid('extend', 'days')} label={`${w(l, 'days')} *`} hint={w(l, 'daysHint')} error={err('days', 'extend')} lang={l}>
              <input id={fid('extend', 'days')} name="days" type="number" min={1} max={maxDays} required value={val('extend', 'days')} />
            </Field>
            <Field
              id={fid('extend', 'text')}
              label={`${w(l, 'extendReason')} *`}
              hint={extendable.some((x) => x.e.notice) ? w(l, 'extendHint') : undefined}
              error={err('text', 'extend')}
              lang={l}
            >
              <textarea id={fid('extend', 'text')} name="text" rows={2} maxLength={8000} required>
                {val('extend', 'text')}
              </textarea>
            </Field>
            <button type="submit">{w(l, 'extend')}</button>
          </ActionForm>
        )}
        {can('clarify') && clarifiable && (
          <ActionForm action="clarify" number={v.number} title={w(l, 'clarify')}>
            <Field id={fid('clarify', 'text')} label={`${w(l, 'clarifyText')} *`} hint={w(l, 'clarifyHint')} error={err('text', 'clarify')} lang={l}>
              <textarea id={fid('clarify', 'text')} name="text" rows={3} maxLength={8000} required>
                {val('clarify', 'text')}
              </textarea>
            </Field>
            <button type="submit">{w(l, 'clarify')}</button>
          </ActionForm>
        )}
        {can('clarified') && awaiting && (
          <ActionForm action="clarified" number={v.number} title={w(l, 'clarified')}>
            <Field id={fid('clarified', 'text')} label={w(l, 'clarifiedText')} hint={w(l, 'clarifiedHint')} error={err('text', 'clarified')} lang={l}>
              <textarea id={fid('clarified', 'text')} name="text" rows={2} maxLength={8000}>
                {val('clarified', 'text')}
              </textarea>
            </Field>
            <button type="submit">{w(l, 'clarified')}</button>
          </ActionForm>
        )}
        {can('note') && (
          <ActionForm action="note" number={v.number} title={w(l, 'note')}>
            <div class="field">
              <label for="note-text">{w(l, 'note')}</label>
              <span class="hint" id="note-hint">
                {w(l, 'noteHint')}
              </span>
              <textarea id="note-text" name="text" rows={3} maxLength={8000} required aria-describedby="note-hint"></textarea>
            </div>
            <button type="submit">{w(l, 'save')}</button>
          </ActionForm>
        )}
        {can('assign') && (
          <ActionForm action="assign" number={v.number} title={w(l, 'assign')}>
            <div class="field">
              <label for="assign-id">{w(l, 'assignee')}</label>
              <select id="assign-id" name="assigneeId">
                <option value="">{w(l, 'nobody')}</option>
                {sc.unitStaff.map((s) => (
                  <option value={s.id} selected={sc.assignee?.id === s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{w(l, 'save')}</button>
          </ActionForm>
        )}
        {can('redirect') && (
          <ActionForm action="redirect" number={v.number} title={w(l, 'redirect')}>
            <div class="field">
              <label for="redirect-unit">{w(l, 'toUnit')}</label>
              <select id="redirect-unit" name="unitId">
                <option value="">{w(l, 'choose')}</option>
                {redirectUnits.map((u) => (
                  <option value={String(u.id)}>{u.name}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="redirect-org">{w(l, 'toOrg')}</label>
              <select id="redirect-org" name="organisationId">
                <option value="">{w(l, 'choose')}</option>
                {redirectOrgs.map((o) => (
                  <option value={String(o.id)}>{o.name}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="redirect-text">{w(l, 'reason')} *</label>
              <span class="hint" id="redirect-hint">
                {w(l, 'reasonPublic')}
              </span>
              <textarea id="redirect-text" name="text" rows={2} maxLength={8000} required aria-describedby="redirect-hint"></textarea>
            </div>
            <button type="submit">{w(l, 'redirect')}</button>
          </ActionForm>
        )}
        {can('duplicate') && v.isPublic && (
          <ActionForm action="duplicate" number={v.number} title={w(l, 'duplicate')}>
            <div class="field">
              <label for="dup-main">{w(l, 'mainNumber')} *</label>
              <input id="dup-main" name="mainNumber" required maxLength={40} />
            </div>
            <button type="submit">{w(l, 'save')}</button>
          </ActionForm>
        )}
        {can('reject') && (
          <ActionForm action="reject" number={v.number} title={w(l, 'reject')}>
            <div class="field">
              <label for="reject-text">{w(l, 'reason')} *</label>
              <span class="hint" id="reject-hint">
                {w(l, 'rejectHint')}
              </span>
              <textarea id="reject-text" name="text" rows={2} maxLength={8000} required aria-describedby="reject-hint"></textarea>
            </div>
            <button type="submit" class="danger">
              {w(l, 'reject')}
            </button>
          </ActionForm>
        )}
        {can('hide') && v.isPublic && (
          <ActionForm action="hide" number={v.number} title={sc.hiddenReason !== null ? w(l, 'unhide') : w(l, 'hide')}>
            <input type="hidden" name="hide" value={sc.hiddenReason !== null ? '0' : '1'} />
            {sc.hiddenReason === null && (
              <div class="field">
                <label for="hide-text">{w(l, 'hideReason')} *</label>
                <textarea id="hide-text" name="text" rows={2} maxLength={8000} required></textarea>
              </div>
            )}
            <button type="submit">{sc.hiddenReason !== null ? w(l, 'unhide') : w(l, 'hide')}</button>
          </ActionForm>
        )}
      </div>
    </Layout>
  );
}

/** The 24/7 operator console (CC-14): find, register for a caller, record a transfer. */
export function ConsolePage(props: {
  ctx: PageCtx;
  catalog: Catalog;
  query: Record<string, string>;
  results: InboxRow[] | null;
  issues: FieldIssue[];
  formError?: ErrorCode;
  values: Record<string, string>;
  registered?: string;
  transferred?: boolean;
  contacts: { id: number; name: string; phone: string | null; hours: string | null }[];
  units: { id: number; name: string }[];
  transfers: { at: Date; org: string; phone: string | null; callerName: string | null; callerPhone: string | null; note: string | null }[];
  now: Date;
}): VNode {
  const { ctx, values, issues } = props;
  const l = ctx.lang;
  const err = (f: string) => issues.find((i) => i.field === f);
  return (
    <Layout ctx={ctx} title={w(l, 'console')} styles={STAFF_CSS}>
      <StaffNav ctx={ctx} active="console" />
      <h1>{w(l, 'console')}</h1>
      {props.registered && (
        <div class="notice success" role="status">
          <h2>{w(l, 'tellNumber')}</h2>
          <p class="big-number">{props.registered}</p>
        </div>
      )}
      {props.transferred && (
        <p class="notice success" role="status">
          {w(l, 'transferDone')}
        </p>
      )}
      <section class="card" aria-labelledby="find-title">
        <h2 id="find-title">{w(l, 'find')}</h2>
        <form method="get" action="/staff/console" class="filters">
          <div class="field">
            <label for="c-number">{w(l, 'number')}</label>
            <input id="c-number" name="number" value={props.query.number ?? ''} maxLength={40} />
          </div>
          <div class="field">
            <label for="c-phone">{w(l, 'phone')}</label>
            <input id="c-phone" name="phone" type="tel" value={props.query.phone ?? ''} maxLength={40} />
          </div>
          <div class="field">
            <label for="c-email">{w(l, 'email')}</label>
            <input id="c-email" name="email" type="email" value={props.query.email ?? ''} maxLength={254} />
          </div>
          <div class="field">
            <label for="c-address">{w(l, 'address')}</label>
            <input id="c-address" name="address" value={props.query.address ?? ''} maxLength={200} />
          </div>
          <button type="submit">{w(l, 'findButton')}</button>
        </form>
        {props.results && (
          <>
            <h3>{w(l, 'results')}</h3>
            {props.results.length ? <CaseTable rows={props.results} lang={l} now={props.now} /> : <p>{w(l, 'noResults')}</p>}
          </>
        )}
      </section>
      <section class="card" aria-labelledby="reg-title">
        <h2 id="reg-title">{w(l, 'registerCall')}</h2>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={props.formError} label={(f) => (f in W ? w(l, f as Word) : f)} />
        <form method="post" action="/staff/console/register">
          <CsrfField ctx={ctx} />
          <fieldset>
            <legend>{w(l, 'kind')}</legend>
            {(['signal', 'question', 'letter', 'complaint'] as const).map((k, i) => (
              <label class="check">
                <input type="radio" name="kind" value={k} id={i === 0 ? 'kind' : undefined} checked={(values.kind ?? 'signal') === k} /> {kindName(k, l)}
              </label>
            ))}
          </fieldset>
          <Field id="typeId" label={w(l, 'type')} error={err('typeId')} lang={l}>
            <select id="typeId" name="typeId">
              <option value="">{w(l, 'choose')}</option>
              {props.catalog.categories.map((c) => (
                <optgroup label={localName(c, l)}>
                  {c.types.map((ty) => (
                    <option value={String(ty.id)} selected={values.typeId === String(ty.id)}>
                      {localName(ty, l)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <Field id="unitId" label={w(l, 'unit')} error={err('unitId')} lang={l}>
            <select id="unitId" name="unitId">
              <option value="">{w(l, 'choose')}</option>
              {props.units.map((u) => (
                <option value={String(u.id)} selected={values.unitId === String(u.id)}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="subject" label={w(l, 'subject')} error={err('subject')} lang={l}>
            <input id="subject" name="subject" value={values.subject ?? ''} maxLength={300} />
          </Field>
          <Field id="description" label={`${w(l, 'description')} *`} error={err('description')} lang={l}>
            <textarea id="description" name="description" rows={4} maxLength={4000} required>
              {values.description ?? ''}
            </textarea>
          </Field>
          <Field id="address" label={w(l, 'placeAddress')} error={err('address')} lang={l}>
            <input id="address" name="address" value={values.address ?? ''} maxLength={300} />
          </Field>
          <Field id="districtCode" label={w(l, 'district')} error={err('districtCode')} lang={l}>
            <select id="districtCode" name="districtCode">
              <option value="">{w(l, 'choose')}</option>
              {districtOptions(l).map((d) => (
                <option value={String(d.id).padStart(2, '0')} selected={values.districtCode === String(d.id).padStart(2, '0')}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="latlon" label={w(l, 'latLon')} error={err('lat') ?? err('lon')} lang={l}>
            <input id="latlon" name="latlon" value={values.latlon ?? ''} maxLength={60} placeholder="42.6977, 23.3219" />
          </Field>
          <fieldset>
            <legend>{w(l, 'caller')}</legend>
            <Field id="name" label={w(l, 'callerName')} error={err('name')} lang={l}>
              <input id="name" name="name" value={values.name ?? ''} maxLength={200} />
            </Field>
            <Field id="phone" label={w(l, 'phone')} error={err('phone')} lang={l}>
              <input id="phone" name="phone" type="tel" value={values.phone ?? ''} maxLength={40} />
            </Field>
            <Field id="email" label={w(l, 'email')} error={err('email')} lang={l}>
              <input id="email" name="email" type="email" value={values.email ?? ''} maxLength={254} />
            </Field>
            <Field id="submitterAddress" label={w(l, 'callerAddress')} error={err('submitterAddress')} lang={l}>
              <input id="submitterAddress" name="submitterAddress" value={values.submitterAddress ?? ''} maxLength={300} />
            </Field>
          </fieldset>
          <button type="submit" class="primary">
            {w(l, 'registerButton')}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="tr-title">
        <h2 id="tr-title">{w(l, 'transfer')}</h2>
        <p class="hint">{w(l, 'transferHint')}</p>
        <form method="post" action="/staff/console/transfer">
          <CsrfField ctx={ctx} />
          <div class="field">
            <label for="tr-org">{w(l, 'organisation')} *</label>
            <select id="tr-org" name="organisationId" required>
              <option value="">{w(l, 'choose')}</option>
              {props.contacts.map((c) => (
                <option value={String(c.id)}>
                  {c.name}
                  {c.phone ? ` – ${c.phone}` : ''}
                  {c.hours ? ` (${c.hours})` : ''}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="tr-name">{w(l, 'callerName')}</label>
            <input id="tr-name" name="callerName" maxLength={200} />
          </div>
          <div class="field">
            <label for="tr-phone">{w(l, 'phone')}</label>
            <input id="tr-phone" name="callerPhone" type="tel" maxLength={40} />
          </div>
          <div class="field">
            <label for="tr-note">{w(l, 'noteField')}</label>
            <input id="tr-note" name="note" maxLength={500} />
          </div>
          <button type="submit">{w(l, 'recordTransfer')}</button>
        </form>
        {props.transfers.length > 0 && (
          <>
            <h3>{w(l, 'recentTransfers')}</h3>
            <ul>
              {props.transfers.map((t) => (
                <li>
                  {formatDateTime(t.at, l)} – {t.org}
                  {t.callerName ? ` · ${t.callerName}` : ''}
                  {t.callerPhone ? ` · ${t.callerPhone}` : ''}
                  {t.note ? ` · ${t.note}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </Layout>
  );
}
