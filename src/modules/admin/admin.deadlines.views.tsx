import type { VNode } from 'preact';
import type { ErrorCode, Lang } from '../../platform/errors/index.js';
import { errorMessage } from '../../platform/errors/index.js';
import type { PageCtx } from '../../platform/web/layout.js';
import { CsrfField } from '../../platform/web/form.js';
import { kindName } from '../cases/index.js';
import { CLOCK_EVENTS, type ClockEvent, type ClockSpec, type Length } from '../deadlines/deadlines.policy.js';
import {
  EVENT_GROUPS,
  EXTENSION_MAX_DAYS,
  KIND_CODES,
  LENGTH_MAX,
  LENGTH_UNITS,
  NOTE_MAX,
  ON_RESUME,
  formShape,
  placeQuery,
  type EventGroup,
  type PolicyGroup,
  type PolicyPlace,
  type PolicyVersion,
} from './admin.deadlines.js';
import { dayText } from './admin.calendar.views.js';
import { AdminLayout, Check, Done, Errors, Select, TextArea, TextInput, idOf, isWord, w, when, type FormState, type Option } from './admin.views.js';

/** The deadline pages' own words (NF-1). */
const D = {
  deadlines: { bg: 'Срокове по документи', en: 'Deadlines of documents' },
  lead: {
    bg: 'Правилата за сроковете на всеки вид документ – за организация и вид, по желание за отделен тип: кога започва срокът, колко е дълъг, кое го спира, спира временно или удължава. Промяната е нова версия с начална дата – днес или по-късно: документите, регистрирани преди нея, запазват сроковете си. Организация без собствени правила ползва правилата на Столична община.',
    en: 'The deadline rules of every kind of document – per organisation and kind, optionally for one type: when a period starts, how long it is, what stops, suspends or extends it. A change is a new version with a start date – today or later: documents registered before it keep their deadlines. An organisation without rules of its own uses Sofia Municipality’s.',
  },
  policies: { bg: 'Правила', en: 'Rules' },
  none: { bg: 'Няма въведени правила.', en: 'No rules are entered.' },
  organisation: { bg: 'Организация', en: 'Organisation' },
  kind: { bg: 'Вид документ', en: 'Kind of document' },
  type: { bg: 'Тип', en: 'Type' },
  allTypes: { bg: 'всички типове', en: 'all types' },
  allTypesOption: { bg: '— всички типове от вида —', en: '— every type of the kind —' },
  inForce: { bg: 'В сила от', en: 'In force since' },
  next: { bg: 'Следваща версия от', en: 'Next version from' },
  versions: { bg: 'Версии', en: 'Versions' },
  open: { bg: 'Преглед и промяна', en: 'View and change' },
  openFor: { bg: 'на правилата за {what}', en: 'the rules for {what}' },
  openOther: { bg: 'Правила за друга организация, вид или тип', en: 'Rules for another organisation, kind or type' },
  openOtherHint: { bg: 'Например собствени срокове на районна администрация или на отделен тип сигнал.', en: 'For example a district administration’s own deadlines, or those of one type of signal.' },
  show: { bg: 'Покажи', en: 'Show' },
  title: { bg: 'Срокове: {kind} – {org}', en: 'Deadlines: {kind} – {org}' },
  titleType: { bg: 'Срокове: {kind} „{type}“ – {org}', en: 'Deadlines: {kind} “{type}” – {org}' },
  current: { bg: 'В сила днес', en: 'In force today' },
  currentSince: { bg: 'Версия, в сила от {d}', en: 'Version in force since {d}.' },
  fallback: { bg: 'Няма собствени правила: прилагат се правилата на {org}{forKind} (в сила от {d}).', en: 'No rules of their own: those of {org}{forKind} apply (in force since {d}).' },
  fallbackKind: { bg: ' за вида документ', en: ' for the kind' },
  noRules: { bg: 'Няма правила: документите от този вид не получават срокове.', en: 'No rules: documents of this kind get no deadlines.' },
  upcoming: { bg: 'Предстояща версия от {d}', en: 'Upcoming version from {d}' },
  history: { bg: 'История на версиите', en: 'History of versions' },
  noHistory: { bg: 'Още няма версии.', en: 'No versions yet.' },
  state: { bg: 'Състояние', en: 'State' },
  'state.current': { bg: 'в сила', en: 'in force' },
  'state.upcoming': { bg: 'предстояща', en: 'upcoming' },
  'state.past': { bg: 'предишна', en: 'earlier' },
  note: { bg: 'Основание', en: 'Grounds' },
  noteHint: { bg: 'Актът или причината за промяната (по желание).', en: 'The act or reason for the change (optional).' },
  addedBy: { bg: 'Добавена от', en: 'Added by' },
  clocksOf: { bg: 'Срокове', en: 'Deadlines' },
  add: { bg: 'Нова версия', en: 'New version' },
  addLead: {
    bg: 'Формулярът започва със сроковете на последната версия. Промените важат за документите, регистрирани от началната дата нататък.',
    en: 'The form starts from the latest version’s deadlines. The change applies to documents registered from its start date on.',
  },
  addButton: { bg: 'Запиши новата версия', en: 'Save the new version' },
  added: { bg: 'Новата версия е записана. Важи за документите, регистрирани от началната ѝ дата.', en: 'The new version is saved. It applies to documents registered from its start date.' },
  validFrom: { bg: 'В сила от', en: 'In force from' },
  validFromHint: { bg: 'Днес ({today}) или по-късна дата. Промяна със задна дата не се приема.', en: 'Today ({today}) or a later date. A change cannot apply retroactively.' },
  clocks: { bg: 'Срокове', en: 'Deadlines' },
  clockN: { bg: 'Срок {n}', en: 'Deadline {n}' },
  newClock: { bg: 'Нов срок (попълнете, за да добавите)', en: 'New deadline (fill in to add one)' },
  code: { bg: 'Код', en: 'Code' },
  codeHint: { bg: 'Малки латински букви и „_“, 2–30 знака; напр. decision', en: 'Lowercase Latin letters and “_”, 2–30 characters; e.g. decision' },
  labelBg: { bg: 'Наименование на български', en: 'Name in Bulgarian' },
  labelEn: { bg: 'Наименование на английски', en: 'Name in English' },
  source: { bg: 'Правно основание', en: 'Legal source' },
  sourceHint: { bg: 'Както се показва, напр. „чл. 28, ал. 1 ЗДОИ“; празно за вътрешен срок.', en: 'As shown, e.g. “чл. 28, ал. 1 ЗДОИ”; empty for an internal target.' },
  n: { bg: 'Продължителност', en: 'Length' },
  nHint: { bg: 'Цяло число от 1 до {max}.', en: 'A whole number from 1 to {max}.' },
  unit: { bg: 'Мерна единица', en: 'Unit' },
  start: { bg: 'Започва при', en: 'Starts at' },
  stopOn: { bg: 'Спира (изпълнен) при', en: 'Stops (met) at' },
  pauseOn: { bg: 'Спира временно при', en: 'Suspended at' },
  resumeOn: { bg: 'Продължава при', en: 'Runs again at' },
  onResume: { bg: 'При продължаване', en: 'When it runs again' },
  'onResume.extend': { bg: 'добавят се дните, през които е бил спрян', en: 'the days it stood still are added' },
  'onResume.restart': { bg: 'тече отначало (напр. чл. 29, ал. 2 ЗДОИ)', en: 'it runs again in full (e.g. ЗДОИ art. 29(2))' },
  expireN: { bg: 'Без продължение в рамките на', en: 'Not resumed within' },
  expireHint: { bg: 'Документът се оставя без разглеждане; празно – никога.', en: 'The document is left without consideration; empty – never.' },
  expireUnit: { bg: 'Мерна единица', en: 'Unit' },
  anonN: { bg: 'Вътрешен срок за анонимни', en: 'Internal target for anonymous ones' },
  anonHint: { bg: 'Чл. 111, ал. 4 АПК: по анонимни сигнали не се образува производство; празно – без срок.', en: 'АПК art. 111(4): no proceedings on anonymous signals; empty – no target.' },
  anonUnit: { bg: 'Мерна единица', en: 'Unit' },
  satisfiedByEmail: { bg: 'Изпълнен веднага, ако подателят е дал имейл (писмото с отговора е съобщението)', en: 'Met at once when the submitter gave an email (the answer’s email is the notice)' },
  shownToSubmitter: { bg: 'Датата се показва на подателя („Очаквайте отговор до …“)', en: 'The date is shown to the submitter (“Expect an answer by …”)' },
  extensions: { bg: 'Удължаване', en: 'Extensions' },
  extN: { bg: 'Удължаване {n}', en: 'Extension {n}' },
  newExt: { bg: 'Ново удължаване (попълнете, за да добавите)', en: 'New extension (fill in to add one)' },
  maxDays: { bg: 'Най-много дни', en: 'At most days' },
  maxDaysHint: { bg: 'Календарни дни, от 1 до {max}.', en: 'Calendar days, from 1 to {max}.' },
  notice: { bg: 'Подателят се уведомява писмено', en: 'The submitter is told in writing' },
  remove: { bg: 'Премахни този срок', en: 'Remove this deadline' },
  removeExt: { bg: 'Премахни това удължаване', en: 'Remove this extension' },
  'unit.calendar_days': { bg: 'календарни дни', en: 'calendar days' },
  'unit.working_days': { bg: 'работни дни', en: 'working days' },
  'unit.months': { bg: 'месеца', en: 'months' },
  'unit.hours': { bg: 'часа', en: 'hours' },
  'one.calendar_days': { bg: 'календарен ден', en: 'calendar day' },
  'one.working_days': { bg: 'работен ден', en: 'working day' },
  'one.months': { bg: 'месец', en: 'month' },
  'one.hours': { bg: 'час', en: 'hour' },
  'ev.registered': { bg: 'регистриране', en: 'registration' },
  'ev.answer': { bg: 'отговор', en: 'answer' },
  'ev.status': { bg: 'смяна на статуса', en: 'status change' },
  'ev.rejected': { bg: 'отхвърляне', en: 'rejection' },
  'ev.duplicate': { bg: 'обявяване за дубликат', en: 'marked as a duplicate' },
  'ev.redirected': { bg: 'препращане', en: 'redirection' },
  'ev.closed': { bg: 'приключване', en: 'closing' },
  'ev.notified': { bg: 'уведомяване на подателя', en: 'submitter notified' },
  'ev.clarification_requested': { bg: 'искане на уточнение', en: 'clarification requested' },
  'ev.clarified': { bg: 'получено уточнение', en: 'clarification received' },
  'ev.left_without_consideration': { bg: 'оставяне без разглеждане', en: 'left without consideration' },
  dStarts: { bg: 'Започва при: {list}.', en: 'Starts at: {list}.' },
  dStops: { bg: 'Спира при: {list}.', en: 'Stops at: {list}.' },
  dPause: { bg: 'Спира временно при: {p}; продължава при: {r} – {how}.', en: 'Suspended at: {p}; runs again at: {r} – {how}.' },
  dExpire: { bg: 'Без продължение в рамките на {len} документът се оставя без разглеждане.', en: 'Not resumed within {len}, the document is left without consideration.' },
  dExt: { bg: 'Удължаване: {label} – до {days} дни ({source}){notice}.', en: 'Extension: {label} – up to {days} days ({source}){notice}.' },
  dExtNotice: { bg: ', с писмено уведомление', en: ', with a written notice' },
  dAnon: { bg: 'Анонимни: вътрешен срок {len} (не е законов).', en: 'Anonymous: an internal target of {len} (not a legal deadline).' },
  dAnonNone: { bg: 'Анонимни: без срок.', en: 'Anonymous: no deadline.' },
  dEmail: { bg: 'Изпълнен веднага, ако подателят е дал имейл.', en: 'Met at once when the submitter gave an email.' },
  dShown: { bg: 'Датата се показва на подателя.', en: 'The date is shown to the submitter.' },
  internal: { bg: 'вътрешен срок', en: 'internal target' },
} as const;

