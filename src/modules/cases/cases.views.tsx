import type { VNode } from 'preact';
import { errorMessage, type ErrorCode, type FieldIssue } from '../../platform/errors/index.js';
import { formatDate, formatDateTime, translator, type T } from '../../platform/i18n/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { Field, HumanCheck, CsrfField, csrfAction } from '../../platform/web/form.js';
import { DISTRICT_NAMES } from '../../platform/geo/index.js';
import type { Catalog, CatalogType, ExtraField } from '../catalog/index.js';
import { localName } from '../catalog/index.js';
import { formatExtra } from './cases.extra.js';
import type { NearbySignal, SignalListRow } from './cases.map.js';
import { STATUSES, STATUS_CODES, type CaseKind } from './cases.policy.js';
import { caseUrl, statusLabel } from './cases.service.js';
import type { CaseView } from './cases.present.js';
import type { ExpectedAnswer } from './cases.hooks.js';
import { endOfSofiaDay } from '../../platform/calendar/index.js';

/** Map settings the pages pass to the enhancement scripts. */
export interface MapSettings {
  tileUrl: string;
  attribution: string;
}

const MAP_ASSETS = {
  styles: ['/vendor/leaflet/leaflet.css', '/static/css/map.css'],
};

function districtOptions(lang: 'bg' | 'en') {
  return Object.entries(DISTRICT_NAMES)
    .map(([code, n]) => ({ code, name: n[lang] }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

// ---------------------------------------------------------------- home

interface HomeProps {
  ctx: PageCtx;
  catalog: Catalog;
  filter: { category?: number; status?: string; district?: string };
  list: { rows: SignalListRow[]; total: number; page: number; pageSize: number };
  map: MapSettings;
  /** Open the map on this point (a signal's "see on the map" link). */
  at?: { lat: number; lon: number };
  /** What other modules put on the home page: current announcements (CC-16). */
  aside?: VNode | null;
}

/** The home page: tracking by number, the map of recent signals and its list twin (CC-5, CC-6). */
export function HomePage({ ctx, catalog, filter, list, map, at, aside }: HomeProps): VNode {
  const t = translator(ctx.lang);
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const q = (page: number) => {
    const p = new URLSearchParams();
    if (filter.category) p.set('category', String(filter.category));
    if (filter.status) p.set('status', filter.status);
    if (filter.district) p.set('district', filter.district);
    if (page > 1) p.set('page', String(page));
    const s = p.toString();
    return s ? `/?${s}#signals-list` : '/#signals-list';
  };
  return (
    <Layout ctx={ctx} title={t('home.title')} active="home" styles={[...MAP_ASSETS.styles, '/static/css/directory.css']} scripts={['/vendor/leaflet/leaflet.js', '/static/js/map.js']}>
      <section class="hero">
        <h1>{t('home.title')}</h1>
        <p class="lead">{t('home.lead')}</p>
        <p class="cta">
          <a class="button primary" href="/signals/new">
            {t('nav.submitSignal')}
          </a>
          <a class="button" href="/questions/new">
            {t('nav.askQuestion')}
          </a>
        </p>
      </section>
      {aside}
      <section class="track-grid" aria-label={t('home.trackSignal')}>
        <TrackForm t={t} id="track-signal" title={t('home.trackSignal')} kind="signal" />
        <TrackForm t={t} id="track-question" title={t('home.trackQuestion')} kind="question" />
      </section>
      <section aria-labelledby="map-title">
        <h2 id="map-title">{t('home.mapTitle')}</h2>
        <form id="map-filters" method="get" action="/#signals-list" class="filters">
          <fieldset>
            <legend>{t('home.filters')}</legend>
            <label>
              {t('col.category')}
              <select name="category">
                <option value="">{t('home.allCategories')}</option>
                {catalog.categories.map((c) => (
                  <option value={String(c.id)} selected={filter.category === c.id}>
                    {localName(c, ctx.lang)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('col.status')}
              <select name="status">
                <option value="">{t('home.allStatuses')}</option>
                {STATUS_CODES.map((s) => (
                  <option value={s} selected={filter.status === s}>
                    {statusLabel(s, ctx.lang)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('col.district')}
              <select name="district">
                <option value="">{t('home.allDistricts')}</option>
                {districtOptions(ctx.lang).map((d) => (
                  <option value={d.code} selected={filter.district === d.code}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">{t('home.apply')}</button>
          </fieldset>
        </form>
        <p class="hint">{t('home.mapHelp')}</p>
        <div
          id="signal-map"
          class="map"
          data-tiles={map.tileUrl}
          data-attribution={map.attribution}
          data-lang={ctx.lang}
          data-api="/api/v1/map/clusters"
          data-center={at ? `${at.lat},${at.lon}` : undefined}
          data-zoom={at ? '18' : undefined}
          role="region"
          aria-label={t('home.mapTitle')}
        ></div>
        <p id="map-status" class="visually-hidden" aria-live="polite"></p>
      </section>
      <section id="signals-list" aria-labelledby="list-title">
        <h2 id="list-title">{t('home.listTitle')}</h2>
        <p>{t('home.listCount', { n: list.total })}</p>
        {list.rows.length === 0 ? (
          <p>{t('home.noSignals')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t('col.number')}</th>
                  <th scope="col">{t('col.date')}</th>
                  <th scope="col">{t('col.type')}</th>
                  <th scope="col">{t('col.district')}</th>
                  <th scope="col">{t('col.status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((r) => (
                  <tr>
                    <td>
                      <a href={caseUrl(r.number)}>{r.number}</a>
                    </td>
                    <td>{formatDate(r.registeredAt, ctx.lang)}</td>
                    <td>
                      <span class="muted">{r.category}</span>
                      <br />
                      {r.type}
                    </td>
                    <td>{r.district ?? '—'}</td>
                    <td>
                      <StatusBadge status={r.status} lang={ctx.lang} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 && (
          <nav class="pager" aria-label={t('pager.page', { p: list.page, n: pages })}>
            {list.page > 1 && (
              <a href={q(list.page - 1)} rel="prev">
                {t('pager.prev')}
              </a>
            )}
            <span>{t('pager.page', { p: list.page, n: pages })}</span>
            {list.page < pages && (
              <a href={q(list.page + 1)} rel="next">
                {t('pager.next')}
              </a>
            )}
          </nav>
        )}
      </section>
    </Layout>
  );
}

function TrackForm({ t, id, title, kind }: { t: T; id: string; title: string; kind: CaseKind }): VNode {
  return (
    <form class="card track" method="get" action="/track" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <input type="hidden" name="kind" value={kind} />
      <label for={`${id}-number`}>{t('home.numberLabel')}</label>
      <span class="hint" id={`${id}-hint`}>
        {t('home.numberHint')}
      </span>
      <div class="inline">
        <input id={`${id}-number`} name="number" required autoComplete="off" aria-describedby={`${id}-hint`} spellcheck={false} />
        <button type="submit">{t('home.search')}</button>
      </div>
    </form>
  );
}

/** A status as a coloured label with its text (colour is never the only cue). */
export function StatusBadge({ status, lang }: { status: string; lang: 'bg' | 'en' }): VNode {
  const open = (STATUSES as Record<string, { open: boolean }>)[status]?.open;
  return <span class={`badge status-${status} ${open ? 'open' : 'closed'}`}>{statusLabel(status, lang)}</span>;
}

// ---------------------------------------------------------------- submission form

/** The values a form was posted with, to show them again next to their errors. */
export type FormValues = Record<string, string | string[] | undefined>;

interface SubmitProps {
  ctx: PageCtx;
  kind: CaseKind;
  catalog: Catalog;
  values: FormValues;
  issues: FieldIssue[];
  map: MapSettings;
  /** Set when the whole form failed for a reason that is not one field's (e.g. a broken upload). */
  formError?: ErrorCode;
  /** More about a form-wide error, e.g. why an account was suspended. */
  formDetail?: string;
  /** Public signals of the same category within 50 m (duplicates). */
  nearby?: NearbySignal[];
  /** The signed time the form was shown (bot protection, with the honeypot). */
  stamp: string;
}

function fieldId(field: string): string {
  if (field.startsWith('extra.')) return `x_${field.slice(6)}`;
  if (field.startsWith('photos')) return 'photos';
  return ({ location: 'lat', typeId: 'type', categoryId: 'type' } as Record<string, string>)[field] ?? field;
}

/** The signal or question form; works without JavaScript, enhanced with the map (CC-1, CC-2). */
export function SubmitPage({ ctx, kind, catalog, values, issues, map, formError, formDetail, nearby, stamp }: SubmitProps): VNode {
  const t = translator(ctx.lang);
  const v = (k: string) => {
    const x = values[k];
    return Array.isArray(x) ? (x[0] ?? '') : (x ?? '');
  };
  const err = (field: string) => issues.find((i) => i.field === field);
  const typeId = Number(v('typeId')) || 0;
  const type = catalog.type(typeId);
  const action = kind === 'signal' ? '/signals/new' : '/questions/new';
  const title = kind === 'signal' ? t('form.signalTitle') : t('form.questionTitle');
  const allIssues = [...issues];
  return (
    <Layout
      ctx={ctx}
      title={title}
      active={kind === 'signal' ? 'signal' : 'question'}
      styles={kind === 'signal' ? MAP_ASSETS.styles : []}
      scripts={kind === 'signal' ? ['/vendor/leaflet/leaflet.js', '/static/js/submit.js', '/static/js/nearby.js'] : ['/static/js/submit.js']}
    >
      <h1>{title}</h1>
      <p class="lead">{kind === 'signal' ? t('form.signalLead') : t('form.questionLead')}</p>
      {(allIssues.length > 0 || formError) && (
        <div class="error-summary" role="alert" tabIndex={-1} id="error-summary">
          <h2>{t('form.errorsTitle')}</h2>
          <ul>
            {formError && (
              <li>
                {errorMessage(formError, ctx.lang)}
                {formDetail ? ` ${formDetail}` : ''}
              </li>
            )}
            {allIssues.map((i) => (
              <li>
                <a href={`#${fieldId(i.field)}`}>
                  {fieldLabel(i.field, t, ctx.lang, type)}: {errorMessage(i.code, ctx.lang, i.params)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form id="submit-form" method="post" action={csrfAction(ctx, action)} enctype="multipart/form-data" novalidate={false}>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="lang" value={v('lang') || ctx.lang} />
        <HumanCheck stamp={stamp} label={t('form.honeypot')} />
        <fieldset>
          <legend>{t('form.what')}</legend>
          <Field id="type" label={`${t('form.type')} *`} error={err('typeId') ?? err('categoryId')} lang={ctx.lang}>
            <select id="type" name="typeId" required aria-invalid={err('typeId') ? 'true' : undefined}>
              <option value="">{t('form.chooseType')}</option>
              {catalog.categories.map((c) => (
                <optgroup label={localName(c, ctx.lang)} data-category-id={String(c.id)}>
                  {c.types.map((ty) => (
                    <option value={String(ty.id)} selected={ty.id === typeId}>
                      {localName(ty, ctx.lang)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <p class="hint" data-no-js-only>
            {t('form.continueHint')}
          </p>
          <button type="submit" name="step" value="type" formnovalidate data-no-js-only class="secondary">
            {t('form.continue')}
          </button>
          <div id="extra-fields" aria-live="polite">
            {type && <ExtraFields type={type} ctx={ctx} values={values} issues={issues} />}
          </div>
        </fieldset>
        {kind === 'signal' && (
          <fieldset>
            <legend>{t('form.place')} *</legend>
            <div id="nearby" class="nearby" aria-live="polite" data-lang={ctx.lang}>
              {nearby && nearby.length > 0 && <NearbyList items={nearby} lang={ctx.lang} />}
            </div>
            <p class="hint" id="place-hint">
              {t('form.placeHint')}
            </p>
            {err('location') && <p class="field-error">{errorMessage(err('location')!.code, ctx.lang, err('location')!.params)}</p>}
            <div id="place-map" class="map small" data-tiles={map.tileUrl} data-attribution={map.attribution} data-lang={ctx.lang}></div>
            <button type="button" id="locate-me" hidden class="secondary">
              {t('form.myLocation')}
            </button>
            <p id="locate-status" aria-live="polite"></p>
            <Field id="address" label={t('form.address')} error={err('address')} lang={ctx.lang}>
              <input id="address" name="address" value={v('address')} maxLength={300} autoComplete="street-address" aria-describedby="place-hint" />
            </Field>
            <Field id="districtCode" label={t('form.district')} error={err('districtCode')} lang={ctx.lang}>
              <select id="districtCode" name="districtCode">
                <option value="">{t('form.districtUnknown')}</option>
                {districtOptions(ctx.lang).map((d) => (
                  <option value={d.code} selected={v('districtCode') === d.code}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Field>
            <div class="inline coords">
              <Field id="lat" label={t('form.lat')} error={err('lat') ?? err('location')} lang={ctx.lang}>
                <input id="lat" name="lat" value={v('lat')} inputMode="decimal" autoComplete="off" />
              </Field>
              <Field id="lon" label={t('form.lon')} error={err('lon')} lang={ctx.lang}>
                <input id="lon" name="lon" value={v('lon')} inputMode="decimal" autoComplete="off" />
              </Field>
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>{t('form.description')} *</legend>
          <Field id="description" label={t('form.description')} hint={t('form.descriptionHint')} error={err('description')} lang={ctx.lang}>
            <textarea id="description" name="description" rows={6} maxLength={4000} required>
              {v('description')}
            </textarea>
          </Field>
          <Field id="photos" label={t('form.photos')} hint={t('form.photosHint')} error={err('photos') ?? issues.find((i) => i.field.startsWith('photos['))} lang={ctx.lang}>
            <input id="photos" name="photos" type="file" multiple accept="image/jpeg,image/png,image/webp" />
          </Field>
          <p id="photos-status" aria-live="polite"></p>
        </fieldset>
        <fieldset>
          <legend>{t('form.submitter')}</legend>
          <p class="hint">{t(kind === 'signal' ? 'form.submitterHintSignal' : 'form.submitterHint')}</p>
          <Field id="name" label={t('form.name')} error={err('name')} lang={ctx.lang}>
            <input id="name" name="name" value={v('name')} maxLength={200} autoComplete="name" />
          </Field>
          <Field id="submitterAddress" label={t('form.submitterAddress')} error={err('submitterAddress')} lang={ctx.lang}>
            <input id="submitterAddress" name="submitterAddress" value={v('submitterAddress')} maxLength={300} autoComplete="street-address" />
          </Field>
          <Field id="phone" label={t('form.phone')} error={err('phone')} lang={ctx.lang}>
            <input id="phone" name="phone" type="tel" value={v('phone')} maxLength={40} autoComplete="tel" />
          </Field>
          <Field id="email" label={t('form.email')} hint={t('form.emailHint')} error={err('email')} lang={ctx.lang}>
            <input id="email" name="email" type="email" value={v('email')} maxLength={254} autoComplete="email" />
          </Field>
        </fieldset>
        <p class="hint">{t('form.terms')}</p>
        <button type="submit" class="primary" name="step" value="submit">
          {t('form.submit')}
        </button>
      </form>
    </Layout>
  );
}

function fieldLabel(field: string, t: T, lang: 'bg' | 'en', type?: CatalogType): string {
  if (field.startsWith('extra.')) {
    const f = type?.fields.find((x) => x.code === field.slice(6));
    return f ? (lang === 'en' ? f.labelEn : f.labelBg) : field;
  }
  const map: Record<string, Parameters<T>[0]> = {
    typeId: 'form.type',
    categoryId: 'form.category',
    description: 'form.description',
    address: 'form.address',
    districtCode: 'form.district',
    lat: 'form.lat',
    lon: 'form.lon',
    location: 'form.place',
    photos: 'form.photos',
    name: 'form.name',
    submitterAddress: 'form.submitterAddress',
    phone: 'form.phone',
    email: 'form.email',
  };
  const key = map[field] ?? (field.startsWith('photos[') ? 'form.photos' : undefined);
  return key ? t(key) : field;
}

/** The extra fields of a type; also served alone as a fragment for the enhanced form. */
export function ExtraFields({ type, ctx, values, issues }: { type: CatalogType; ctx: PageCtx; values: FormValues; issues: FieldIssue[] }): VNode {
  const t = translator(ctx.lang);
  if (type.fields.length === 0) return <></>;
  return (
    <div class="extra">
      <h3>{t('form.extra')}</h3>
      {type.fields.map((f) => (
        <ExtraInput f={f} ctx={ctx} value={values[`x_${f.code}`]} error={issues.find((i) => i.field === `extra.${f.code}`)} />
      ))}
    </div>
  );
}

function ExtraInput({ f, ctx, value, error }: { f: ExtraField; ctx: PageCtx; value: string | string[] | undefined; error?: FieldIssue }): VNode {
  const t = translator(ctx.lang);
  const id = `x_${f.code}`;
  const label = `${ctx.lang === 'en' ? f.labelEn : f.labelBg}${f.required ? ' *' : ''}`;
  const one = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  const many = Array.isArray(value) ? value : value ? [value] : [];
  const errorEl = error && (
    <span class="field-error" id={`${id}-error`}>
      {errorMessage(error.code, ctx.lang, error.params)}
    </span>
  );
  if (f.datatype === 'single' || f.datatype === 'multi' || f.datatype === 'bool') {
    const options = f.datatype === 'bool' ? [{ key: 'yes', bg: t('form.yes'), en: t('form.yes') }, { key: 'no', bg: t('form.no'), en: t('form.no') }] : (f.options ?? []);
    const inputType = f.datatype === 'multi' ? 'checkbox' : 'radio';
    return (
      <fieldset class={`field choice${error ? ' has-error' : ''}`} id={id} tabIndex={-1} aria-describedby={error ? `${id}-error` : undefined}>
        <legend>{label}</legend>
        {errorEl}
        {options.map((o, i) => (
          <label class="check">
            <input type={inputType} name={id} value={o.key} id={i === 0 ? undefined : `${id}-${o.key}`} checked={many.includes(o.key)} />
            {o[ctx.lang]}
          </label>
        ))}
      </fieldset>
    );
  }
  const type = f.datatype === 'date' ? 'date' : 'text';
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {errorEl}
      <input
        id={id}
        name={id}
        type={type as 'text'}
        value={one}
        inputMode={f.datatype === 'number' ? 'decimal' : undefined}
        required={f.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </div>
  );
}

// ---------------------------------------------------------------- a case

interface CaseProps {
  ctx: PageCtx;
  view: CaseView;
  /** Through the private link: show the submitter's own data and the receipt. */
  privateToken?: string;
  justRegistered?: boolean;
  /** CC-13: the subscribe button at the top right; absent on private pages. */
  subscription?: 'anonymous' | 'none' | 'subscribed';
  /** Issue 12: when the submitter may expect an answer (their own pages only). */
  expected?: ExpectedAnswer | null;
}

/** "Очаквайте отговор до 14.01.2027 г.", or that the period is suspended until a clarification comes (issue 12). */
export function expectedText(expected: ExpectedAnswer, lang: 'bg' | 'en', short = false): string {
  const t = translator(lang);
  if (expected.paused) return t(short ? 'case.expectedPausedShort' : 'case.expectedPaused');
  return t('case.expected', { date: formatDate(endOfSofiaDay(expected.dueOn), lang) });
}

/** The expected answer as a notice on the submitter's and the author's pages. */
export function ExpectedAnswerNote({ expected, lang }: { expected: ExpectedAnswer; lang: 'bg' | 'en' }): VNode {
  return (
    <p class="notice expected-answer" role="note">
      {expected.paused ? expectedText(expected, lang) : <strong>{expectedText(expected, lang)}</strong>}
    </p>
  );
}

/** A signal or question page: public (never personal data) or through the private link (CC-4, CC-5). */
export function CasePage({ ctx, view, privateToken, justRegistered, subscription, expected }: CaseProps): VNode {
  const t = translator(ctx.lang);
  const kindLabel = view.kind === 'signal' ? t('case.signal') : t('case.question');
  const photoBase = privateToken ? `/p/${privateToken}/photos` : '/photos';
  // Through the private link the files come from under it: they stay reachable while the case is hidden.
  const fileBase = privateToken ? `/p/${privateToken}/files` : `${caseUrl(view.number)}/files`;
  const subPath = `${caseUrl(view.number)}/subscription`;
  return (
    <Layout ctx={ctx} title={`${kindLabel} ${view.number}`}>
      {subscription && (
        <div class="subscribe-bar">
          {subscription === 'anonymous' ? (
            <a class="button" href={`/login?next=${encodeURIComponent(caseUrl(view.number))}`}>
              {t('sub.subscribe')}
            </a>
          ) : (
            <form method="post" action={subPath}>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="action" value={subscription === 'subscribed' ? 'unsubscribe' : 'subscribe'} />
              <button type="submit" aria-pressed={subscription === 'subscribed' ? 'true' : 'false'}>
                {subscription === 'subscribed' ? t('sub.unsubscribe') : t('sub.subscribe')}
              </button>
            </form>
          )}
        </div>
      )}
      {subscription === 'subscribed' && <p class="notice" role="status">{t('sub.youFollow')}</p>}
      {justRegistered && (
        <div class="notice success" role="status">
          <h2>{t('case.justRegistered')}</h2>
          <p class="big-number">{view.number}</p>
          <p>
            {t('case.registered')} {formatDateTime(view.registeredAt, ctx.lang)}
          </p>
          <p>{t('case.justRegisteredText')}</p>
          {view.submitter?.email && <p>{t('case.emailSent', { email: view.submitter.email })}</p>}
          <p>
            <a class="button" href={`/p/${privateToken}/receipt`}>
              {t('case.receipt')}
            </a>
          </p>
        </div>
      )}
      <p class="kicker">{kindLabel}</p>
      <h1>
        <span class="number">{view.number}</span>
      </h1>
      {privateToken && !justRegistered && <p class="notice">{t('case.private')}</p>}
      {expected && <ExpectedAnswerNote expected={expected} lang={ctx.lang} />}
      <dl class="facts">
        <dt>{t('case.status')}</dt>
        <dd>
          <StatusBadge status={view.status} lang={ctx.lang} />
        </dd>
        <dt>{t('case.registered')}</dt>
        <dd>{formatDateTime(view.registeredAt, ctx.lang)}</dd>
        {view.category && (
          <>
            <dt>{t('case.category')}</dt>
            <dd>{view.category[ctx.lang]}</dd>
          </>
        )}
        {view.type && (
          <>
            <dt>{t('case.type')}</dt>
            <dd>{view.type[ctx.lang]}</dd>
          </>
        )}
        {view.district && (
          <>
            <dt>{t('case.district')}</dt>
            <dd>{view.district[ctx.lang]}</dd>
          </>
        )}
        {view.neighbourhood && (
          <>
            <dt>{t('case.neighbourhood')}</dt>
            <dd>{view.neighbourhood[ctx.lang]}</dd>
          </>
        )}
        {view.address && (
          <>
            <dt>{t('case.address')}</dt>
            <dd>{view.address}</dd>
          </>
        )}
        {view.lat !== null && view.lon !== null && (
          <>
            <dt>{t('case.coordinates')}</dt>
            <dd>
              {view.lat.toFixed(6)}, {view.lon.toFixed(6)} ·{' '}
              <a href={`/?at=${view.lat.toFixed(6)},${view.lon.toFixed(6)}#signal-map`}>{t('case.onMap')}</a>
            </dd>
          </>
        )}
        {view.anonymous && view.kind === 'signal' && (
          <>
            <dt class="visually-hidden">{t('case.anonymous')}</dt>
            <dd>{t('case.anonymous')}</dd>
          </>
        )}
      </dl>
      <h2>{t('case.description')}</h2>
      <p class="description">{view.description}</p>
      {view.type && view.type.fields.some((f) => view.extra[f.code] !== undefined) && (
        <>
          <h2>{t('case.details')}</h2>
          <dl class="facts">
            {view.type.fields
              .filter((f) => view.extra[f.code] !== undefined)
              .map((f) => (
                <>
                  <dt>{ctx.lang === 'en' ? f.labelEn : f.labelBg}</dt>
                  <dd>{formatExtra(f, view.extra[f.code], ctx.lang)}</dd>
                </>
              ))}
          </dl>
        </>
      )}
      {view.photos.length > 0 && (
        <>
          <h2>{t('case.photos')}</h2>
          <ul class="photos">
            {view.photos.map((p, i) => (
              <li>
                <a href={`${photoBase}/${p.id}/large.jpg`}>
                  <img src={`${photoBase}/${p.id}/thumb.jpg`} alt={t('case.photoAlt', { i: i + 1, number: view.number })} loading="lazy" />
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      {view.documents.length > 0 && (
        <>
          <h2>{t('case.answerFiles')}</h2>
          <ul>
            {view.documents.map((d) => (
              <li>
                <a href={`${fileBase}/${d.id}`}>{d.filename}</a> <span class="muted">({Math.max(1, Math.round(d.bytes / 1024))} KB)</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {view.submitter && (
        <>
          <h2>{t('case.submitter')}</h2>
          <dl class="facts">
            {view.submitter.name && (
              <>
                <dt>{t('form.name')}</dt>
                <dd>{view.submitter.name}</dd>
              </>
            )}
            {view.submitter.address && (
              <>
                <dt>{t('form.submitterAddress')}</dt>
                <dd>{view.submitter.address}</dd>
              </>
            )}
            {view.submitter.phone && (
              <>
                <dt>{t('form.phone')}</dt>
                <dd>{view.submitter.phone}</dd>
              </>
            )}
            {view.submitter.email && (
              <>
                <dt>{t('form.email')}</dt>
                <dd>{view.submitter.email}</dd>
              </>
            )}
          </dl>
        </>
      )}
      <h2>{t('case.history')}</h2>
      <ol class="history">
        {view.history.map((e) => (
          <li>
            <time dateTime={e.at.toISOString()}>{formatDateTime(e.at, ctx.lang)}</time>{' '}
            <strong>{eventLabel(e.type, t)}</strong>
            {e.statusTo && (
              <>
                {' '}
                <StatusBadge status={e.statusTo} lang={ctx.lang} />
              </>
            )}
            {e.by && <span class="muted"> {t('case.by', { who: e.by })}</span>}
            {e.text && <p>{e.text}</p>}
          </li>
        ))}
      </ol>
      {privateToken && (
        <p>
          <a href={caseUrl(view.number)}>{t('case.publicPage')}</a> ·{' '}
          <a href={`/p/${privateToken}/receipt`}>{t('case.receipt')}</a>
        </p>
      )}
    </Layout>
  );
}

/** "Може би вече е подаден": nearby public signals the person can follow instead of a new one. */
export function NearbyList({ items, lang }: { items: NearbySignal[]; lang: 'bg' | 'en' }): VNode {
  const bg = lang === 'bg';
  return (
    <section class="notice" aria-labelledby="nearby-title">
      <h2 id="nearby-title">{bg ? 'Може би вече е подаден' : 'Maybe it has already been reported'}</h2>
      <p>
        {bg
          ? 'Наблизо (до 50 м) има подадени сигнали от същата категория през последните 30 дни. Ако е същият проблем, отворете сигнала и се абонирайте за него вместо да подавате нов.'
          : 'There are signals of the same category within 50 m from the last 30 days. If it is the same problem, open the signal and subscribe to it instead of submitting a new one.'}
      </p>
      <ul>
        {items.map((n) => (
          <li>
            <a href={n.url}>{n.number}</a> – {n.type} ({n.statusLabel}, {formatDate(n.registeredAt, lang)}, {n.metres} {bg ? 'м' : 'm'})
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The public name of a history entry's kind. */
export function eventLabel(type: string, t: T): string {
  switch (type) {
    case 'registered':
    case 'answer':
    case 'routed':
    case 'redirected':
    case 'rejected':
    case 'duplicate':
    case 'note':
    case 'assigned':
    case 'hidden':
    case 'shown':
    case 'clarification_requested':
    case 'clarified':
    case 'extended':
    case 'left_without_consideration':
      return t(`case.ev.${type}`);
    default:
      return t('case.ev.status');
  }
}

/** The printable receipt (талон) with number and date (CC-3). */
export function ReceiptPage({ ctx, view }: { ctx: PageCtx; view: CaseView }): VNode {
  const t = translator(ctx.lang);
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${t('receipt.title')} ${view.number}`}</title>
        <link rel="stylesheet" href="/static/css/app.css" />
      </head>
      <body class="receipt">
        <main>
          <p class="issuer">{t('receipt.issuer')}</p>
          <h1>{t('receipt.title')}</h1>
          <dl class="facts">
            <dt>{t('home.numberLabel')}</dt>
            <dd class="big-number">{view.number}</dd>
            <dt>{t('case.registered')}</dt>
            <dd>{formatDateTime(view.registeredAt, ctx.lang)}</dd>
            <dt>{t('col.type')}</dt>
            <dd>
              {view.kind === 'signal' ? t('case.signal') : t('case.question')}
              {view.type ? ` – ${view.type[ctx.lang]}` : ''}
            </dd>
            {view.submitter?.name && (
              <>
                <dt>{t('form.name')}</dt>
                <dd>{view.submitter.name}</dd>
              </>
            )}
          </dl>
          <p>{t('receipt.note')}</p>
          <p class="no-print">
            <button type="button" data-print hidden>
              {t('receipt.print')}
            </button>
            <a href="/">{t('nav.home')}</a>
          </p>
        </main>
        <script src="/static/js/print.js" defer></script>
      </body>
    </html>
  );
}

/** The friendly answer to a number that leads nowhere (CC-5). */
export function TrackNotFoundPage({ ctx, number }: { ctx: PageCtx; number: string }): VNode {
  const t = translator(ctx.lang);
  return (
    <Layout ctx={ctx} title={t('track.notFoundTitle')}>
      <h1>{t('track.notFoundTitle')}</h1>
      <p>{t('track.notFoundText', { number: number.slice(0, 60) })}</p>
      <section class="track-grid">
        <TrackForm t={t} id="track-again" title={t('track.again')} kind="signal" />
      </section>
    </Layout>
  );
}
