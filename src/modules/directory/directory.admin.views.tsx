import type { ComponentChildren, VNode } from 'preact';
import type { ErrorCode, FieldIssue, Lang } from '../../platform/errors/index.js';
import { ErrorSummary, Field, CsrfField } from '../../platform/web/form.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { LIMITS, RADIUS, TRANSFER_KINDS } from './directory.schemas.js';
import type { Announcement, DirectoryService } from './directory.service.js';
import { Period, mapHref } from './directory.views.js';

/** The administration pages' words in both languages (NF-1). */
const A = {
  adminTitle: { bg: 'Справочник – администриране', en: 'Directory administration' },
  adminLead: {
    bg: 'Данните на звената и услугите се показват в публичния справочник; организациите за прехвърляне – в конзолата на операторите. Всяка промяна се записва в одитния журнал.',
    en: 'Unit and service data appear in the public directory; transfer organisations in the operators’ console. Every change is recorded in the audit log.',
  },
  adminNav: { bg: 'Администриране', en: 'Administration' },
  navDirectory: { bg: 'Справочник', en: 'Directory' },
  navAnnouncements: { bg: 'Съобщения', en: 'Announcements' },
  publicDirectory: { bg: 'Публичният справочник', en: 'The public directory' },
  publicAnnouncements: { bg: 'Публичната страница със съобщения', en: 'The public announcements page' },
  errorsTitle: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  saved: { bg: 'Промените са запазени.', en: 'The changes are saved.' },
  created: { bg: 'Записът е създаден.', en: 'The record is created.' },
  deactivated: { bg: 'Записът е деактивиран.', en: 'The record is deactivated.' },
  activated: { bg: 'Записът е активиран отново.', en: 'The record is active again.' },
  ended: { bg: 'Съобщението е прекратено.', en: 'The announcement has ended.' },
  unitsTitle: { bg: 'Звена на общината', en: 'Municipal units' },
  orgsTitle: { bg: 'Организации за прехвърляне на обаждания', en: 'Organisations calls are transferred to' },
  servicesTitle: { bg: 'Административни услуги', en: 'Administrative services' },
  name: { bg: 'Наименование', en: 'Name' },
  code: { bg: 'Код', en: 'Code' },
  codeHint: { bg: 'Латински главни букви, цифри и тире (напр. ADDRESS-CERT); не се променя след създаването.', en: 'Capital Latin letters, digits and hyphens (e.g. ADDRESS-CERT); it cannot be changed later.' },
  described: { bg: 'Описание', en: 'Description' },
  filled: { bg: 'попълнено', en: 'filled in' },
  missing: { bg: 'липсва', en: 'missing' },
  state: { bg: 'Състояние', en: 'State' },
  active: { bg: 'активно', en: 'active' },
  inactive: { bg: 'неактивно', en: 'inactive' },
  edit: { bg: 'Редактирай', en: 'Edit' },
  editLabel: { bg: 'Редактирай: {name}', en: 'Edit: {name}' },
  addOrg: { bg: 'Добави организация', en: 'Add an organisation' },
  addService: { bg: 'Добави услуга', en: 'Add a service' },
  save: { bg: 'Запази', en: 'Save' },
  create: { bg: 'Създай', en: 'Create' },
  deactivate: { bg: 'Деактивирай', en: 'Deactivate' },
  activate: { bg: 'Активирай отново', en: 'Activate again' },
  deactivateOrgHint: { bg: 'Деактивираната организация не се предлага на операторите за прехвърляне; досегашните прехвърляния остават.', en: 'A deactivated organisation is no longer offered to operators for transfers; past transfers remain.' },
  deactivateServiceHint: { bg: 'Деактивираната услуга не се показва в публичния справочник.', en: 'A deactivated service is not shown in the public directory.' },
  cancel: { bg: 'Назад', en: 'Back' },
  unitEditTitle: { bg: 'Справочни данни на звено', en: 'Directory data of a unit' },
  orgNewTitle: { bg: 'Нова организация за прехвърляне', en: 'New transfer organisation' },
  orgEditTitle: { bg: 'Организация за прехвърляне', en: 'Transfer organisation' },
  serviceNewTitle: { bg: 'Нова услуга', en: 'New service' },
  serviceEditTitle: { bg: 'Услуга', en: 'Service' },
  nameBg: { bg: 'Наименование на български', en: 'Name in Bulgarian' },
  nameEn: { bg: 'Наименование на английски', en: 'Name in English' },
  kind: { bg: 'Вид', en: 'Kind' },
  phone: { bg: 'Телефон', en: 'Phone' },
  phoneHint: { bg: 'Цифри, интервали и знаците + ( ) / -; оставете празно, ако не е сигурен.', en: 'Digits, spaces and + ( ) / -; leave empty when not certain.' },
  email: { bg: 'Имейл', en: 'Email' },
  address: { bg: 'Адрес', en: 'Address' },
  hours: { bg: 'Работно време', en: 'Working hours' },
  hoursHint: { bg: 'Напр. „пон.–пет. 9:00–17:30“ или „24/7“.', en: 'E.g. “Mon–Fri 9:00–17:30” or “24/7”.' },
  functionsBg: { bg: 'Функции на български', en: 'Functions in Bulgarian' },
  functionsEn: { bg: 'Функции на английски', en: 'Functions in English' },
  sort: { bg: 'Подредба', en: 'Order' },
  sortHint: { bg: 'Цяло число от 0 до 9999; по-малкото е по-напред в списъка на операторите.', en: 'A whole number from 0 to 9999; smaller comes first in the operators’ list.' },
  howBg: { bg: 'Как се получава (български)', en: 'How to obtain it (Bulgarian)' },
  howEn: { bg: 'Как се получава (английски)', en: 'How to obtain it (English)' },
  documentsBg: { bg: 'Необходими документи (български)', en: 'Documents needed (Bulgarian)' },
  documentsEn: { bg: 'Необходими документи (английски)', en: 'Documents needed (English)' },
  deadlineBg: { bg: 'Срок (български)', en: 'Deadline (Bulgarian)' },
  deadlineEn: { bg: 'Срок (английски)', en: 'Deadline (English)' },
  priceBg: { bg: 'Цена (български)', en: 'Price (Bulgarian)' },
  priceEn: { bg: 'Цена (английски)', en: 'Price (English)' },
  unitCode: { bg: 'Отговорно звено', en: 'Responsible unit' },
  noUnit: { bg: '— няма —', en: '— none —' },
  maxChars: { bg: 'До {n} знака.', en: 'Up to {n} characters.' },
  kind_emergency: { bg: 'спешна помощ', en: 'emergency' },
  kind_police: { bg: 'полиция', en: 'police' },
  kind_crisis: { bg: 'управление при кризи', en: 'crisis management' },
  kind_utility: { bg: 'комунално дружество', en: 'utility' },
  kind_other: { bg: 'друга', en: 'other' },
  annAdminTitle: { bg: 'Съобщения – администриране', en: 'Announcements administration' },
  annNew: { bg: 'Ново съобщение', en: 'New announcement' },
  annEdit: { bg: 'Редакция на съобщение', en: 'Edit announcement' },
  annNone: { bg: 'Още няма съобщения.', en: 'There are no announcements yet.' },
  title: { bg: 'Заглавие', en: 'Title' },
  titleBg: { bg: 'Заглавие на български', en: 'Title in Bulgarian' },
  titleEn: { bg: 'Заглавие на английски', en: 'Title in English' },
  textBg: { bg: 'Текст на български', en: 'Text in Bulgarian' },
  textEn: { bg: 'Текст на английски', en: 'Text in English' },
  period: { bg: 'Период', en: 'Period' },
  startsAt: { bg: 'Начало', en: 'Start' },
  endsAt: { bg: 'Край', en: 'End' },
  timeHint: { bg: 'Дата и час по българско време.', en: 'Date and time in Sofia’s time.' },
  endsHint: { bg: 'Дата и час по българско време, след началото.', en: 'Date and time in Sofia’s time, after the start.' },
  area: { bg: 'Място на картата (по желание)', en: 'Place on the map (optional)' },
  areaHint: { bg: 'Център и радиус на засегнатия район в София; оставете трите полета празни, ако няма определено място.', en: 'Centre and radius of the affected area in Sofia; leave all three empty when there is no particular place.' },
  lat: { bg: 'Географска ширина на центъра', en: 'Latitude of the centre' },
  latHint: { bg: 'Между 42,4 и 43,0, напр. 42,6977.', en: 'Between 42.4 and 43.0, e.g. 42.6977.' },
  lon: { bg: 'Географска дължина на центъра', en: 'Longitude of the centre' },
  lonHint: { bg: 'Между 23,0 и 23,7, напр. 23,3219.', en: 'Between 23.0 and 23.7, e.g. 23.3219.' },
  radiusM: { bg: 'Радиус в метри', en: 'Radius in metres' },
  radiusHint: { bg: 'Цяло число от {min} до {max}.', en: 'A whole number from {min} to {max}.' },
  annUnit: { bg: 'Звено, което работи по проблема (по желание)', en: 'Unit acting on it (optional)' },
  stateCurrent: { bg: 'текущо', en: 'current' },
  stateUpcoming: { bg: 'предстоящо', en: 'upcoming' },
  statePast: { bg: 'приключило', en: 'ended' },
  end: { bg: 'Прекрати сега', en: 'End now' },
  endLabel: { bg: 'Прекрати сега: {name}', en: 'End now: {name}' },
  onMap: { bg: 'на картата', en: 'on the map' },
  actions: { bg: 'Действия', en: 'Actions' },
} as const;