type DWord = keyof typeof D;

function d(lang: Lang, key: DWord, vars?: Record<string, string | number>): string {
  let s: string = D[key][lang];
  if (vars) for (const [n, v] of Object.entries(vars)) s = s.replaceAll(`{${n}}`, String(v));
  return s;
}

const isD = (k: string): k is DWord => k in D;

/** A length for people: "2 месеца", "14 календарни дни", "1 working day". */
export function lengthText(l: Lang, len: Length): string {
  return `${len.n} ${d(l, len.n === 1 ? `one.${len.unit}` : `unit.${len.unit}`)}`;
}

function eventList(l: Lang, events: readonly ClockEvent[]): string {
  return events.map((e) => d(l, `ev.${e}`)).join(', ');
}

/**
 * A field's label in the error summary: the form's own fields by name, a clock's fields with the
 * clock's number ("Срок 1 – Продължителност"), an extension's with both numbers.
 */
export function fieldLabel(l: Lang, field: string, shape: { i: number; ext: number[] }[] = []): string {
  const pos = (i: number) => {
    const at = shape.findIndex((s) => s.i === i);
    return at >= 0 ? at + 1 : i + 1;
  };
  const ext = /^clocks\.(\d+)\.ext\.(\d+)\.(\w+)$/.exec(field);
  if (ext) {
    const i = Number(ext[1]);
    const j = Number(ext[2]);
    const row = shape.find((s) => s.i === i);
    const jn = row && row.ext.includes(j) ? row.ext.indexOf(j) + 1 : j + 1;
    const p = ext[3]!;
    return `${d(l, 'clockN', { n: pos(i) })}, ${d(l, 'extN', { n: jn }).toLowerCase()} – ${isD(p) ? d(l, p) : p}`;
  }
  const c = /^clocks\.(\d+)\.(\w+)$/.exec(field);
  if (c) {
    const p = c[2]!;
    return `${d(l, 'clockN', { n: pos(Number(c[1])) })} – ${isD(p) ? d(l, p) : p}`;
  }
  return isD(field) ? d(l, field) : isWord(field) ? w(l, field) : field;
}

