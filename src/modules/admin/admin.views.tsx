import type { ComponentChildren, VNode } from 'preact';
import type { ErrorCode, FieldIssue, Lang } from '../../platform/errors/index.js';
import { formatDateTime, t } from '../../platform/i18n/index.js';
import { ErrorSummary, Field, CsrfField } from '../../platform/web/form.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { STAFF_ROLES } from '../../platform/web/guards.js';
import type { TreeUnit } from './admin.service.js';

/** The administration pages' words in both languages (NF-1). */
const W = {
  admin: { bg: 'Администрация', en: 'Administration' },
  adminLead: {
    bg: 'Организации, звена, служители, каталог, потребители и журнал на промените. Всичко тук са данни: промените действат веднага и се записват в журнала.',
    en: 'Organisations, units, staff, catalogue, users and the change log. Everything here is data: changes take effect at once and are recorded in the log.',
  },
  organisations: { bg: 'Организации', en: 'Organisations' },
  organisationsHint: { bg: 'Общината, районните администрации, дружества и други органи', en: 'The Municipality, district administrations, utilities and other bodies' },
  units: { bg: 'Звена', en: 'Units' },
  unitsHint: { bg: 'Структурата на всяка организация', en: 'The structure of each organisation' },
  staff: { bg: 'Служители и роли', en: 'Staff and roles' },
  staffHint: { bg: 'Служебни профили, роли и звена', en: 'Staff accounts, roles and units' },
  catalog: { bg: 'Каталог', en: 'Catalogue' },
  catalogHint: { bg: 'Категории, типове, допълнителни полета и насочване', en: 'Categories, types, extra fields and routing' },
  users: { bg: 'Потребители', en: 'Users' },
  usersHint: { bg: 'Търсене и спиране на профили на граждани', en: 'Find and suspend citizens’ accounts' },
  messages: { bg: 'Служебни съобщения', en: 'Service messages' },
  messagesHint: { bg: 'Съобщение до потребител или до всички с дадена роля', en: 'A message to one user or to everyone with a role' },
  audit: { bg: 'Журнал на промените', en: 'Change log' },
  auditHint: { bg: 'Кой, кога, какво е променил – преглед и износ', en: 'Who changed what, when – view and export' },
  apiKeys: { bg: 'Ключове за API (Open311)', en: 'API keys (Open311)' },
  apiKeysHint: { bg: 'Ключове на външни приложения, които подават сигнали', en: 'Keys of client applications that submit signals' },
  calendar: { bg: 'Календар на работните дни', en: 'Working-day calendar' },
  calendarHint: { bg: 'Празници и промени с решение на Министерския съвет', en: 'Holidays and the Council of Ministers’ day swaps' },
  deadlines: { bg: 'Срокове по документи', en: 'Deadlines of documents' },
  deadlinesHint: { bg: 'Законови и вътрешни срокове по вид документ и техните версии', en: 'Legal and internal deadlines per kind of document, and their versions' },
  directory: { bg: 'Справочник', en: 'Directory' },
  directoryHint: { bg: 'Функции, адреси, работно време и контакти', en: 'Functions, addresses, hours and contacts' },
  announcements: { bg: 'Съобщения за граждани', en: 'Announcements' },
  announcementsHint: { bg: 'Текущи ремонти и проблеми', en: 'Current works and problems' },
  errorsTitle: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  saved: { bg: 'Промените са запазени.', en: 'The changes are saved.' },
  save: { bg: 'Запази', en: 'Save' },
  create: { bg: 'Създай', en: 'Create' },
  edit: { bg: 'Редактиране', en: 'Edit' },
  cancel: { bg: 'Назад', en: 'Back' },
  filter: { bg: 'Покажи', en: 'Show' },
  all: { bg: 'Всички', en: 'All' },
  none: { bg: '— няма —', en: '— none —' },
  choose: { bg: '— изберете —', en: '— choose —' },
  yes: { bg: 'Да', en: 'Yes' },
  no: { bg: 'Не', en: 'No' },
  inactive: { bg: 'неактивно', en: 'inactive' },
  active: { bg: 'Активно', en: 'Active' },
  activeHint: { bg: 'Неактивните не се предлагат за нови документи и служители.', en: 'Inactive ones are not offered for new documents and staff.' },
  code: { bg: 'Код', en: 'Code' },
  bodyCodeHint: { bg: 'Латински букви, цифри, „-“, „_“ и „.“, до 40 знака; напр. R01-ADM', en: 'Latin letters, digits, “-”, “_” and “.”, up to 40 characters; e.g. R01-ADM' },
  kind: { bg: 'Вид', en: 'Kind' },
  kindHint: { bg: 'Малки латински букви и „_“: municipality, district_admin, utility …', en: 'Lowercase Latin letters and “_”: municipality, district_admin, utility …' },
  nameBg: { bg: 'Наименование на български', en: 'Name in Bulgarian' },
  nameEn: { bg: 'Наименование на английски', en: 'Name in English' },
  name: { bg: 'Наименование', en: 'Name' },
  phone: { bg: 'Телефон', en: 'Phone' },
  email: { bg: 'Имейл', en: 'Email' },
  address: { bg: 'Адрес', en: 'Address' },
  hours: { bg: 'Работно време', en: 'Working hours' },
  newOrganisation: { bg: 'Нова организация', en: 'New organisation' },
  editOrganisation: { bg: 'Организация', en: 'Organisation' },
  organisationId: { bg: 'Организация', en: 'Organisation' },
  parentId: { bg: 'Горестоящо звено', en: 'Parent unit' },
  parentHint: { bg: 'От същата организация; празно за звено на първо ниво.', en: 'Of the same organisation; empty for a top-level unit.' },
  districtId: { bg: 'Район (за районна администрация)', en: 'District (for a district administration)' },
  districtHint: { bg: 'Сигналите с точка в района се насочват към това звено.', en: 'Signals with a point in the district are routed to this unit.' },
  newUnit: { bg: 'Ново звено', en: 'New unit' },
  editUnit: { bg: 'Звено', en: 'Unit' },
  noUnits: { bg: 'Няма звена.', en: 'No units.' },
  district: { bg: 'Район', en: 'District' },
  username: { bg: 'Потребителско име', en: 'Username' },
  usernameHint: { bg: '3 до 30 латински букви, цифри, точки или долни черти', en: '3 to 30 Latin letters, digits, dots or underscores' },
  firstName: { bg: 'Име', en: 'First name' },
  lastName: { bg: 'Фамилия', en: 'Last name' },
  role: { bg: 'Роля', en: 'Role' },
  unitId: { bg: 'Звено', en: 'Unit' },
  unitHint: { bg: 'Задължително за всички роли освен администратор.', en: 'Required for every role except administrator.' },
  locale: { bg: 'Език на писмата', en: 'Language of emails' },
  newStaff: { bg: 'Нов служител', en: 'New staff member' },
  newStaffLead: {
    bg: 'Служителят получава писмо с връзка, валидна 1 час, за да зададе сам паролата си. Администраторът не научава паролата.',
    en: 'The staff member receives an email with a link, valid for 1 hour, to set the password themselves. The administrator never learns it.',
  },
  staffCreated: { bg: 'Профилът е създаден. Изпратихме на служителя връзка за задаване на парола.', en: 'The account is created. We sent the staff member a link to set a password.' },
  linkSent: { bg: 'Изпратихме нова връзка за задаване на парола.', en: 'We sent a new link to set a password.' },
  sendLink: { bg: 'Изпрати нова връзка за парола', en: 'Send a new password link' },
  sendLinkHint: { bg: 'Ако първата е изтекла (важи 1 час).', en: 'If the first one expired (it is valid for 1 hour).' },
  revoke: { bg: 'Отнеми служебните права', en: 'Remove staff rights' },
  revokeHint: { bg: 'Профилът остава като профил на гражданин, без звено.', en: 'The account stays, as a citizen’s, without a unit.' },
  revoked: { bg: 'Служебните права са отнети.', en: 'Staff rights were removed.' },
  ownAccount: { bg: 'Това е Вашият профил: не можете да отнемете собствените си администраторски права.', en: 'This is your own account: you cannot remove your own administrator rights.' },
  roleAndUnit: { bg: 'Роля и звено', en: 'Role and unit' },
  noStaff: { bg: 'Няма служители по тези критерии.', en: 'No staff match these criteria.' },
  total: { bg: 'Общо: {n}', en: 'Total: {n}' },
  pageOf: { bg: 'Страница {page} от {pages}', en: 'Page {page} of {pages}' },
  previous: { bg: '← Предишна', en: '← Previous' },
  next: { bg: 'Следваща →', en: 'Next →' },
  'role.citizen': { bg: 'Гражданин', en: 'Citizen' },
  'role.operator': { bg: 'Оператор в Контактния център', en: 'Contact Center operator' },
  'role.officer': { bg: 'Служител в звено', en: 'Unit officer' },
  'role.manager': { bg: 'Ръководител на звено', en: 'Unit manager' },
  'role.clerk': { bg: 'Деловодител', en: 'Registry clerk' },
  'role.inspector': { bg: 'Инспектор по паркиране', en: 'Parking inspector' },
  'role.admin': { bg: 'Администратор', en: 'Administrator' },
} as const;

