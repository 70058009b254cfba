import type { ComponentChildren, VNode } from 'preact';
import type { Lang } from '../../platform/errors/index.js';
import { formatDateTime } from '../../platform/i18n/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import type { Announcement, Both, DirectoryService, DirectoryUnit, UnitGroup } from './directory.service.js';

/** The directory's and announcements' words in both languages (NF-1). */
export const W = {
  dirTitle: { bg: 'Справочник: звена и услуги', en: 'Directory: units and services' },
  dirLead: {
    bg: 'Функции, адреси, работно време и контакти на звената на Столична община; административните услуги – как се получават, какви документи са нужни, срокове и цени.',
    en: 'Functions, addresses, working hours and contacts of the units of Sofia Municipality; administrative services – how to obtain them, the documents needed, deadlines and prices.',
  },
  emergency: { bg: 'При спешен случай – пожар, произшествие, заплаха за живота – звъннете на 112.', en: 'In an emergency – fire, accident, danger to life – call 112.' },
  kcLine: { bg: 'Контактен център на Столична община: 0700 17 310, денонощно.', en: 'Sofia Municipality Contact Center: 0700 17 310, around the clock.' },
  searchLabel: { bg: 'Търсене в справочника', en: 'Search the directory' },
  searchHint: { bg: 'Дума от наименованието или функциите, напр. „осветление“ или „удостоверение“.', en: 'A word of the name or the functions, e.g. “lighting” or “certificate”.' },
  searchButton: { bg: 'Търси', en: 'Search' },
  showAll: { bg: 'Покажи всички', en: 'Show all' },
  found: { bg: 'Търсене „{q}“ – намерени звена: {units}; услуги: {services}.', en: 'Search “{q}” – units found: {units}; services: {services}.' },
  onThisPage: { bg: 'На тази страница', en: 'On this page' },
  unitsTitle: { bg: 'Звена на общината', en: 'Municipal units' },
  servicesTitle: { bg: 'Административни услуги', en: 'Administrative services' },
  noUnits: { bg: 'Няма звена, които отговарят на търсенето.', en: 'No unit matches the search.' },
  noServices: { bg: 'Няма услуги, които отговарят на търсенето.', en: 'No service matches the search.' },
  functions: { bg: 'Функции', en: 'Functions' },
  address: { bg: 'Адрес', en: 'Address' },
  hours: { bg: 'Работно време', en: 'Working hours' },
  phone: { bg: 'Телефон', en: 'Phone' },
  email: { bg: 'Имейл', en: 'Email' },
  organisation: { bg: 'Организация', en: 'Organisation' },
  notGiven: { bg: 'не е посочено', en: 'not given' },
  askKc: { bg: 'Каквото не е посочено тук, можете да научите от Контактния център на 0700 17 310.', en: 'What is not given here you can learn from the Contact Center on 0700 17 310.' },
  unitServices: { bg: 'Услуги на звеното', en: 'Services of this unit' },
  back: { bg: 'Към справочника', en: 'Back to the directory' },
  how: { bg: 'Как се получава', en: 'How to obtain it' },
  documents: { bg: 'Необходими документи', en: 'Documents needed' },
  deadline: { bg: 'Срок', en: 'Deadline' },
  price: { bg: 'Цена', en: 'Price' },
  service: { bg: 'Услуга', en: 'Service' },
  responsibleUnit: { bg: 'Отговорно звено', en: 'Responsible unit' },
  annTitle: { bg: 'Съобщения за ремонти и проблеми', en: 'Announcements of works and problems' },
  annLead: {
    bg: 'Текущи ремонти, аварии и други проблеми, по които работят звената на Столична община.',
    en: 'Current works, breakdowns and other problems the units of Sofia Municipality are acting on.',
  },
  boxTitle: { bg: 'Текущи ремонти и проблеми', en: 'Current works and problems' },
  pastTitle: { bg: 'Наскоро приключили', en: 'Recently ended' },
  noCurrent: { bg: 'В момента няма съобщения.', en: 'There are no announcements at the moment.' },
  noPast: { bg: 'Няма наскоро приключили съобщения.', en: 'No announcements ended recently.' },
  allAnnouncements: { bg: 'Всички съобщения', en: 'All announcements' },
  onMap: { bg: 'на картата', en: 'on the map' },
  period: { bg: 'Период', en: 'Period' },
  unit: { bg: 'Звено', en: 'Unit' },
} as const;

export type Word = keyof typeof W;

/** A word of the module in a language, with {placeholders} filled. */
export function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

const pick = (b: Both, lang: Lang) => b[lang] || b.bg;

function Value({ lang, children }: { lang: Lang; children: ComponentChildren }): VNode {
  return children ? <>{children}</> : <span class="muted">{w(lang, 'notGiven')}</span>;
}

function Emergency({ lang }: { lang: Lang }): VNode {
  return (
    <div class="notice">
      <p>
        <strong>{w(lang, 'emergency')}</strong>
      </p>
      <p>{w(lang, 'kcLine')}</p>
    </div>
  );
}