/** A clock described in sentences, with its legal source as a plain line. */
function ClockText({ l, c }: { l: Lang; c: ClockSpec }): VNode {
  const lines: string[] = [d(l, 'dStarts', { list: eventList(l, c.start) }), d(l, 'dStops', { list: eventList(l, c.stopOn) })];
  if (c.pauseOn.length) lines.push(d(l, 'dPause', { p: eventList(l, c.pauseOn), r: eventList(l, c.resumeOn), how: d(l, `onResume.${c.onResume}`) }));
  if (c.expireAfterPause) lines.push(d(l, 'dExpire', { len: lengthText(l, c.expireAfterPause) }));
  for (const e of c.extensions) lines.push(d(l, 'dExt', { label: e.label[l], days: e.maxDays, source: e.source || '—', notice: e.notice ? d(l, 'dExtNotice') : '' }));
  lines.push(c.anonymous === 'none' ? d(l, 'dAnonNone') : d(l, 'dAnon', { len: lengthText(l, c.anonymous.target) }));
  if (c.satisfiedByEmail) lines.push(d(l, 'dEmail'));
  if (c.shownToSubmitter) lines.push(d(l, 'dShown'));
  return (
    <li>
      <strong>{c.label[l]}</strong> – {lengthText(l, c.length)}
      <br />
      <span class="legal-source">{c.source || d(l, 'internal')}</span>
      <ul>
        {lines.map((x) => (
          <li>{x}</li>
        ))}
      </ul>
    </li>
  );
}