/** A key of the module's dictionary. */
export type Word = keyof typeof W;

/** A word of the administration pages in the reader's language, with {placeholders} filled. */
export function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Whether a string is a word of the dictionary. */
export function isWord(key: string): key is Word {
  return key in W;
}

/** A role's name for people. */
export function roleName(lang: Lang, role: string): string {
  const k = `role.${role}`;
  return isWord(k) ? w(lang, k) : role;
}

/** Form values as shown again after an error. */
export type Values = Record<string, string | undefined>;

/** What a form needs to show itself: the language, the values and the problems. */
export interface FormState {
  lang: Lang;
  values: Values;
  issues: FieldIssue[];
}

/** The id of a control for a field name (dots are awkward in fragment links and selectors). */
export function idOf(name: string): string {
  return name.replace(/\./g, '-');
}

/** An option of a select; options with a group are shown under its heading. */
export interface Option {
  value: string;
  label: string;
  group?: string;
}

/** A labelled text input with its hint and error. */
export function TextInput(p: { s: FormState; name: string; label: string; hint?: string; type?: 'text' | 'email' | 'tel' | 'number' | 'date'; required?: boolean; maxLength?: number; list?: string; autoComplete?: string }): VNode {
  const err = p.s.issues.find((i) => i.field === p.name);
  return (
    <Field id={idOf(p.name)} label={`${p.label}${p.required ? ' *' : ''}`} hint={p.hint} error={err} lang={p.s.lang}>
      <input {...({ type: p.type ?? 'text' } as Record<string, string>)} id={idOf(p.name)} name={p.name} value={p.s.values[p.name] ?? ''} required={p.required} maxLength={p.maxLength} list={p.list} autoComplete={p.autoComplete} />
    </Field>
  );
}

