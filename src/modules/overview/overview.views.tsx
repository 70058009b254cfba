import type { VNode } from 'preact';
import type { FieldIssue, Lang } from '../../platform/errors/index.js';
import { formatDate, formatDateTime } from '../../platform/i18n/index.js';
import { ErrorSummary } from '../../platform/web/form.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { BarChart, TrendChart } from './overview.charts.js';
import { PERIODS, type Period } from './overview.schemas.js';
import { TREND_WEEKS, type Both, type FilterOptions, type OpenClosedRow, type Overview, type OverviewFilter } from './overview.service.js';

/** The overview's words in both languages (NF-1). */
const W = {
  title: { bg: 'Обзор на сигналите и въпросите', en: 'Overview of signals and questions' },
  lead: {
    bg: 'Колко проблема са регистрирани в града, по категории, райони и статуси, и колко бързо звената отговарят и ги решават. Включени са само публичните сигнали и въпроси; писма, жалби, предложения и заявления за достъп до информация не се показват.',
    en: 'How many problems were registered in the city, by category, district and status, and how quickly the units answer and resolve them. Only public signals and questions are included; letters, complaints, proposals and information requests are not shown.',
  },
  filters: { bg: 'Филтри', en: 'Filters' },
  period: { bg: 'Период', en: 'Period' },
  p30: { bg: 'Последните 30 дни', en: 'Last 30 days' },
  p90: { bg: 'Последните 90 дни', en: 'Last 90 days' },
  p365: { bg: 'Последните 365 дни', en: 'Last 365 days' },
  pall: { bg: 'За целия период', en: 'All time' },
  district: { bg: 'Район', en: 'District' },
  allDistricts: { bg: 'Всички райони', en: 'All districts' },
  category: { bg: 'Категория', en: 'Category' },
  allCategories: { bg: 'Всички категории', en: 'All categories' },
  inactive: { bg: '(неактивна)', en: '(inactive)' },
  show: { bg: 'Покажи', en: 'Show' },
  errorsTitle: { bg: 'Филтърът не може да бъде приложен', en: 'The filter cannot be applied' },
  range: { bg: 'Регистрирани: {from} – {to}', en: 'Registered: {from} – {to}' },
  rangeAll: { bg: 'Регистрирани: до {to}', en: 'Registered: up to {to}' },
  freshness: { bg: 'Числата са изчислени в {at} и се обновяват на всеки 5 минути.', en: 'The numbers were computed at {at} and are refreshed every 5 minutes.' },
  download: { bg: 'Изтеглете данните', en: 'Download the data' },
  csv: { bg: 'CSV (за Excel)', en: 'CSV (for Excel)' },
  json: { bg: 'JSON (API)', en: 'JSON (API)' },
  totals: { bg: 'Общо', en: 'Totals' },
  registered: { bg: 'Регистрирани', en: 'Registered' },
  open: { bg: 'Отворени', en: 'Open' },
  closed: { bg: 'Приключени', en: 'Closed' },
  openLower: { bg: 'отворени', en: 'open' },
  closedLower: { bg: 'приключени', en: 'closed' },
  answerMedian: { bg: 'Медиана до първи отговор', en: 'Median time to first answer' },
  closeMedian: { bg: 'Медиана до приключване', en: 'Median time to closure' },
  daysOf: { bg: '{d} дни (от {n} случая)', en: '{d} days (of {n} cases)' },
  noData: { bg: 'няма данни', en: 'no data' },
  byCategory: { bg: 'По категории', en: 'By category' },
  byDistrict: { bg: 'По райони', en: 'By district' },
  byStatus: { bg: 'По статуси', en: 'By status' },
  byUnit: { bg: 'По звена', en: 'By unit' },
  trend: { bg: 'По седмици', en: 'By week' },
  none: { bg: 'Няма регистрирани сигнали и въпроси за избрания период и филтър.', en: 'No signals or questions were registered for the chosen period and filter.' },
  noCategory: { bg: 'Без категория', en: 'No category' },
  noDistrict: { bg: 'Без район (напр. въпроси)', en: 'No district (e.g. questions)' },
  noUnit: { bg: 'Още не е насочен', en: 'Not routed yet' },
  status: { bg: 'Статус', en: 'Status' },
  state: { bg: 'Състояние', en: 'State' },
  unit: { bg: 'Звено', en: 'Unit' },
  count: { bg: 'Брой', en: 'Count' },
  answerDays: { bg: 'Медиана до първи отговор, дни', en: 'Median days to first answer' },
  answeredN: { bg: 'Брой с отговор', en: 'Answered' },
  closeDays: { bg: 'Медиана до приключване, дни', en: 'Median days to closure' },
  closedN: { bg: 'Брой приключени', en: 'Closed' },
  unitNote: {
    bg: 'Медианата е средната стойност: половината случаи са по-бързи, половината по-бавни. До нея е броят случаи, на които се основава. Първи отговор е първият публичен отговор на звеното.',
    en: 'The median is the middle value: half the cases were quicker, half slower. Next to it is the number of cases it is based on. The first answer is the unit’s first public answer.',
  },
  week: { bg: 'Седмица', en: 'Week' },
  weekOf: { bg: 'от {date}', en: 'from {date}' },
  closedInWeek: { bg: 'Приключени през седмицата', en: 'Closed during the week' },
  trendNote: {
    bg: 'Последните {n} седмици (понеделник–неделя, софийско време), независимо от избрания период; районът и категорията се прилагат.',
    en: 'The last {n} weeks (Monday to Sunday, Sofia time), whatever the chosen period; the district and category apply.',
  },
  barTitle: { bg: '{what}: регистрирани, отворени и приключени', en: '{what}: registered, open and closed' },
  barSummary: {
    bg: 'Хоризонтални стълбове за {rows} реда, общо {total} регистрирани. Най-много: {top} – {n} ({open} отворени, {closed} приключени). Същите числа са в таблицата до графиката.',
    en: 'Horizontal bars for {rows} rows, {total} registered in all. Most: {top}, {n} ({open} open, {closed} closed). The same numbers are in the table next to the chart.',
  },
  trendTitle: { bg: 'Регистрирани и приключени по седмици, последните {n} седмици', en: 'Registered and closed per week, the last {n} weeks' },
  trendSummary: {
    bg: 'Линейна графика: общо {reg} регистрирани и {closed} приключени за {n} седмици. Най-много регистрирани в седмицата {week}: {max}. Същите числа са в таблицата до графиката.',
    en: 'Line chart: {reg} registered and {closed} closed in {n} weeks in all. Most registered in the week {week}: {max}. The same numbers are in the table next to the chart.',
  },
  openCell: { bg: 'отворен', en: 'open' },
  closedCell: { bg: 'приключен', en: 'closed' },
  filterBy: { bg: 'Покажи само {name}', en: 'Show only {name}' },
  // Legal deadlines (issue 12)
  legalOnTime: { bg: 'Отговорени в законовия срок', en: 'Answered within the legal deadline' },
  shareOf: { bg: '{p} % ({on} от {n})', en: '{p}% ({on} of {n})' },
  lateMedian: { bg: 'Медиана на закъснението, дни', en: 'Median days late' },
  lateMedianOf: { bg: 'Медиана на закъснението: {d} дни (от {n} закъснели)', en: 'Median days late: {d} (of {n} late)' },
  overdueNow: { bg: 'Просрочени сега', en: 'Overdue now' },
  legalNote: {
    bg: 'Законовите срокове: решение по сигнал или предложение до 2 месеца (чл. 121, ал. 1 и чл. 118, ал. 1 АПК). „В законовия срок“ е делът на сроковете, приключили през периода с отговор до края на последния ден; „просрочени сега“ са отворените документи с изтекъл срок, без значение кога са регистрирани. Анонимните сигнали нямат законов срок (чл. 111, ал. 4 АПК), а въпросите имат вътрешен срок на общината, затова не се броят тук.',
    en: 'The legal deadlines: a decision on a signal or proposal within 2 months (Administrative Procedure Code arts. 121(1) and 118(1)). “Within the legal deadline” is the share of the deadlines that ended in the period with an answer by the end of their last day; “overdue now” counts open documents past their deadline, whenever registered. Anonymous signals have no legal deadline (art. 111(4)) and questions have the Municipality’s own target, so neither is counted here.',
  },
} as const satisfies Record<string, Both>;