/** The directory with its search box (CC-15): units grouped by organisation, then services. */
export function DirectoryPage({ ctx, groups, services, query }: { ctx: PageCtx; groups: UnitGroup[]; services: DirectoryService[]; query: string }): VNode {
  const l = ctx.lang;
  const unitCount = groups.reduce((n, g) => n + g.units.length, 0);
  return (
    <Layout ctx={ctx} title={w(l, 'dirTitle')} styles={['/static/css/directory.css']}>
      <h1>{w(l, 'dirTitle')}</h1>
      <p class="lead">{w(l, 'dirLead')}</p>
      <Emergency lang={l} />
      <form method="get" action="/directory" role="search" class="directory-search">
        <label for="q">{w(l, 'searchLabel')}</label>
        <span class="hint" id="q-hint">
          {w(l, 'searchHint')}
        </span>
        <div class="inline">
          <input type="search" id="q" name="q" value={query} maxLength={100} aria-describedby="q-hint" />
          <button type="submit" class="primary">
            {w(l, 'searchButton')}
          </button>
        </div>
      </form>
      {query && (
        <p role="status">
          {w(l, 'found', { q: query, units: unitCount, services: services.length })} <a href="/directory">{w(l, 'showAll')}</a>
        </p>
      )}
      <nav aria-label={w(l, 'onThisPage')}>
        <ul class="directory-jump">
          <li>
            <a href="#units">{w(l, 'unitsTitle')}</a>
          </li>
          <li>
            <a href="#services">{w(l, 'servicesTitle')}</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="units">
        <h2 id="units">{w(l, 'unitsTitle')}</h2>
        {groups.length === 0 && <p>{w(l, 'noUnits')}</p>}
        {groups.map((g) => (
          <section class="directory-group" aria-labelledby={`org-${g.organisation.code}`}>
            <h3 id={`org-${g.organisation.code}`}>{pick(g.organisation.name, l)}</h3>
            <ul class="directory-units">
              {g.units.map((u) => (
                <li>
                  <a href={`/directory/units/${encodeURIComponent(u.code)}`}>{pick(u.name, l)}</a>
                  {u.phone && (
                    <span class="muted">
                      {' '}
                      · {w(l, 'phone')}: {u.phone}
                    </span>
                  )}
                  {u.functions && <p class="hint">{pick(u.functions, l)}</p>}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      <section aria-labelledby="services">
        <h2 id="services">{w(l, 'servicesTitle')}</h2>
        {services.length === 0 ? (
          <p>{w(l, 'noServices')}</p>
        ) : (
          <ServiceTable lang={l} services={services} />
        )}
      </section>
    </Layout>
  );
}

function ServiceTable({ lang, services }: { lang: Lang; services: DirectoryService[] }): VNode {
  return (
    <div class="table-wrap">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{w(lang, 'service')}</th>
            <th scope="col">{w(lang, 'deadline')}</th>
            <th scope="col">{w(lang, 'price')}</th>
            <th scope="col">{w(lang, 'responsibleUnit')}</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr>
              <td>
                <a href={`/directory/services/${encodeURIComponent(s.code)}`}>{pick(s.name, lang)}</a>
              </td>
              <td>{pick(s.deadline, lang)}</td>
              <td>{pick(s.price, lang)}</td>
              <td>{s.unit ? pick(s.unit.name, lang) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One unit: functions, place, hours and contacts, and its services. */
export function UnitPage({ ctx, unit, services }: { ctx: PageCtx; unit: DirectoryUnit; services: DirectoryService[] }): VNode {
  const l = ctx.lang;
  const name = pick(unit.name, l);
  return (
    <Layout ctx={ctx} title={name} styles={['/static/css/directory.css']}>
      <p class="kicker">{pick(unit.organisation.name, l)}</p>
      <h1>{name}</h1>
      <dl class="facts">
        <dt>{w(l, 'functions')}</dt>
        <dd class="description">
          <Value lang={l}>{unit.functions ? pick(unit.functions, l) : null}</Value>
        </dd>
        <dt>{w(l, 'address')}</dt>
        <dd>
          <Value lang={l}>{unit.address}</Value>
        </dd>
        <dt>{w(l, 'hours')}</dt>
        <dd>
          <Value lang={l}>{unit.hours}</Value>
        </dd>
        <dt>{w(l, 'phone')}</dt>
        <dd>
          <Value lang={l}>{unit.phone && <a href={`tel:${unit.phone.replace(/[^+0-9]/g, '')}`}>{unit.phone}</a>}</Value>
        </dd>
        <dt>{w(l, 'email')}</dt>
        <dd>
          <Value lang={l}>{unit.email && <a href={`mailto:${unit.email}`}>{unit.email}</a>}</Value>
        </dd>
      </dl>
      {(!unit.functions || !unit.address || !unit.hours || !unit.phone || !unit.email) && <p class="hint">{w(l, 'askKc')}</p>}
      {services.length > 0 && (
        <section aria-labelledby="unit-services">
          <h2 id="unit-services">{w(l, 'unitServices')}</h2>
          <ServiceTable lang={l} services={services} />
        </section>
      )}
      <p>
        <a href="/directory">{w(l, 'back')}</a>
      </p>
    </Layout>
  );
}

/** One service: how to obtain it, documents, deadline, price, responsible unit. */
export function ServicePage({ ctx, service }: { ctx: PageCtx; service: DirectoryService }): VNode {
  const l = ctx.lang;
  const name = pick(service.name, l);
  const block = (key: Word, text: string) => (
    <section aria-labelledby={`s-${key}`}>
      <h2 id={`s-${key}`}>{w(l, key)}</h2>
      <p class="description">
        <Value lang={l}>{text}</Value>
      </p>
    </section>
  );
  return (
    <Layout ctx={ctx} title={name} styles={['/static/css/directory.css']}>
      <p class="kicker">{w(l, 'service')}</p>
      <h1>{name}</h1>
      {block('how', pick(service.how, l))}
      {block('documents', pick(service.documents, l))}
      <dl class="facts">
        <dt>{w(l, 'deadline')}</dt>
        <dd>
          <Value lang={l}>{pick(service.deadline, l)}</Value>
        </dd>
        <dt>{w(l, 'price')}</dt>
        <dd>
          <Value lang={l}>{pick(service.price, l)}</Value>
        </dd>
        <dt>{w(l, 'responsibleUnit')}</dt>
        <dd>
          <Value lang={l}>{service.unit && <a href={`/directory/units/${encodeURIComponent(service.unit.code)}`}>{pick(service.unit.name, l)}</a>}</Value>
        </dd>
      </dl>
      {(!pick(service.how, l) || !pick(service.documents, l) || !pick(service.deadline, l) || !pick(service.price, l) || !service.unit) && <p class="hint">{w(l, 'askKc')}</p>}
      <p>
        <a href="/directory">{w(l, 'back')}</a>
      </p>
    </Layout>
  );
}

/** "1 март 2026 г., 8:00 – 5 март 2026 г., 18:00" in Sofia's time, machine-readable too. */
export function Period({ lang, from, to }: { lang: Lang; from: Date; to: Date }): VNode {
  return (
    <>
      <time dateTime={from.toISOString()}>{formatDateTime(from, lang)}</time> – <time dateTime={to.toISOString()}>{formatDateTime(to, lang)}</time>
    </>
  );
}

/** The map link of an announcement with an area: the home map centred on it. */
export function mapHref(a: { lat: number | null; lon: number | null }): string | null {
  return a.lat === null || a.lon === null ? null : `/?at=${a.lat.toFixed(6)},${a.lon.toFixed(6)}#signal-map`;
}

function AnnouncementItem({ lang, a }: { lang: Lang; a: Announcement }): VNode {
  const href = mapHref(a);
  const title = pick(a.title, lang);
  return (
    <li class="announcement">
      <h3>{title}</h3>
      <p class="hint">
        <span class="visually-hidden">{w(lang, 'period')}: </span>
        <Period lang={lang} from={a.startsAt} to={a.endsAt} />
        {a.unit && (
          <>
            {' · '}
            {w(lang, 'unit')}: {pick(a.unit.name, lang)}
          </>
        )}
      </p>
      <p class="description">{pick(a.text, lang)}</p>
      {href && (
        <p>
          <a href={href}>
            {w(lang, 'onMap')}
            <span class="visually-hidden">: {title}</span>
          </a>
        </p>
      )}
    </li>
  );
}

/** Current announcements for the home page (CC-16); nothing at all when there are none. */
export function AnnouncementsBox({ lang, items }: { lang: Lang; items: Announcement[] }): VNode | null {
  if (!items.length) return null;
  return (
    <section class="announcements-box" aria-labelledby="announcements-title">
      <h2 id="announcements-title">{w(lang, 'boxTitle')}</h2>
      <ul class="announcements">
        {items.map((a) => (
          <AnnouncementItem lang={lang} a={a} />
        ))}
      </ul>
      <p>
        <a href="/announcements">{w(lang, 'allAnnouncements')}</a>
      </p>
    </section>
  );
}

/** The public announcements page: current ones, then recently ended ones. */
export function AnnouncementsPage({ ctx, current, past }: { ctx: PageCtx; current: Announcement[]; past: Announcement[] }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'annTitle')} styles={['/static/css/directory.css']}>
      <h1>{w(l, 'annTitle')}</h1>
      <p class="lead">{w(l, 'annLead')}</p>
      <section aria-labelledby="current-title">
        <h2 id="current-title">{w(l, 'boxTitle')}</h2>
        {current.length ? (
          <ul class="announcements">
            {current.map((a) => (
              <AnnouncementItem lang={l} a={a} />
            ))}
          </ul>
        ) : (
          <p>{w(l, 'noCurrent')}</p>
        )}
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">{w(l, 'pastTitle')}</h2>
        {past.length ? (
          <ul class="announcements past">
            {past.map((a) => (
              <AnnouncementItem lang={l} a={a} />
            ))}
          </ul>
        ) : (
          <p>{w(l, 'noPast')}</p>
        )}
      </section>
    </Layout>
  );
}