/** A labelled textarea. */
export function TextArea(p: { s: FormState; name: string; label: string; hint?: string; required?: boolean; maxLength?: number; rows?: number }): VNode {
  const err = p.s.issues.find((i) => i.field === p.name);
  return (
    <Field id={idOf(p.name)} label={`${p.label}${p.required ? ' *' : ''}`} hint={p.hint} error={err} lang={p.s.lang}>
      <textarea id={idOf(p.name)} name={p.name} required={p.required} maxLength={p.maxLength} rows={p.rows}>
        {p.s.values[p.name] ?? ''}
      </textarea>
    </Field>
  );
}

/** A labelled select; `empty` adds a first option with no value. */
export function Select(p: { s: FormState; name: string; label: string; hint?: string; options: Option[]; empty?: string; required?: boolean }): VNode {
  const err = p.s.issues.find((i) => i.field === p.name);
  const value = p.s.values[p.name] ?? '';
  const groups: [string | undefined, Option[]][] = [];
  for (const o of p.options) {
    const last = groups.at(-1);
    if (last && last[0] === o.group) last[1].push(o);
    else groups.push([o.group, [o]]);
  }
  const opts = (list: Option[]) =>
    list.map((o) => (
      <option value={o.value} selected={o.value === value}>
        {o.label}
      </option>
    ));
  return (
    <Field id={idOf(p.name)} label={`${p.label}${p.required ? ' *' : ''}`} hint={p.hint} error={err} lang={p.s.lang}>
      <select id={idOf(p.name)} name={p.name} required={p.required}>
        {p.empty !== undefined && <option value="">{p.empty}</option>}
        {groups.map(([g, list]) => (g ? <optgroup label={g}>{opts(list)}</optgroup> : opts(list)))}
      </select>
    </Field>
  );
}