function Clocks({ l, clocks }: { l: Lang; clocks: ClockSpec[] }): VNode {
  return (
    <ol class="clock-list">
      {clocks.map((c) => (
        <ClockText l={l} c={c} />
      ))}
    </ol>
  );
}

function placeTitle(l: Lang, p: Pick<PolicyPlace, 'key' | 'organisation' | 'type'>): string {
  const org = l === 'en' ? p.organisation.nameEn : p.organisation.nameBg;
  const kind = kindName(p.key.kind, l);
  return p.type ? d(l, 'titleType', { kind, type: l === 'en' ? p.type.nameEn : p.type.nameBg, org }) : d(l, 'title', { kind, org });
}

/** The selects that name a policy (organisation, kind, optional type). */
function PlaceSelects({ s, orgs, types }: { s: FormState; orgs: Option[]; types: Option[] }): VNode {
  const l = s.lang;
  return (
    <div class="extra-grid">
      <Select s={s} name="organisation" label={d(l, 'organisation')} options={orgs} required empty={w(l, 'choose')} />
      <Select s={s} name="kind" label={d(l, 'kind')} options={KIND_CODES.map((k) => ({ value: k, label: kindName(k, l) }))} required empty={w(l, 'choose')} />
      <Select s={s} name="type" label={d(l, 'type')} options={types} empty={d(l, 'allTypesOption')} />
    </div>
  );
}