type AWord = keyof typeof A;

function a(lang: Lang, key: AWord, vars?: Record<string, string | number>): string {
  let s: string = A[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** What an admin form shows: the values typed, and what was wrong with them. */
export interface FormState {
  values: Record<string, string | undefined>;
  issues: FieldIssue[];
  formError?: ErrorCode;
}

/** The notices a redirect after a change may ask for. */
export type AdminNotice = 'saved' | 'created' | 'deactivated' | 'activated' | 'ended';

const labelOf = (lang: Lang) => (field: string) => (field in A ? a(lang, field as AWord) : field);

function hintOf(lang: Lang, hint: AWord | undefined, max: number | undefined): string | undefined {
  const parts = [hint ? a(lang, hint) : '', max && max >= 300 ? a(lang, 'maxChars', { n: max }) : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

function Input(props: { lang: Lang; name: AWord; form: FormState; max?: number; hint?: AWord; hintText?: string; required?: boolean; type?: string; inputMode?: 'decimal' | 'numeric' | 'tel' | 'email' }): VNode {
  const { lang, name, form } = props;
  return (
    <Field id={name} label={`${a(lang, name)}${props.required ? ' *' : ''}`} hint={props.hintText ?? hintOf(lang, props.hint, props.max)} error={form.issues.find((i) => i.field === name)} lang={lang}>
      <input
        {...({ type: props.type ?? 'text' } as Record<string, string>)}
        id={name}
        name={name}
        value={form.values[name] ?? ''}
        maxLength={props.max}
        required={props.required}
        inputMode={props.inputMode}
        autoComplete="off"
      />
    </Field>
  );
}

function TextArea(props: { lang: Lang; name: AWord; form: FormState; max: number; hint?: AWord; required?: boolean; rows?: number }): VNode {
  const { lang, name, form } = props;
  return (
    <Field id={name} label={`${a(lang, name)}${props.required ? ' *' : ''}`} hint={hintOf(lang, props.hint, props.max)} error={form.issues.find((i) => i.field === name)} lang={lang}>
      <textarea id={name} name={name} rows={props.rows ?? 4} maxLength={props.max} required={props.required}>
        {form.values[name] ?? ''}
      </textarea>
    </Field>
  );
}

function UnitSelect({ lang, label, form, units }: { lang: Lang; label: AWord; form: FormState; units: { code: string; nameBg: string; nameEn: string }[] }): VNode {
  const name = 'unitCode';
  const value = form.values[name] ?? '';
  return (
    <Field id={name} label={a(lang, label)} error={form.issues.find((i) => i.field === name)} lang={lang}>
      <select id={name} name={name}>
        <option value="" selected={value === ''}>
          {a(lang, 'noUnit')}
        </option>
        {units.map((u) => (
          <option value={u.code} selected={u.code === value}>
            {lang === 'en' ? u.nameEn : u.nameBg}
          </option>
        ))}
      </select>
    </Field>
  );
}

function AdminFrame({ ctx, title, children, notice }: { ctx: PageCtx; title: string; children: ComponentChildren; notice?: AdminNotice }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={title} styles={['/static/css/directory.css']}>
      <nav aria-label={a(l, 'adminNav')}>
        <ul class="directory-jump">
          <li>
            <a href="/admin/directory" aria-current={ctx.path.startsWith('/admin/directory') ? 'page' : undefined}>
              {a(l, 'navDirectory')}
            </a>
          </li>
          <li>
            <a href="/admin/announcements" aria-current={ctx.path.startsWith('/admin/announcements') ? 'page' : undefined}>
              {a(l, 'navAnnouncements')}
            </a>
          </li>
        </ul>
      </nav>
      {notice && (
        <p class="notice success" role="status">
          {a(l, notice)}
        </p>
      )}
      {children}
    </Layout>
  );
}

function Errors({ lang, form }: { lang: Lang; form: FormState }): VNode | null {
  return <ErrorSummary lang={lang} title={a(lang, 'errorsTitle')} issues={form.issues} formError={form.formError} label={labelOf(lang)} />;
}

/** A one-button form that posts to `action`, for activate / deactivate / end. */
function ActionButton({ action, label, aria, hint }: { action: string; label: string; aria?: string; hint?: string }): VNode {
  return (
    <form method="post" action={action} class="inline-action">
      <CsrfField />
      {hint && <p class="hint">{hint}</p>}
      <button type="submit" class="secondary" aria-label={aria}>
        {label}
      </button>
    </form>
  );
}

interface OverviewData {
  units: { code: string; nameBg: string; nameEn: string; active: boolean; phone: string | null; hours: string | null; filled: boolean }[];
  organisations: { id: number; nameBg: string; nameEn: string; kind: string; phone: string | null; hours: string | null; callTransfer: boolean }[];
  services: DirectoryService[];
}

const kindLabel = (lang: Lang, kind: string) => (`kind_${kind}` in A ? a(lang, `kind_${kind}` as AWord) : kind);

/** `/admin/directory`: every unit, transfer organisation and service, each with its edit link. */
export function AdminDirectoryPage({ ctx, data, notice }: { ctx: PageCtx; data: OverviewData; notice?: AdminNotice }): VNode {
  const l = ctx.lang;
  const nm = (x: { nameBg: string; nameEn: string }) => (l === 'en' ? x.nameEn : x.nameBg);
  return (
    <AdminFrame ctx={ctx} title={a(l, 'adminTitle')} notice={notice}>
      <h1>{a(l, 'adminTitle')}</h1>
      <p class="lead">{a(l, 'adminLead')}</p>
      <p>
        <a href="/directory">{a(l, 'publicDirectory')}</a>
      </p>

      <h2 id="orgs">{a(l, 'orgsTitle')}</h2>
      <p>
        <a class="button" href="/admin/directory/organisations/new">
          {a(l, 'addOrg')}
        </a>
      </p>
      <div class="table-wrap">
        <table class="list" aria-labelledby="orgs">
          <thead>
            <tr>
              <th scope="col">{a(l, 'name')}</th>
              <th scope="col">{a(l, 'kind')}</th>
              <th scope="col">{a(l, 'phone')}</th>
              <th scope="col">{a(l, 'hours')}</th>
              <th scope="col">{a(l, 'state')}</th>
              <th scope="col">{a(l, 'actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.organisations.map((o) => (
              <tr>
                <td>{nm(o)}</td>
                <td>{kindLabel(l, o.kind)}</td>
                <td>{o.phone ?? ''}</td>
                <td>{o.hours ?? ''}</td>
                <td>{o.callTransfer ? a(l, 'active') : a(l, 'inactive')}</td>
                <td>
                  <a href={`/admin/directory/organisations/${o.id}`} aria-label={a(l, 'editLabel', { name: nm(o) })}>
                    {a(l, 'edit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="services">{a(l, 'servicesTitle')}</h2>
      <p>
        <a class="button" href="/admin/directory/services/new">
          {a(l, 'addService')}
        </a>
      </p>
      <div class="table-wrap">
        <table class="list" aria-labelledby="services">
          <thead>
            <tr>
              <th scope="col">{a(l, 'code')}</th>
              <th scope="col">{a(l, 'name')}</th>
              <th scope="col">{a(l, 'unitCode')}</th>
              <th scope="col">{a(l, 'state')}</th>
              <th scope="col">{a(l, 'actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.services.map((s) => (
              <tr>
                <td>{s.code}</td>
                <td>{s.name[l]}</td>
                <td>{s.unit ? s.unit.name[l] : ''}</td>
                <td>{s.active ? a(l, 'active') : a(l, 'inactive')}</td>
                <td>
                  <a href={`/admin/directory/services/${encodeURIComponent(s.code)}`} aria-label={a(l, 'editLabel', { name: s.name[l] })}>
                    {a(l, 'edit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="units">{a(l, 'unitsTitle')}</h2>
      <div class="table-wrap">
        <table class="list" aria-labelledby="units">
          <thead>
            <tr>
              <th scope="col">{a(l, 'code')}</th>
              <th scope="col">{a(l, 'name')}</th>
              <th scope="col">{a(l, 'described')}</th>
              <th scope="col">{a(l, 'phone')}</th>
              <th scope="col">{a(l, 'actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.units.map((u) => (
              <tr>
                <td>{u.code}</td>
                <td>
                  {nm(u)}
                  {!u.active && <span class="muted"> ({a(l, 'inactive')})</span>}
                </td>
                <td>{u.filled ? a(l, 'filled') : a(l, 'missing')}</td>
                <td>{u.phone ?? ''}</td>
                <td>
                  <a href={`/admin/directory/units/${encodeURIComponent(u.code)}`} aria-label={a(l, 'editLabel', { name: nm(u) })}>
                    {a(l, 'edit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminFrame>
  );
}

/** The directory data of one unit: functions, address, hours, phone, email. */
export function UnitEditPage({ ctx, unit, form }: { ctx: PageCtx; unit: { code: string; nameBg: string; nameEn: string }; form: FormState }): VNode {
  const l = ctx.lang;
  const name = l === 'en' ? unit.nameEn : unit.nameBg;
  return (
    <AdminFrame ctx={ctx} title={`${a(l, 'unitEditTitle')}: ${name}`}>
      <div class="narrow wide-form">
        <p class="kicker">{a(l, 'unitEditTitle')}</p>
        <h1>{name}</h1>
        <Errors lang={l} form={form} />
        <form method="post" action={`/admin/directory/units/${encodeURIComponent(unit.code)}`}>
          <CsrfField ctx={ctx} />
          <TextArea lang={l} name="functionsBg" form={form} max={LIMITS.functions} rows={5} />
          <TextArea lang={l} name="functionsEn" form={form} max={LIMITS.functions} rows={5} />
          <Input lang={l} name="address" form={form} max={LIMITS.address} />
          <Input lang={l} name="hours" form={form} max={LIMITS.hours} hint="hoursHint" />
          <Input lang={l} name="phone" form={form} max={LIMITS.phone} hint="phoneHint" type="tel" />
          <Input lang={l} name="email" form={form} max={LIMITS.email} type="email" />
          <div class="cta">
            <button type="submit" class="primary">
              {a(l, 'save')}
            </button>
            <a class="button" href="/admin/directory">
              {a(l, 'cancel')}
            </a>
          </div>
        </form>
      </div>
    </AdminFrame>
  );
}

/** Adding or editing an outside organisation for call transfers (CC-14). */
export function OrganisationFormPage({ ctx, org, form }: { ctx: PageCtx; org: { id: number; callTransfer: boolean } | null; form: FormState }): VNode {
  const l = ctx.lang;
  const title = org ? a(l, 'orgEditTitle') : a(l, 'orgNewTitle');
  const kind = form.values.kind ?? 'utility';
  return (
    <AdminFrame ctx={ctx} title={title}>
      <div class="narrow wide-form">
        <h1>{title}</h1>
        <Errors lang={l} form={form} />
        <form method="post" action={org ? `/admin/directory/organisations/${org.id}` : '/admin/directory/organisations/new'}>
          <CsrfField ctx={ctx} />
          <Input lang={l} name="nameBg" form={form} max={LIMITS.name} required />
          <Input lang={l} name="nameEn" form={form} max={LIMITS.name} required />
          <Field id="kind" label={`${a(l, 'kind')} *`} error={form.issues.find((i) => i.field === 'kind')} lang={l}>
            <select id="kind" name="kind" required>
              {TRANSFER_KINDS.map((k) => (
                <option value={k} selected={k === kind}>
                  {kindLabel(l, k)}
                </option>
              ))}
            </select>
          </Field>
          <Input lang={l} name="phone" form={form} max={LIMITS.phone} hint="phoneHint" type="tel" />
          <Input lang={l} name="hours" form={form} max={LIMITS.hours} hint="hoursHint" />
          <TextArea lang={l} name="functionsBg" form={form} max={LIMITS.functions} />
          <TextArea lang={l} name="functionsEn" form={form} max={LIMITS.functions} />
          <Input lang={l} name="sort" form={form} max={4} hint="sortHint" inputMode="numeric" />
          <div class="cta">
            <button type="submit" class="primary">
              {org ? a(l, 'save') : a(l, 'create')}
            </button>
            <a class="button" href="/admin/directory">
              {a(l, 'cancel')}
            </a>
          </div>
        </form>
        {org && (
          <ActionButton
            action={`/admin/directory/organisations/${org.id}/${org.callTransfer ? 'deactivate' : 'activate'}`}
            label={org.callTransfer ? a(l, 'deactivate') : a(l, 'activate')}
            hint={a(l, 'deactivateOrgHint')}
          />
        )}
      </div>
    </AdminFrame>
  );
}

/** Adding or editing a municipal administrative service (CC-15). */
export function ServiceFormPage(props: { ctx: PageCtx; service: DirectoryService | null; units: { code: string; nameBg: string; nameEn: string }[]; form: FormState }): VNode {
  const { ctx, service, units, form } = props;
  const l = ctx.lang;
  const title = service ? `${a(l, 'serviceEditTitle')}: ${service.name[l]}` : a(l, 'serviceNewTitle');
  return (
    <AdminFrame ctx={ctx} title={title}>
      <div class="narrow wide-form">
        <h1>{title}</h1>
        {service && (
          <p>
            {a(l, 'code')}: <strong>{service.code}</strong> · <a href={`/directory/services/${encodeURIComponent(service.code)}`}>{a(l, 'publicDirectory')}</a>
          </p>
        )}
        <Errors lang={l} form={form} />
        <form method="post" action={service ? `/admin/directory/services/${encodeURIComponent(service.code)}` : '/admin/directory/services/new'}>
          <CsrfField ctx={ctx} />
          {!service && <Input lang={l} name="code" form={form} max={40} hint="codeHint" required />}
          <Input lang={l} name="nameBg" form={form} max={LIMITS.name} required />
          <Input lang={l} name="nameEn" form={form} max={LIMITS.name} required />
          <TextArea lang={l} name="howBg" form={form} max={LIMITS.serviceText} rows={6} />
          <TextArea lang={l} name="howEn" form={form} max={LIMITS.serviceText} rows={6} />
          <TextArea lang={l} name="documentsBg" form={form} max={LIMITS.serviceText} />
          <TextArea lang={l} name="documentsEn" form={form} max={LIMITS.serviceText} />
          <Input lang={l} name="deadlineBg" form={form} max={LIMITS.serviceShort} />
          <Input lang={l} name="deadlineEn" form={form} max={LIMITS.serviceShort} />
          <Input lang={l} name="priceBg" form={form} max={LIMITS.serviceShort} />
          <Input lang={l} name="priceEn" form={form} max={LIMITS.serviceShort} />
          <UnitSelect lang={l} label="unitCode" form={form} units={units} />
          <div class="cta">
            <button type="submit" class="primary">
              {service ? a(l, 'save') : a(l, 'create')}
            </button>
            <a class="button" href="/admin/directory">
              {a(l, 'cancel')}
            </a>
          </div>
        </form>
        {service && (
          <ActionButton
            action={`/admin/directory/services/${encodeURIComponent(service.code)}/${service.active ? 'deactivate' : 'activate'}`}
            label={service.active ? a(l, 'deactivate') : a(l, 'activate')}
            hint={a(l, 'deactivateServiceHint')}
          />
        )}
      </div>
    </AdminFrame>
  );
}

function stateOf(x: Announcement, now: Date): AWord {
  if (x.endsAt.getTime() <= now.getTime()) return 'statePast';
  return x.startsAt.getTime() > now.getTime() ? 'stateUpcoming' : 'stateCurrent';
}

/** `/admin/announcements`: the latest announcements with their state, edit and end. */
export function AdminAnnouncementsPage({ ctx, items, now, notice }: { ctx: PageCtx; items: Announcement[]; now: Date; notice?: AdminNotice }): VNode {
  const l = ctx.lang;
  return (
    <AdminFrame ctx={ctx} title={a(l, 'annAdminTitle')} notice={notice}>
      <h1>{a(l, 'annAdminTitle')}</h1>
      <p class="cta">
        <a class="button primary" href="/admin/announcements/new">
          {a(l, 'annNew')}
        </a>
        <a href="/announcements">{a(l, 'publicAnnouncements')}</a>
      </p>
      {items.length === 0 ? (
        <p>{a(l, 'annNone')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{a(l, 'title')}</th>
                <th scope="col">{a(l, 'period')}</th>
                <th scope="col">{a(l, 'state')}</th>
                <th scope="col">{a(l, 'actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => {
                const state = stateOf(x, now);
                const href = mapHref(x);
                return (
                  <tr>
                    <td>
                      {x.title[l]}
                      {href && (
                        <>
                          {' · '}
                          <a href={href}>{a(l, 'onMap')}</a>
                        </>
                      )}
                    </td>
                    <td>
                      <Period lang={l} from={x.startsAt} to={x.endsAt} />
                    </td>
                    <td>{a(l, state)}</td>
                    <td>
                      <a href={`/admin/announcements/${x.id}`} aria-label={a(l, 'editLabel', { name: x.title[l] })}>
                        {a(l, 'edit')}
                      </a>
                      {state !== 'statePast' && <ActionButton action={`/admin/announcements/${x.id}/end`} label={a(l, 'end')} aria={a(l, 'endLabel', { name: x.title[l] })} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </AdminFrame>
  );
}

/** Creating or editing an announcement (CC-16): texts in both languages, period, optional area. */
export function AnnouncementFormPage(props: { ctx: PageCtx; announcement: Announcement | null; units: { code: string; nameBg: string; nameEn: string }[]; form: FormState; now: Date }): VNode {
  const { ctx, announcement, units, form, now } = props;
  const l = ctx.lang;
  const title = announcement ? a(l, 'annEdit') : a(l, 'annNew');
  return (
    <AdminFrame ctx={ctx} title={title}>
      <div class="narrow wide-form">
        <h1>{title}</h1>
        <Errors lang={l} form={form} />
        <form method="post" action={announcement ? `/admin/announcements/${announcement.id}` : '/admin/announcements/new'}>
          <CsrfField ctx={ctx} />
          <Input lang={l} name="titleBg" form={form} max={LIMITS.title} required />
          <Input lang={l} name="titleEn" form={form} max={LIMITS.title} required />
          <TextArea lang={l} name="textBg" form={form} max={LIMITS.text} required rows={6} />
          <TextArea lang={l} name="textEn" form={form} max={LIMITS.text} required rows={6} />
          <fieldset>
            <legend>{a(l, 'period')}</legend>
            <Input lang={l} name="startsAt" form={form} type="datetime-local" hint="timeHint" required />
            <Input lang={l} name="endsAt" form={form} type="datetime-local" hint="endsHint" required />
          </fieldset>
          <fieldset aria-describedby="area-hint">
            <legend>{a(l, 'area')}</legend>
            <p class="hint" id="area-hint">
              {a(l, 'areaHint')}
            </p>
            <Input lang={l} name="lat" form={form} max={20} hint="latHint" inputMode="decimal" />
            <Input lang={l} name="lon" form={form} max={20} hint="lonHint" inputMode="decimal" />
            <Input lang={l} name="radiusM" form={form} max={6} hintText={a(l, 'radiusHint', { min: RADIUS.min, max: RADIUS.max })} inputMode="numeric" />
          </fieldset>
          <UnitSelect lang={l} label="annUnit" form={form} units={units} />
          <div class="cta">
            <button type="submit" class="primary">
              {announcement ? a(l, 'save') : a(l, 'create')}
            </button>
            <a class="button" href="/admin/announcements">
              {a(l, 'cancel')}
            </a>
          </div>
        </form>
        {announcement && announcement.endsAt.getTime() > now.getTime() && <ActionButton action={`/admin/announcements/${announcement.id}/end`} label={a(l, 'end')} />}
      </div>
    </AdminFrame>
  );
}