/** A checkbox with its label after it. */
export function Check(p: { s: FormState; name: string; label: string; hint?: string }): VNode {
  const hintId = p.hint ? `${idOf(p.name)}-hint` : undefined;
  return (
    <div class="field">
      <label class="check">
        <input type="checkbox" id={idOf(p.name)} name={p.name} value="on" checked={p.s.values[p.name] === 'on'} aria-describedby={hintId} /> {p.label}
      </label>
      {p.hint && (
        <span class="hint" id={hintId}>
          {p.hint}
        </span>
      )}
    </div>
  );
}

/** The error summary of a form, its links pointing at the controls. */
export function Errors(p: { s: FormState; formError?: ErrorCode; label: (field: string) => string }): VNode | null {
  return <ErrorSummary lang={p.s.lang} title={w(p.s.lang, 'errorsTitle')} issues={p.s.issues} formError={p.formError} label={p.label} idOf={idOf} />;
}

/** A field's label for the error summary from the dictionary, else the field name. */
export function labelFrom(lang: Lang) {
  return (field: string) => (isWord(field) ? w(lang, field) : field);
}

/** A confirmation after a change. */
export function Done({ text }: { text: string }): VNode {
  return (
    <div class="notice success" role="status">
      <p>{text}</p>
    </div>
  );
}