/** /admin/deadlines: every policy with its version in force and the next, and a form to open any other. */
export function DeadlinesPage(p: { ctx: PageCtx; groups: PolicyGroup[]; orgs: Option[]; types: Option[]; s: FormState }): VNode {
  const l = p.ctx.lang;
  return (
    <AdminLayout ctx={p.ctx} title={d(l, 'deadlines')}>
      <p class="lead">{d(l, 'lead')}</p>
      <section aria-labelledby="policies-h">
        <h2 id="policies-h">{d(l, 'policies')}</h2>
        {p.groups.length === 0 ? (
          <p>{d(l, 'none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{d(l, 'organisation')}</th>
                  <th scope="col">{d(l, 'kind')}</th>
                  <th scope="col">{d(l, 'type')}</th>
                  <th scope="col">{d(l, 'inForce')}</th>
                  <th scope="col">{d(l, 'next')}</th>
                  <th scope="col">{d(l, 'versions')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{d(l, 'open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.groups.map((g) => (
                  <tr>
                    <td>{l === 'en' ? g.organisation.nameEn : g.organisation.nameBg}</td>
                    <td>{kindName(g.key.kind, l)}</td>
                    <td>{g.type ? (l === 'en' ? g.type.nameEn : g.type.nameBg) : d(l, 'allTypes')}</td>
                    <td>{g.current ? <time dateTime={g.current}>{g.current}</time> : '—'}</td>
                    <td>{g.upcoming ? <time dateTime={g.upcoming}>{g.upcoming}</time> : '—'}</td>
                    <td>{g.versions}</td>
                    <td>
                      <a href={`/admin/deadlines/policy?${placeQuery(g.key)}`}>
                        {d(l, 'open')} <span class="visually-hidden">{d(l, 'openFor', { what: placeTitle(l, g) })}</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="other-h">
        <h2 id="other-h">{d(l, 'openOther')}</h2>
        <p class="hint">{d(l, 'openOtherHint')}</p>
        <form method="get" action="/admin/deadlines/policy">
          <PlaceSelects s={p.s} orgs={p.orgs} types={p.types} />
          <button type="submit">{d(l, 'show')}</button>
        </form>
      </section>
    </AdminLayout>
  );
}

/** A group of event checkboxes of one clock, with its error. */
function Events({ s, i, g }: { s: FormState; i: number; g: EventGroup }): VNode {
  const l = s.lang;
  const name = `clocks.${i}.${g}`;
  const err = s.issues.find((x) => x.field === name);
  return (
    <fieldset class={`choice events${err ? ' has-error' : ''}`} id={idOf(name)} aria-invalid={err ? 'true' : undefined}>
      <legend>{d(l, g)}</legend>
      {err && <span class="field-error">{errorMessage(err.code, l, err.params)}</span>}
      {CLOCK_EVENTS.map((e) => (
        <label class="check">
          <input type="checkbox" id={idOf(`${name}.${e}`)} name={`${name}.${e}`} value="on" checked={s.values[`${name}.${e}`] === 'on'} /> {d(l, `ev.${e}`)}
        </label>
      ))}
    </fieldset>
  );
}

const units = (l: Lang): Option[] => LENGTH_UNITS.map((u) => ({ value: u, label: d(l, `unit.${u}`) }));

function ExtensionRow({ s, i, j, n, isNew }: { s: FormState; i: number; j: number; n: number; isNew: boolean }): VNode {
  const l = s.lang;
  const x = (p: string) => `clocks.${i}.ext.${j}.${p}`;
  return (
    <fieldset class="extra-field">
      <legend>{isNew ? d(l, 'newExt') : d(l, 'extN', { n })}</legend>
      <div class="extra-grid">
        <TextInput s={s} name={x('code')} label={d(l, 'code')} hint={d(l, 'codeHint')} maxLength={30} />
        <TextInput s={s} name={x('labelBg')} label={d(l, 'labelBg')} maxLength={200} />
        <TextInput s={s} name={x('labelEn')} label={d(l, 'labelEn')} maxLength={200} />
        <TextInput s={s} name={x('source')} label={d(l, 'source')} maxLength={200} />
        <TextInput s={s} name={x('maxDays')} label={d(l, 'maxDays')} hint={d(l, 'maxDaysHint', { max: EXTENSION_MAX_DAYS })} type="number" />
      </div>
      <Check s={s} name={x('notice')} label={d(l, 'notice')} />
      {!isNew && <Check s={s} name={x('remove')} label={d(l, 'removeExt')} />}
    </fieldset>
  );
}

function ClockFields({ s, i, n, ext }: { s: FormState; i: number; n: number; ext: number[] }): VNode {
  const l = s.lang;
  const x = (p: string) => `clocks.${i}.${p}`;
  const isNew = !s.values[x('code')] && !s.values[x('labelBg')] && !s.values[x('labelEn')];
  const filledExt = (j: number) => ['code', 'labelBg', 'labelEn', 'source', 'maxDays'].some((p) => (s.values[`clocks.${i}.ext.${j}.${p}`] ?? '') !== '');
  const defaults: FormState = {
    ...s,
    values: { ...s.values, [x('unit')]: s.values[x('unit')] || 'calendar_days', [x('expireUnit')]: s.values[x('expireUnit')] || 'calendar_days', [x('anonUnit')]: s.values[x('anonUnit')] || 'calendar_days', [x('onResume')]: s.values[x('onResume')] || 'extend' },
  };
  return (
    <fieldset class="clock-fields">
      <legend>{isNew ? d(l, 'newClock') : `${d(l, 'clockN', { n })}: ${s.values[x(l === 'en' ? 'labelEn' : 'labelBg')] || s.values[x('code')]}`}</legend>
      <div class="extra-grid">
        <TextInput s={defaults} name={x('code')} label={d(l, 'code')} hint={d(l, 'codeHint')} maxLength={30} />
        <TextInput s={defaults} name={x('labelBg')} label={d(l, 'labelBg')} maxLength={200} />
        <TextInput s={defaults} name={x('labelEn')} label={d(l, 'labelEn')} maxLength={200} />
        <TextInput s={defaults} name={x('source')} label={d(l, 'source')} hint={d(l, 'sourceHint')} maxLength={200} />
        <TextInput s={defaults} name={x('n')} label={d(l, 'n')} hint={d(l, 'nHint', { max: LENGTH_MAX })} type="number" />
        <Select s={defaults} name={x('unit')} label={d(l, 'unit')} options={units(l)} />
      </div>
      <div class="event-grid">
        {EVENT_GROUPS.map((g) => (
          <Events s={s} i={i} g={g} />
        ))}
      </div>
      <div class="extra-grid">
        <Select s={defaults} name={x('onResume')} label={d(l, 'onResume')} options={ON_RESUME.map((o) => ({ value: o, label: d(l, `onResume.${o}`) }))} />
        <TextInput s={defaults} name={x('expireN')} label={d(l, 'expireN')} hint={d(l, 'expireHint')} type="number" />
        <Select s={defaults} name={x('expireUnit')} label={d(l, 'expireUnit')} options={units(l)} />
        <TextInput s={defaults} name={x('anonN')} label={d(l, 'anonN')} hint={d(l, 'anonHint')} type="number" />
        <Select s={defaults} name={x('anonUnit')} label={d(l, 'anonUnit')} options={units(l)} />
      </div>
      <Check s={s} name={x('satisfiedByEmail')} label={d(l, 'satisfiedByEmail')} />
      <Check s={s} name={x('shownToSubmitter')} label={d(l, 'shownToSubmitter')} />
      <h4>{d(l, 'extensions')}</h4>
      {ext.map((j, k) => (
        <ExtensionRow s={s} i={i} j={j} n={k + 1} isNew={!filledExt(j) && k === ext.length - 1} />
      ))}
      {!isNew && <Check s={s} name={x('remove')} label={d(l, 'remove')} />}
    </fieldset>
  );
}

/** /admin/deadlines/policy: a policy in force today, its upcoming version, its history, and the form of a new version. */
export function PolicyPage(p: {
  ctx: PageCtx;
  place: PolicyPlace;
  today: string;
  versions: PolicyVersion[];
  current: PolicyVersion | null;
  upcoming: PolicyVersion | null;
  fallback: { organisation: { nameBg: string; nameEn: string }; typeless: boolean; version: PolicyVersion } | null;
  s: FormState;
  formError?: ErrorCode;
  done?: boolean;
}): VNode {
  const l = p.ctx.lang;
  const shape = formShape(p.s.values);
  const action = `/admin/deadlines/policy?${placeQuery(p.place.key)}`;
  return (
    <AdminLayout ctx={p.ctx} title={placeTitle(l, p.place)} trail={[['/admin/deadlines', d(l, 'deadlines')]]}>
      {p.done && <Done text={d(l, 'added')} />}
      <section aria-labelledby="current-h">
        <h2 id="current-h">{d(l, 'current')}</h2>
        {p.current ? (
          <>
            <p>{d(l, 'currentSince', { d: dayText(l, p.current.validFrom) })}</p>
            <Clocks l={l} clocks={p.current.clocks} />
          </>
        ) : p.fallback ? (
          <>
            <p>
              {d(l, 'fallback', {
                org: l === 'en' ? p.fallback.organisation.nameEn : p.fallback.organisation.nameBg,
                forKind: p.place.type && p.fallback.typeless ? d(l, 'fallbackKind') : '',
                d: dayText(l, p.fallback.version.validFrom),
              })}
            </p>
            <Clocks l={l} clocks={p.fallback.version.clocks} />
          </>
        ) : (
          <p>{d(l, 'noRules')}</p>
        )}
      </section>
      {p.upcoming && (
        <section aria-labelledby="upcoming-h">
          <h2 id="upcoming-h">{d(l, 'upcoming', { d: dayText(l, p.upcoming.validFrom) })}</h2>
          <Clocks l={l} clocks={p.upcoming.clocks} />
        </section>
      )}
      <section aria-labelledby="history-h">
        <h2 id="history-h">{d(l, 'history')}</h2>
        {p.versions.length === 0 ? (
          <p>{d(l, 'noHistory')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{d(l, 'validFrom')}</th>
                  <th scope="col">{d(l, 'state')}</th>
                  <th scope="col">{d(l, 'clocksOf')}</th>
                  <th scope="col">{d(l, 'note')}</th>
                  <th scope="col">{d(l, 'addedBy')}</th>
                </tr>
              </thead>
              <tbody>
                {p.versions.map((v) => (
                  <tr id={`v${v.id}`}>
                    <td>
                      <time dateTime={v.validFrom}>{dayText(l, v.validFrom)}</time>
                    </td>
                    <td>{d(l, v.id === p.current?.id ? 'state.current' : v.validFrom > p.today ? 'state.upcoming' : 'state.past')}</td>
                    <td>{v.clocks.map((c) => `${c.label[l]} – ${lengthText(l, c.length)}${c.source ? ` (${c.source})` : ''}`).join('; ')}</td>
                    <td>{v.note ?? '—'}</td>
                    <td>
                      {v.createdBy ?? '—'}, {when(l, v.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="add-h">
        <h2 id="add-h">{d(l, 'add')}</h2>
        <p class="hint">{d(l, 'addLead')}</p>
        <Errors s={p.s} formError={p.formError} label={(field) => fieldLabel(l, field, shape)} />
        <form method="post" action={action}>
          <CsrfField ctx={p.ctx} />
          <div class="narrow">
            <TextInput s={p.s} name="validFrom" label={d(l, 'validFrom')} hint={d(l, 'validFromHint', { today: p.today })} type="date" required />
            <TextArea s={p.s} name="note" label={d(l, 'note')} hint={d(l, 'noteHint')} maxLength={NOTE_MAX} rows={2} />
          </div>
          <div id="clocks">
            {p.s.issues.some((x) => x.field === 'clocks') && <p class="field-error">{fieldLabel(l, 'clocks')}: {errorMessage(p.s.issues.find((x) => x.field === 'clocks')!.code, l, p.s.issues.find((x) => x.field === 'clocks')!.params)}</p>}
            {shape.map(({ i, ext }, k) => (
              <ClockFields s={p.s} i={i} n={k + 1} ext={ext} />
            ))}
          </div>
          <button type="submit" class="primary">
            {d(l, 'addButton')}
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}
