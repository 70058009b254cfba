import type { VNode } from 'preact';
import { errorMessage, type ErrorCode, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { formatDateTime } from '../../platform/i18n/index.js';
import { ErrorSummary, Field, CsrfField } from '../../platform/web/form.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import type { ApiKeyRow } from './open311.keys.js';

/** The API key pages' words in both languages (NF-1). */
const W = {
  admin: { bg: 'Администрация', en: 'Administration' },
  title: { bg: 'Ключове за Open311 API', en: 'Open311 API keys' },
  lead: {
    bg: 'Всяко клиентско приложение, което подава сигнали през Open311 (POST requests), получава свой ключ. Четенето (услуги, сигнали, обновления) е свободно и не изисква ключ.',
    en: 'Every client application that submits signals through Open311 (POST requests) gets its own key. Reading (services, requests, updates) is open and needs no key.',
  },
  discovery: { bg: 'Описание на услугата (discovery)', en: 'Service discovery' },
  created: { bg: 'Ключът е създаден', en: 'The key is created' },
  createdLead: {
    bg: 'Копирайте го сега и го предайте сигурно на приложението: показва се само веднъж, пазим само отпечатъка му.',
    en: 'Copy it now and hand it over to the application securely: it is shown only once; we keep only its fingerprint.',
  },
  keyFor: { bg: 'Ключ за', en: 'Key for' },
  newKey: { bg: 'Нов ключ', en: 'New key' },
  name: { bg: 'Име на приложението', en: 'Application name' },
  nameHint: { bg: 'Напр. „Мобилно приложение на НПО Х“; до 100 знака', en: 'E.g. “Mobile app of NGO X”; up to 100 characters' },
  create: { bg: 'Създай ключ', en: 'Create key' },
  keys: { bg: 'Ключове', en: 'Keys' },
  none: { bg: 'Още няма ключове.', en: 'There are no keys yet.' },
  prefix: { bg: 'Начало на ключа', en: 'Key starts with' },
  createdAt: { bg: 'Създаден', en: 'Created' },
  lastUsed: { bg: 'Последно използван', en: 'Last used' },
  never: { bg: 'никога', en: 'never' },
  state: { bg: 'Състояние', en: 'State' },
  active: { bg: 'Активен', en: 'Active' },
  revokedOn: { bg: 'Отнет на', en: 'Revoked on' },
  actions: { bg: 'Действия', en: 'Actions' },
  rename: { bg: 'Преименувай', en: 'Rename' },
  newName: { bg: 'Ново име за', en: 'New name for' },
  revoke: { bg: 'Отнеми', en: 'Revoke' },
  revoked: { bg: 'Ключът е отнет: приложението вече получава 403.', en: 'The key is revoked: the application now gets 403.' },
  renamed: { bg: 'Името е променено.', en: 'The name is changed.' },
  quota: { bg: 'Квотата е променена.', en: 'The quota is changed.' },
  quotaCol: { bg: 'Квота (подавания на час)', en: 'Quota (submissions an hour)' },
  quotaFor: { bg: 'Квота на час за', en: 'Hourly quota for' },
  quotaSet: { bg: 'Запази квотата', en: 'Save quota' },
  quotaHint: {
    bg: 'Колко сигнала може да подаде приложението за един час; над нея получава 429. 0 спира подаването, без да отнема ключа.',
    en: 'How many signals the application may submit in one hour; past it, it gets 429. 0 stops submitting without revoking the key.',
  },
  usedNow: { bg: 'в текущия час', en: 'this hour' },
  blocked: { bg: 'Подаването е спряно', en: 'Submitting stopped' },
  errors: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  by: { bg: 'от', en: 'by' },
} as const;

type Word = keyof typeof W;
const w = (l: Lang, k: Word) => W[k][l];

/** What the API key page shows besides the list. */
export interface KeysPageState {
  values: { name?: string };
  issues: FieldIssue[];
  formError?: ErrorCode;
  /** The key just created: shown once. */
  created?: { name: string; key: string };
  done?: 'revoked' | 'renamed' | 'quota';
  /** A quota that was refused: for which key, and what was typed. */
  quotaError?: { id: number; value: string; issues: FieldIssue[] };
}

/** API-1: administrators create, name and revoke the keys of Open311 client applications. */
export function ApiKeysPage({ ctx, rows, s }: { ctx: PageCtx; rows: ApiKeyRow[]; s: KeysPageState }): VNode {
  const l = ctx.lang;
  const nameIssue = s.issues.find((i) => i.field === 'name');
  return (
    <Layout ctx={ctx} title={w(l, 'title')}>
      <p>
        <a href="/admin">← {w(l, 'admin')}</a>
      </p>
      <h1>{w(l, 'title')}</h1>
      <p class="lead">{w(l, 'lead')}</p>
      <p>
        <a href="/open311/v2/discovery.json">{w(l, 'discovery')}</a> · <a href="/docs/api">API</a>
      </p>
      {s.created && (
        <div class="notice success" role="status">
          <h2>{w(l, 'created')}</h2>
          <p>
            {w(l, 'keyFor')} „{s.created.name}“:
          </p>
          <p>
            <code id="new-key">{s.created.key}</code>
          </p>
          <p>{w(l, 'createdLead')}</p>
        </div>
      )}
      {s.done && (
        <div class="notice success" role="status">
          <p>{w(l, s.done)}</p>
        </div>
      )}
      {s.quotaError && (
        <ErrorSummary lang={l} title={w(l, 'errors')} issues={s.quotaError.issues} label={() => w(l, 'quotaCol')} idOf={() => `quota-${s.quotaError!.id}`} />
      )}
      <section>
        <h2>{w(l, 'newKey')}</h2>
        <ErrorSummary lang={l} title={w(l, 'errors')} issues={s.issues} formError={s.formError} label={() => w(l, 'name')} idOf={() => 'key-name'} />
        <form method="post" action="/admin/api-keys" class="narrow">
          <CsrfField ctx={ctx} />
          <Field id="key-name" label={w(l, 'name')} hint={w(l, 'nameHint')} error={nameIssue} lang={l}>
            <input type="text" id="key-name" name="name" maxLength={100} required value={s.values.name ?? ''} />
          </Field>
          <button type="submit" class="primary">
            {w(l, 'create')}
          </button>
        </form>
      </section>
      <section>
        <h2>{w(l, 'keys')}</h2>
        <p class="hint" id="quota-hint">
          {w(l, 'quotaHint')}
        </p>
        {rows.length === 0 ? (
          <p>{w(l, 'none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{w(l, 'name')}</th>
                  <th scope="col">{w(l, 'prefix')}</th>
                  <th scope="col">{w(l, 'createdAt')}</th>
                  <th scope="col">{w(l, 'lastUsed')}</th>
                  <th scope="col">{w(l, 'state')}</th>
                  <th scope="col">{w(l, 'quotaCol')}</th>
                  <th scope="col">{w(l, 'actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>{r.name}</td>
                    <td>
                      <code>{r.prefix}…</code>
                    </td>
                    <td>
                      {formatDateTime(r.createdAt, l)}
                      {r.createdBy ? ` ${w(l, 'by')} ${r.createdBy}` : ''}
                    </td>
                    <td>{r.lastUsedAt ? formatDateTime(r.lastUsedAt, l) : w(l, 'never')}</td>
                    <td>{r.revokedAt ? `${w(l, 'revokedOn')} ${formatDateTime(r.revokedAt, l)}` : r.hourlyQuota === 0 ? w(l, 'blocked') : w(l, 'active')}</td>
                    <td>
                      <QuotaForm l={l} row={r} error={s.quotaError?.id === r.id ? s.quotaError : undefined} />
                    </td>
                    <td>
                      <form method="post" action={`/admin/api-keys/${r.id}/name`} class="inline">
                        <CsrfField ctx={ctx} />
                        <label for={`name-${r.id}`} class="visually-hidden">
                          {w(l, 'newName')} {r.name}
                        </label>
                        <input type="text" id={`name-${r.id}`} name="name" maxLength={100} required value={r.name} />
                        <button type="submit" class="secondary">
                          {w(l, 'rename')}
                        </button>
                      </form>
                      {!r.revokedAt && (
                        <form method="post" action={`/admin/api-keys/${r.id}/revoke`} class="inline">
                          <CsrfField ctx={ctx} />
                          <button type="submit" class="danger" aria-label={`${w(l, 'revoke')}: ${r.name}`}>
                            {w(l, 'revoke')}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

/** The hourly quota of one key (issue 11): what it is, how much of it this hour used, a form to change it. */
function QuotaForm({ l, row, error }: { l: Lang; row: ApiKeyRow; error?: { value: string; issues: FieldIssue[] } }): VNode {
  const id = `quota-${row.id}`;
  const issue = error?.issues.find((i) => i.field === 'quota');
  return (
    <form method="post" action={`/admin/api-keys/${row.id}/quota`} class="inline">
      <CsrfField />
      <label for={id} class="visually-hidden">
        {w(l, 'quotaFor')} {row.name}
      </label>
      {issue && (
        <span class="field-error" id={`${id}-error`}>
          {errorMessage(issue.code, l, issue.params)}
        </span>
      )}
      <input
        type="text"
        id={id}
        name="quota"
        inputMode="numeric"
        size={7}
        maxLength={9}
        required
        value={error ? error.value : String(row.hourlyQuota)}
        aria-invalid={issue ? 'true' : undefined}
        aria-describedby={[issue ? `${id}-error` : '', `${id}-used`, 'quota-hint'].filter(Boolean).join(' ')}
      />
      <button type="submit" class="secondary">
        {w(l, 'quotaSet')}
      </button>
      <span class="hint" id={`${id}-used`}>
        {row.usedThisHour.toLocaleString(l === 'en' ? 'en-GB' : 'bg-BG')} {w(l, 'usedNow')}
      </span>
    </form>
  );
}