/** Every administration page: the site frame, the trail back to /admin, the module's styles. */
export function AdminLayout(p: { ctx: PageCtx; title: string; trail?: [string, string][]; children: ComponentChildren }): VNode {
  const l = p.ctx.lang;
  const trail: [string, string][] = [['/admin', w(l, 'admin')], ...(p.trail ?? [])];
  return (
    <Layout ctx={p.ctx} title={p.title} styles={['/static/css/admin.css']}>
      <nav class="admin-trail" aria-label={l === 'bg' ? 'Път' : 'Breadcrumb'}>
        <ol>
          {trail.map(([href, label]) => (
            <li>
              <a href={href}>{label}</a>
            </li>
          ))}
        </ol>
      </nav>
      <h1>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** Yes or no, in words. */
export function yesNo(lang: Lang, v: boolean): string {
  return w(lang, v ? 'yes' : 'no');
}

/** A date and time, or a dash. */
export function when(lang: Lang, d: Date | null | undefined): string {
  return d ? formatDateTime(d, lang) : '—';
}

// ------------------------------------------------------------------ dashboard

/** /admin: the sections of the administration, and a warning when mail is not delivered. */
export function DashboardPage({ ctx, mail }: { ctx: PageCtx; mail?: { smtp: boolean; queued: number } }): VNode {
  const l = ctx.lang;
  const sections: [string, Word, Word][] = [
    ['/admin/organisations', 'organisations', 'organisationsHint'],
    ['/admin/units', 'units', 'unitsHint'],
    ['/admin/staff', 'staff', 'staffHint'],
    ['/admin/catalog', 'catalog', 'catalogHint'],
    ['/admin/directory', 'directory', 'directoryHint'],
    ['/admin/announcements', 'announcements', 'announcementsHint'],
    ['/admin/users', 'users', 'usersHint'],
    ['/admin/messages/new', 'messages', 'messagesHint'],
    ['/admin/audit', 'audit', 'auditHint'],
    ['/admin/api-keys', 'apiKeys', 'apiKeysHint'],
    ['/admin/calendar', 'calendar', 'calendarHint'],
    ['/admin/deadlines', 'deadlines', 'deadlinesHint'],
  ];
  return (
    <Layout ctx={ctx} title={w(l, 'admin')} styles={['/static/css/admin.css']}>
      <h1>{w(l, 'admin')}</h1>
      {mail && !mail.smtp && (
        <div class="notice" role="status">
          <h2>{t(l, 'mail.notSentTitle')}</h2>
          <p>{t(l, 'mail.notSent', { n: mail.queued })}</p>
        </div>
      )}
      <p class="lead">{w(l, 'adminLead')}</p>
      <ul class="admin-sections">
        {sections.map(([href, title, hint]) => (
          <li class="card">
            <h2>
              <a href={href}>{w(l, title)}</a>
            </h2>
            <p class="muted">{w(l, hint)}</p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

// ------------------------------------------------------------------ organisations

/** One row of the organisations list. */
export interface OrgRow {
  id: number;
  code: string;
  kind: string;
  nameBg: string;
  nameEn: string;
  phone: string | null;
  email: string | null;
}

/** The organisations. */
export function OrganisationsPage({ ctx, orgs }: { ctx: PageCtx; orgs: OrgRow[] }): VNode {
  const l = ctx.lang;
  return (
    <AdminLayout ctx={ctx} title={w(l, 'organisations')}>
      <p>
        <a class="button primary" href="/admin/organisations/new">
          {w(l, 'newOrganisation')}
        </a>
      </p>
      <div class="table-wrap">
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{w(l, 'code')}</th>
              <th scope="col">{w(l, 'name')}</th>
              <th scope="col">{w(l, 'kind')}</th>
              <th scope="col">{w(l, 'phone')}</th>
              <th scope="col">{w(l, 'email')}</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr>
                <td>{o.code}</td>
                <td>
                  <a href={`/admin/organisations/${o.id}`}>{l === 'en' ? o.nameEn : o.nameBg}</a>
                </td>
                <td>{o.kind}</td>
                <td>{o.phone ?? ''}</td>
                <td>{o.email ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

const KINDS = ['municipality', 'district_admin', 'municipal_company', 'utility', 'state', 'emergency', 'other'];

/** Create or edit an organisation. */
export function OrganisationFormPage({ ctx, id, s, formError, done }: { ctx: PageCtx; id: number | null; s: FormState; formError?: ErrorCode; done?: boolean }): VNode {
  const l = ctx.lang;
  const title = id ? `${w(l, 'editOrganisation')}: ${s.values.nameBg ?? ''}` : w(l, 'newOrganisation');
  return (
    <AdminLayout ctx={ctx} title={title} trail={[['/admin/organisations', w(l, 'organisations')]]}>
      <div class="narrow">
        {done && <Done text={w(l, 'saved')} />}
        <Errors s={s} formError={formError} label={labelFrom(l)} />
        <form method="post" action={id ? `/admin/organisations/${id}` : '/admin/organisations'}>
          <CsrfField ctx={ctx} />
          <TextInput s={s} name="code" label={w(l, 'code')} hint={w(l, 'bodyCodeHint')} required maxLength={40} />
          <TextInput s={s} name="kind" label={w(l, 'kind')} hint={w(l, 'kindHint')} required maxLength={40} list="org-kinds" />
          <datalist id="org-kinds">
            {KINDS.map((k) => (
              <option value={k} />
            ))}
          </datalist>
          <TextInput s={s} name="nameBg" label={w(l, 'nameBg')} required maxLength={200} />
          <TextInput s={s} name="nameEn" label={w(l, 'nameEn')} required maxLength={200} />
          <TextInput s={s} name="phone" label={w(l, 'phone')} type="tel" maxLength={60} />
          <TextInput s={s} name="email" label={w(l, 'email')} type="email" maxLength={254} />
          <TextInput s={s} name="address" label={w(l, 'address')} maxLength={300} />
          <TextInput s={s} name="hours" label={w(l, 'hours')} maxLength={200} />
          <button type="submit" class="primary">
            {w(l, id ? 'save' : 'create')}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}

// ------------------------------------------------------------------ units

interface TreeNode {
  unit: TreeUnit;
  children: TreeNode[];
}

function nest(list: TreeUnit[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const stack: TreeNode[] = [];
  for (const unit of list) {
    const node = { unit, children: [] };
    while (stack.length > unit.depth) stack.pop();
    (stack.at(-1)?.children ?? roots).push(node);
    stack.push(node);
  }
  return roots;
}

function UnitList({ lang, nodes, districts }: { lang: Lang; nodes: TreeNode[]; districts: Map<number, string> }): VNode {
  return (
    <ul class="tree">
      {nodes.map(({ unit: u, children }) => (
        <li>
          <a href={`/admin/units/${u.id}`}>{lang === 'en' ? u.nameEn : u.nameBg}</a> <span class="muted">{u.code}</span>
          {u.districtId !== null && <span class="muted"> · {districts.get(u.districtId) ?? ''}</span>}
          {!u.active && <span class="badge">{w(lang, 'inactive')}</span>}
          {children.length > 0 && <UnitList lang={lang} nodes={children} districts={districts} />}
        </li>
      ))}
    </ul>
  );
}

/** The units of every organisation as trees. */
export function UnitsPage({ ctx, tree, districts }: { ctx: PageCtx; tree: { org: { id: number; code: string; nameBg: string; nameEn: string }; units: TreeUnit[] }[]; districts: Map<number, string> }): VNode {
  const l = ctx.lang;
  return (
    <AdminLayout ctx={ctx} title={w(l, 'units')}>
      <p>
        <a class="button primary" href="/admin/units/new">
          {w(l, 'newUnit')}
        </a>
      </p>
      {tree.map(({ org, units }) => (
        <section class="unit-org" aria-labelledby={`org-${org.id}`}>
          <h2 id={`org-${org.id}`}>
            {l === 'en' ? org.nameEn : org.nameBg} <span class="muted">{org.code}</span>
          </h2>
          {units.length ? <UnitList lang={l} nodes={nest(units)} districts={districts} /> : <p class="muted">{w(l, 'noUnits')}</p>}
          <p>
            <a href={`/admin/units/new?organisation=${org.id}`}>
              {w(l, 'newUnit')} <span class="visually-hidden">({l === 'en' ? org.nameEn : org.nameBg})</span>
            </a>
          </p>
        </section>
      ))}
    </AdminLayout>
  );
}

/** The options of the parent-unit select: every unit, indented under its parent, grouped by organisation. */
export function parentOptions(lang: Lang, tree: { org: { nameBg: string; nameEn: string }; units: TreeUnit[] }[], except?: number): Option[] {
  return tree.flatMap(({ org, units }) =>
    units
      .filter((u) => u.id !== except)
      .map((u) => ({ value: String(u.id), label: `${'\u00a0\u00a0'.repeat(u.depth)}${u.depth ? '└ ' : ''}${lang === 'en' ? u.nameEn : u.nameBg} (${u.code})`, group: lang === 'en' ? org.nameEn : org.nameBg })),
  );
}

/** Create or edit a unit. */
export function UnitFormPage(p: { ctx: PageCtx; id: number | null; s: FormState; formError?: ErrorCode; done?: boolean; orgs: Option[]; parents: Option[]; districts: Option[] }): VNode {
  const l = p.ctx.lang;
  const title = p.id ? `${w(l, 'editUnit')}: ${p.s.values.nameBg ?? ''}` : w(l, 'newUnit');
  return (
    <AdminLayout ctx={p.ctx} title={title} trail={[['/admin/units', w(l, 'units')]]}>
      <div class="narrow">
        {p.done && <Done text={w(l, 'saved')} />}
        <Errors s={p.s} formError={p.formError} label={labelFrom(l)} />
        <form method="post" action={p.id ? `/admin/units/${p.id}` : '/admin/units'}>
          <CsrfField ctx={p.ctx} />
          <Select s={p.s} name="organisationId" label={w(l, 'organisationId')} options={p.orgs} empty={w(l, 'choose')} required />
          <Select s={p.s} name="parentId" label={w(l, 'parentId')} hint={w(l, 'parentHint')} options={p.parents} empty={w(l, 'none')} />
          <TextInput s={p.s} name="code" label={w(l, 'code')} hint={w(l, 'bodyCodeHint')} required maxLength={40} />
          <TextInput s={p.s} name="nameBg" label={w(l, 'nameBg')} required maxLength={200} />
          <TextInput s={p.s} name="nameEn" label={w(l, 'nameEn')} required maxLength={200} />
          <Select s={p.s} name="districtId" label={w(l, 'districtId')} hint={w(l, 'districtHint')} options={p.districts} empty={w(l, 'none')} />
          <Check s={p.s} name="active" label={w(l, 'active')} hint={w(l, 'activeHint')} />
          <button type="submit" class="primary">
            {w(l, p.id ? 'save' : 'create')}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}

// ------------------------------------------------------------------ staff

/** One row of the staff list. */
export interface StaffRow {
  id: string;
  username: string | null;
  login: string | null;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  unitBg: string | null;
  unitEn: string | null;
}

/** The role select's options. */
export function roleOptions(lang: Lang): Option[] {
  return STAFF_ROLES.map((r) => ({ value: r, label: roleName(lang, r) }));
}

/** Staff, filtered by role and unit. */
export function StaffListPage(p: { ctx: PageCtx; rows: StaffRow[]; total: number; page: number; pages: number; filter: Values; units: Option[]; revoked?: boolean }): VNode {
  const l = p.ctx.lang;
  const s: FormState = { lang: l, values: p.filter, issues: [] };
  const pageHref = (n: number) => `/admin/staff?${new URLSearchParams({ ...(p.filter.role ? { role: p.filter.role } : {}), ...(p.filter.unitId ? { unitId: p.filter.unitId } : {}), page: String(n) })}`;
  return (
    <AdminLayout ctx={p.ctx} title={w(l, 'staff')}>
      {p.revoked && <Done text={w(l, 'revoked')} />}
      <p>
        <a class="button primary" href="/admin/staff/new">
          {w(l, 'newStaff')}
        </a>
      </p>
      <form method="get" action="/admin/staff" class="filters">
        <fieldset>
          <legend>{w(l, 'filter')}</legend>
          <Select s={s} name="role" label={w(l, 'role')} options={roleOptions(l)} empty={w(l, 'all')} />
          <Select s={s} name="unitId" label={w(l, 'unitId')} options={p.units} empty={w(l, 'all')} />
          <button type="submit">{w(l, 'filter')}</button>
        </fieldset>
      </form>
      <p>{w(l, 'total', { n: p.total })}</p>
      {p.rows.length === 0 ? (
        <p>{w(l, 'noStaff')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{w(l, 'username')}</th>
                <th scope="col">{w(l, 'name')}</th>
                <th scope="col">{w(l, 'role')}</th>
                <th scope="col">{w(l, 'unitId')}</th>
                <th scope="col">{w(l, 'email')}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/admin/staff/${r.id}`}>{r.username ?? r.login ?? r.id}</a>
                  </td>
                  <td>
                    {r.firstName} {r.lastName}
                  </td>
                  <td>{roleName(l, r.role)}</td>
                  <td>{(l === 'en' ? r.unitEn : r.unitBg) ?? '—'}</td>
                  <td>{r.email}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.pages > 1 && (
        <nav class="pager" aria-label={w(l, 'pageOf', { page: p.page, pages: p.pages })}>
          {p.page > 1 && <a href={pageHref(p.page - 1)}>{w(l, 'previous')}</a>}
          <span>{w(l, 'pageOf', { page: p.page, pages: p.pages })}</span>
          {p.page < p.pages && <a href={pageHref(p.page + 1)}>{w(l, 'next')}</a>}
        </nav>
      )}
    </AdminLayout>
  );
}

/** A new staff account. */
export function StaffNewPage(p: { ctx: PageCtx; s: FormState; formError?: ErrorCode; units: Option[] }): VNode {
  const l = p.ctx.lang;
  return (
    <AdminLayout ctx={p.ctx} title={w(l, 'newStaff')} trail={[['/admin/staff', w(l, 'staff')]]}>
      <div class="narrow">
        <p class="lead">{w(l, 'newStaffLead')}</p>
        <Errors s={p.s} formError={p.formError} label={labelFrom(l)} />
        <form method="post" action="/admin/staff">
          <CsrfField ctx={p.ctx} />
          <TextInput s={p.s} name="username" label={w(l, 'username')} hint={w(l, 'usernameHint')} required maxLength={30} autoComplete="off" />
          <TextInput s={p.s} name="firstName" label={w(l, 'firstName')} required maxLength={100} />
          <TextInput s={p.s} name="lastName" label={w(l, 'lastName')} required maxLength={100} />
          <TextInput s={p.s} name="email" label={w(l, 'email')} type="email" required maxLength={254} autoComplete="off" />
          <Select s={p.s} name="role" label={w(l, 'role')} options={roleOptions(l)} empty={w(l, 'choose')} required />
          <Select s={p.s} name="unitId" label={w(l, 'unitId')} hint={w(l, 'unitHint')} options={p.units} empty={w(l, 'none')} />
          <Select
            s={p.s}
            name="locale"
            label={w(l, 'locale')}
            options={[
              { value: 'bg', label: 'Български' },
              { value: 'en', label: 'English' },
            ]}
          />
          <button type="submit" class="primary">
            {w(l, 'create')}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}

/** A staff member: details, role and unit, a new password link, removal of rights. */
export function StaffEditPage(p: {
  ctx: PageCtx;
  person: { id: string; username: string; email: string; firstName: string; lastName: string; createdAt: Date };
  own: boolean;
  s: FormState;
  formError?: ErrorCode;
  notice?: 'saved' | 'staffCreated' | 'linkSent';
  units: Option[];
}): VNode {
  const l = p.ctx.lang;
  const who = p.person;
  return (
    <AdminLayout ctx={p.ctx} title={`${who.firstName} ${who.lastName} (${who.username})`} trail={[['/admin/staff', w(l, 'staff')]]}>
      <div class="narrow">
        {p.notice && <Done text={w(l, p.notice)} />}
        <dl class="facts">
          <dt>{w(l, 'username')}</dt>
          <dd>{who.username}</dd>
          <dt>{w(l, 'email')}</dt>
          <dd>{who.email}</dd>
        </dl>
        <p>
          <a href={`/admin/audit?entity=user&entityId=${encodeURIComponent(who.id)}`}>{w(l, 'audit')}</a>
        </p>
        <h2>{w(l, 'roleAndUnit')}</h2>
        {p.own && <p class="notice">{w(l, 'ownAccount')}</p>}
        <Errors s={p.s} formError={p.formError} label={labelFrom(l)} />
        <form method="post" action={`/admin/staff/${who.id}`}>
          <CsrfField ctx={p.ctx} />
          <Select s={p.s} name="role" label={w(l, 'role')} options={roleOptions(l)} required />
          <Select s={p.s} name="unitId" label={w(l, 'unitId')} hint={w(l, 'unitHint')} options={p.units} empty={w(l, 'none')} />
          <button type="submit" class="primary">
            {w(l, 'save')}
          </button>
        </form>
        <h2>{w(l, 'sendLink')}</h2>
        <form method="post" action={`/admin/staff/${who.id}/password-link`}>
          <CsrfField ctx={p.ctx} />
          <p class="hint">{w(l, 'sendLinkHint')}</p>
          <button type="submit" class="secondary">
            {w(l, 'sendLink')}
          </button>
        </form>
        {!p.own && (
          <>
            <h2>{w(l, 'revoke')}</h2>
            <form method="post" action={`/admin/staff/${who.id}/revoke`}>
              <CsrfField ctx={p.ctx} />
              <p class="hint">{w(l, 'revokeHint')}</p>
              <button type="submit" class="danger">
                {w(l, 'revoke')}
              </button>
            </form>
          </>
        )}
      </div>
    </AdminLayout>
  );
}