type Key = keyof typeof W;
function tr(lang: Lang, key: Key, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** The label of a period in the reader's language. */
export function periodLabel(p: Period, lang: Lang): string {
  return tr(lang, `p${p}` as Key);
}

const intFmt = { bg: new Intl.NumberFormat('bg-BG'), en: new Intl.NumberFormat('en-GB') };
const dayFmt = {
  bg: new Intl.NumberFormat('bg-BG', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
};
const n = (v: number, lang: Lang) => intFmt[lang].format(v);

/** A row's name, or what a missing category/district/unit is called. */
export function rowName(name: Both | null, lang: Lang, missing: 'noCategory' | 'noDistrict' | 'noUnit'): string {
  return name ? name[lang] : tr(lang, missing);
}

/** The query string of a filter, for links to the CSV, the API and drill-downs. */
export function filterQuery(f: { period: string; district?: string | null; category?: number | string | null }): string {
  const q = new URLSearchParams({ period: f.period });
  if (f.district) q.set('district', f.district);
  if (f.category) q.set('category', String(f.category));
  return q.toString();
}

function Days({ d, lang }: { d: number | null; lang: Lang }): VNode {
  if (d === null)
    return (
      <>
        <span aria-hidden="true">–</span>
        <span class="visually-hidden">{tr(lang, 'noData')}</span>
      </>
    );
  return <>{dayFmt[lang].format(d)}</>;
}

/** "87 % (7 от 8)", or a dash for no data. */
function Share({ d, lang }: { d: { onTimeShare: number | null; onTime: number; decided: number }; lang: Lang }): VNode {
  if (d.onTimeShare === null)
    return (
      <>
        <span aria-hidden="true">–</span>
        <span class="visually-hidden">{tr(lang, 'noData')}</span>
      </>
    );
  return <>{tr(lang, 'shareOf', { p: Math.round(d.onTimeShare * 100), on: n(d.onTime, lang), n: n(d.decided, lang) })}</>;
}

function Filters({ lang, options, values, issues }: { lang: Lang; options: FilterOptions; values: Record<string, string>; issues: FieldIssue[] }): VNode {
  const bad = (f: string) => issues.some((i) => i.field === f);
  const period = values.period ?? '365';
  return (
    <form method="get" action="/overview" class="filters overview-filters">
      <fieldset>
        <legend>{tr(lang, 'filters')}</legend>
        <label for="period">
          {tr(lang, 'period')}
          <select id="period" name="period" aria-invalid={bad('period') ? 'true' : undefined}>
            {PERIODS.map((p) => (
              <option value={p} selected={period === p}>
                {periodLabel(p, lang)}
              </option>
            ))}
          </select>
        </label>
        <label for="district">
          {tr(lang, 'district')}
          <select id="district" name="district" aria-invalid={bad('district') ? 'true' : undefined}>
            <option value="">{tr(lang, 'allDistricts')}</option>
            {options.districts.map((d) => (
              <option value={d.code} selected={values.district === d.code}>
                {d.name[lang]}
              </option>
            ))}
          </select>
        </label>
        <label for="category">
          {tr(lang, 'category')}
          <select id="category" name="category" aria-invalid={bad('category') ? 'true' : undefined}>
            <option value="">{tr(lang, 'allCategories')}</option>
            {options.categories.map((c) => (
              <option value={String(c.id)} selected={values.category === String(c.id)}>
                {c.active ? c.name[lang] : `${c.name[lang]} ${tr(lang, 'inactive')}`}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{tr(lang, 'show')}</button>
      </fieldset>
    </form>
  );
}

function OpenClosedBlock(props: { id: string; lang: Lang; heading: string; rows: OpenClosedRow[]; missing: 'noCategory' | 'noDistrict'; link: (r: OpenClosedRow) => string | null }): VNode {
  const { lang, rows } = props;
  const named = rows.map((r) => ({ ...r, label: rowName(r.name, lang, props.missing) }));
  const total = rows.reduce((s, r) => s + r.registered, 0);
  const top = named[0];
  return (
    <section aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.heading}</h2>
      <div class="chart-pair">
        <figure class="chart-figure">
          <BarChart
            id={`${props.id}-chart`}
            title={tr(lang, 'barTitle', { what: props.heading })}
            summary={top ? tr(lang, 'barSummary', { rows: rows.length, total: n(total, lang), top: top.label, n: n(top.registered, lang), open: n(top.open, lang), closed: n(top.closed, lang) }) : tr(lang, 'none')}
            rows={named.map((r) => ({ label: r.label, open: r.open, closed: r.closed }))}
            legend={{ open: tr(lang, 'open'), closed: tr(lang, 'closed') }}
          />
        </figure>
        <div class="table-wrap">
          <table class="list numbers">
            <caption class="visually-hidden">{props.heading}</caption>
            <thead>
              <tr>
                <th scope="col">{tr(lang, props.id === 'districts' ? 'district' : 'category')}</th>
                <th scope="col">{tr(lang, 'registered')}</th>
                <th scope="col">{tr(lang, 'open')}</th>
                <th scope="col">{tr(lang, 'closed')}</th>
              </tr>
            </thead>
            <tbody>
              {named.map((r) => {
                const href = props.link(r);
                return (
                  <tr>
                    <th scope="row">{href ? <a href={href}>{r.label}</a> : r.label}</th>
                    <td>{n(r.registered, lang)}</td>
                    <td>{n(r.open, lang)}</td>
                    <td>{n(r.closed, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

function Results({ lang, data }: { lang: Lang; data: Overview }): VNode {
  const f = data.filter;
  const t = data.totals;
  const q = filterQuery({ period: f.period, district: f.district, category: f.categoryId });
  const fmtDay = (iso: string) => {
    const [y, m, d] = iso.split('-');
    return lang === 'bg' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
  };
  const weeks = data.weeks;
  const regSum = weeks.reduce((s, w) => s + w.registered, 0);
  const closedSum = weeks.reduce((s, w) => s + w.closed, 0);
  const peak = weeks.reduce((a, w) => (w.registered > a.registered ? w : a), weeks[0] ?? { week: '', start: '', registered: 0, closed: 0 });
  const drill = (key: 'district' | 'category') => (r: OpenClosedRow) => {
    if (key === 'district' && r.code && !f.district) return `/overview?${filterQuery({ period: f.period, district: r.code, category: f.categoryId })}`;
    if (key === 'category' && r.id !== null && f.categoryId === null) return `/overview?${filterQuery({ period: f.period, district: f.district, category: r.id })}`;
    return null;
  };
  return (
    <>
      <p class="muted">
        <strong>{data.from ? tr(lang, 'range', { from: formatDate(data.from, lang), to: formatDate(data.to, lang) }) : tr(lang, 'rangeAll', { to: formatDate(data.to, lang) })}</strong>
        <br />
        {tr(lang, 'freshness', { at: formatDateTime(data.generatedAt, lang) })}
      </p>
      <p class="overview-downloads">
        {tr(lang, 'download')}: <a href={`/overview.csv?${q}`}>{tr(lang, 'csv')}</a> · <a href={`/api/v1/overview?${q}`}>{tr(lang, 'json')}</a>
      </p>

      <section aria-labelledby="totals-h">
        <h2 id="totals-h">{tr(lang, 'totals')}</h2>
        <dl class="overview-totals">
          <div>
            <dt>{tr(lang, 'registered')}</dt>
            <dd class="big-number">{n(t.registered, lang)}</dd>
          </div>
          <div>
            <dt>{tr(lang, 'open')}</dt>
            <dd class="big-number">{n(t.open, lang)}</dd>
          </div>
          <div>
            <dt>{tr(lang, 'closed')}</dt>
            <dd class="big-number">{n(t.closed, lang)}</dd>
          </div>
          <div>
            <dt>{tr(lang, 'answerMedian')}</dt>
            <dd>{t.answerMedianDays === null ? tr(lang, 'noData') : tr(lang, 'daysOf', { d: dayFmt[lang].format(t.answerMedianDays), n: n(t.answered, lang) })}</dd>
          </div>
          <div>
            <dt>{tr(lang, 'closeMedian')}</dt>
            <dd>{t.closeMedianDays === null ? tr(lang, 'noData') : tr(lang, 'daysOf', { d: dayFmt[lang].format(t.closeMedianDays), n: n(t.closedWithDate, lang) })}</dd>
          </div>
          <div>
            <dt>{tr(lang, 'legalOnTime')}</dt>
            <dd>
              <Share d={t} lang={lang} />
              {t.lateMedianDays !== null && (
                <>
                  <br />
                  {tr(lang, 'lateMedianOf', { d: dayFmt[lang].format(t.lateMedianDays), n: n(t.late, lang) })}
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{tr(lang, 'overdueNow')}</dt>
            <dd class="big-number">{n(t.overdueNow, lang)}</dd>
          </div>
        </dl>
      </section>

      {t.registered === 0 ? (
        <p class="notice">{tr(lang, 'none')}</p>
      ) : (
        <>
          <OpenClosedBlock id="categories" lang={lang} heading={tr(lang, 'byCategory')} rows={data.categories} missing="noCategory" link={drill('category')} />
          <OpenClosedBlock id="districts" lang={lang} heading={tr(lang, 'byDistrict')} rows={data.districts} missing="noDistrict" link={drill('district')} />

          <section aria-labelledby="statuses-h">
            <h2 id="statuses-h">{tr(lang, 'byStatus')}</h2>
            <div class="table-wrap">
              <table class="list numbers narrow-table">
                <thead>
                  <tr>
                    <th scope="col">{tr(lang, 'status')}</th>
                    <th scope="col">{tr(lang, 'state')}</th>
                    <th scope="col">{tr(lang, 'count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.statuses.map((s) => (
                    <tr>
                      <th scope="row">
                        <span class={`badge status-${s.code}`}>{s.name[lang]}</span>
                      </th>
                      <td>{tr(lang, s.open ? 'openCell' : 'closedCell')}</td>
                      <td>{n(s.registered, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby="units-h">
            <h2 id="units-h">{tr(lang, 'byUnit')}</h2>
            <p class="hint">{tr(lang, 'unitNote')}</p>
            <p class="hint">{tr(lang, 'legalNote')}</p>
            <div class="table-wrap">
              <table class="list numbers">
                <thead>
                  <tr>
                    <th scope="col">{tr(lang, 'unit')}</th>
                    <th scope="col">{tr(lang, 'registered')}</th>
                    <th scope="col">{tr(lang, 'answerDays')}</th>
                    <th scope="col">{tr(lang, 'answeredN')}</th>
                    <th scope="col">{tr(lang, 'closeDays')}</th>
                    <th scope="col">{tr(lang, 'closedN')}</th>
                    <th scope="col">{tr(lang, 'legalOnTime')}</th>
                    <th scope="col">{tr(lang, 'lateMedian')}</th>
                    <th scope="col">{tr(lang, 'overdueNow')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.units.map((u) => (
                    <tr>
                      <th scope="row">{rowName(u.name, lang, 'noUnit')}</th>
                      <td>{n(u.registered, lang)}</td>
                      <td>
                        <Days d={u.answerMedianDays} lang={lang} />
                      </td>
                      <td>{n(u.answered, lang)}</td>
                      <td>
                        <Days d={u.closeMedianDays} lang={lang} />
                      </td>
                      <td>{n(u.closedWithDate, lang)}</td>
                      <td>
                        <Share d={u} lang={lang} />
                      </td>
                      <td>
                        <Days d={u.lateMedianDays} lang={lang} />
                      </td>
                      <td>{n(u.overdueNow, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}

      <section aria-labelledby="trend-h">
        <h2 id="trend-h">{tr(lang, 'trend')}</h2>
        <p class="hint">{tr(lang, 'trendNote', { n: TREND_WEEKS })}</p>
        <div class="chart-pair">
          <figure class="chart-figure">
            <TrendChart
              id="trend-chart"
              title={tr(lang, 'trendTitle', { n: weeks.length })}
              summary={tr(lang, 'trendSummary', { reg: n(regSum, lang), closed: n(closedSum, lang), n: weeks.length, week: peak.start ? tr(lang, 'weekOf', { date: fmtDay(peak.start) }) : '–', max: n(peak.registered, lang) })}
              points={weeks.map((w) => ({ label: fmtDay(w.start).slice(0, 5), registered: w.registered, closed: w.closed }))}
              legend={{ registered: tr(lang, 'registered'), closed: tr(lang, 'closedInWeek') }}
            />
          </figure>
          <div class="table-wrap trend-table" tabIndex={0} role="region" aria-label={tr(lang, 'trend')}>
            <table class="list numbers">
              <caption class="visually-hidden">{tr(lang, 'trend')}</caption>
              <thead>
                <tr>
                  <th scope="col">{tr(lang, 'week')}</th>
                  <th scope="col">{tr(lang, 'registered')}</th>
                  <th scope="col">{tr(lang, 'closedInWeek')}</th>
                </tr>
              </thead>
              <tbody>
                {weeks.map((w) => (
                  <tr>
                    <th scope="row">
                      {w.week} <span class="muted">{tr(lang, 'weekOf', { date: fmtDay(w.start) })}</span>
                    </th>
                    <td>{n(w.registered, lang)}</td>
                    <td>{n(w.closed, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </section>
    </>
  );
}

/** The public overview page (CC-7): filters, then the numbers, or the filter's problems. */
export function OverviewPage(props: { ctx: PageCtx; options: FilterOptions; values: Record<string, string>; issues: FieldIssue[]; data: Overview | null }): VNode {
  const lang = props.ctx.lang;
  const label = (field: string) => tr(lang, field === 'district' ? 'district' : field === 'category' ? 'category' : 'period');
  return (
    <Layout ctx={props.ctx} title={tr(lang, 'title')} styles={['/static/css/overview.css']}>
      <h1>{tr(lang, 'title')}</h1>
      <p class="lead">{tr(lang, 'lead')}</p>
      <ErrorSummary lang={lang} title={tr(lang, 'errorsTitle')} issues={props.issues} label={label} />
      <Filters lang={lang} options={props.options} values={props.values} issues={props.issues} />
      {props.data && <Results lang={lang} data={props.data} />}
    </Layout>
  );
}

/** Values to re-fill the filter form with: the checked filter, or what was sent. */
export function formValues(f: OverviewFilter | null, raw: Record<string, unknown>): Record<string, string> {
  if (f) return { period: f.period, district: f.district ?? '', category: f.categoryId === null ? '' : String(f.categoryId) };
  const out: Record<string, string> = {};
  for (const k of ['period', 'district', 'category']) if (typeof raw[k] === 'string') out[k] = raw[k] as string;
  return out;
}
