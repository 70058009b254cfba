import type { VNode } from 'preact';
import type { ErrorCode, Lang } from '../../platform/errors/index.js';
import type { ExtraField } from '../catalog/index.js';
import type { PageCtx } from '../../platform/web/layout.js';
import { DATATYPES } from './admin.catalog.js';
import { AdminLayout, Check, Done, Errors, Select, TextArea, TextInput, idOf, isWord, w, yesNo, type FormState, type Option, type Values } from './admin.views.js';
import { CsrfField } from '../../platform/web/form.js';

/** The catalogue pages' own words (NF-1). */
const C = {
  categories: { bg: 'Категории', en: 'Categories' },
  category: { bg: 'Категория', en: 'Category' },
  categoryId: { bg: 'Категория', en: 'Category' },
  newCategory: { bg: 'Нова категория', en: 'New category' },
  types: { bg: 'Типове', en: 'Types' },
  typesCount: { bg: 'Типове', en: 'Types' },
  type: { bg: 'Тип', en: 'Type' },
  newType: { bg: 'Нов тип', en: 'New type' },
  noTypes: { bg: 'Категорията няма типове.', en: 'The category has no types.' },
  catalogCodeHint: { bg: 'Малки латински букви, цифри, „-“ и „_“, до 40 знака; напр. cs12-3', en: 'Lowercase Latin letters, digits, “-” and “_”, up to 40 characters; e.g. cs12-3' },
  sort: { bg: 'Ред на показване', en: 'Display order' },
  sortHint: { bg: 'По-малките числа са по-напред.', en: 'Smaller numbers come first.' },
  active: { bg: 'Активен (предлага се във формите)', en: 'Active (offered in the forms)' },
  details: { bg: 'Основни данни', en: 'Details' },
  fields: { bg: 'Допълнителни полета', en: 'Extra fields' },
  fieldsLead: {
    bg: 'Полетата, които формата за този тип пита допълнително. За да добавите поле, попълнете празния ред; за да премахнете – отметнете „Премахни“. Кодът започва с малка латинска буква, съдържа само малки латински букви, цифри и „_“ (до 40 знака) и е различен за всяко поле. Промените важат веднага за новите документи.',
    en: 'The fields the form for this type asks in addition. To add a field, fill in the empty row; to remove one, tick “Remove”. The code starts with a lowercase Latin letter, has only lowercase Latin letters, digits and “_” (up to 40 characters) and differs for each field. Changes apply at once to new documents.',
  },
  fieldN: { bg: 'Поле {n}', en: 'Field {n}' },
  newField: { bg: 'Ново поле', en: 'New field' },
  pos: { bg: 'Позиция', en: 'Position' },
  fcode: { bg: 'Код', en: 'Code' },
  fcodeHint: { bg: 'Латински: a-z, 0-9, _', en: 'Latin: a-z, 0-9, _' },
  datatype: { bg: 'Вид на стойността', en: 'Kind of value' },
  required: { bg: 'Задължително', en: 'Required' },
  labelBg: { bg: 'Етикет на български', en: 'Label in Bulgarian' },
  labelEn: { bg: 'Етикет на английски', en: 'Label in English' },
  hintBg: { bg: 'Подсказка на български', en: 'Hint in Bulgarian' },
  hintEn: { bg: 'Подсказка на английски', en: 'Hint in English' },
  options: { bg: 'Възможности (за избор)', en: 'Options (for choices)' },
  optionsHint: { bg: 'По един ред: ключ|български|английски, напр. road|Пътно платно|Road surface', en: 'One per line: key|Bulgarian|English, e.g. road|Пътно платно|Road surface' },
  remove: { bg: 'Премахни', en: 'Remove' },
  saveFields: { bg: 'Запази полетата', en: 'Save the fields' },
  'dt.text': { bg: 'Текст', en: 'Text' },
  'dt.number': { bg: 'Число', en: 'Number' },
  'dt.date': { bg: 'Дата', en: 'Date' },
  'dt.single': { bg: 'Избор на една възможност', en: 'One of the options' },
  'dt.multi': { bg: 'Избор на няколко възможности', en: 'Several of the options' },
  'dt.bool': { bg: 'Да/не', en: 'Yes/no' },
  route: { bg: 'Насочване (компетентност)', en: 'Routing (competence)' },
  routeLead: { bg: 'Къде отива нов документ от този тип.', en: 'Where a new document of this type goes.' },
  routeTo: { bg: 'Насочва се към', en: 'Goes to' },
  'route.district': { bg: 'Администрацията на района, в който е точката', en: 'The administration of the district the point lies in' },
  'route.unit': { bg: 'Определено звено', en: 'A fixed unit' },
  'route.organisation': { bg: 'Външна организация (Контактният център следи)', en: 'An outside organisation (the Contact Center follows up)' },
  routeUnitId: { bg: 'Звено', en: 'Unit' },
  routeOrganisationId: { bg: 'Организация', en: 'Organisation' },
  saveRoute: { bg: 'Запази насочването', en: 'Save the routing' },
  inactive: { bg: 'неактивен', en: 'inactive' },
  fieldsCount: { bg: 'Доп. полета', en: 'Extra fields' },
} as const;

type CWord = keyof typeof C;

function c(lang: Lang, key: CWord, vars?: Record<string, string | number>): string {
  let s: string = C[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

function label(lang: Lang) {
  return (field: string) => {
    const m = /^fields\.(\d+)\.(\w+)$/.exec(field);
    if (m) {
      const prop = m[2] === 'code' ? 'fcode' : m[2]!;
      return `${c(lang, 'fieldN', { n: Number(m[1]) + 1 })}: ${prop in C ? c(lang, prop as CWord) : prop}`;
    }
    if (field in C) return c(lang, field as CWord);
    return isWord(field) ? w(lang, field) : field;
  };
}

/** One category in the catalogue list. */
export interface CategoryRow {
  id: number;
  code: string;
  nameBg: string;
  nameEn: string;
  sort: number;
  active: boolean;
  types: number;
}

/** The catalogue: categories with the number of their types. */
export function CatalogPage({ ctx, cats }: { ctx: PageCtx; cats: CategoryRow[] }): VNode {
  const l = ctx.lang;
  return (
    <AdminLayout ctx={ctx} title={w(l, 'catalog')}>
      <p>
        <a class="button primary" href="/admin/catalog/categories/new">
          {c(l, 'newCategory')}
        </a>
      </p>
      <div class="table-wrap">
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{w(l, 'code')}</th>
              <th scope="col">{c(l, 'category')}</th>
              <th scope="col">{c(l, 'typesCount')}</th>
              <th scope="col">{w(l, 'active')}</th>
            </tr>
          </thead>
          <tbody>
            {cats.map((x) => (
              <tr>
                <td>{x.code}</td>
                <td>
                  <a href={`/admin/catalog/categories/${x.id}`}>{l === 'en' ? x.nameEn : x.nameBg}</a>
                </td>
                <td>{x.types}</td>
                <td>{yesNo(l, x.active)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

/** One type in a category's list. */
export interface TypeRow {
  id: number;
  code: string;
  nameBg: string;
  nameEn: string;
  active: boolean;
  fields: ExtraField[];
  routeTo: string;
}

/** Create or edit a category; an existing one lists its types. */
export function CategoryPage(p: { ctx: PageCtx; id: number | null; s: FormState; formError?: ErrorCode; done?: boolean; types: TypeRow[] }): VNode {
  const l = p.ctx.lang;
  const title = p.id ? `${c(l, 'category')}: ${p.s.values.nameBg ?? ''}` : c(l, 'newCategory');
  return (
    <AdminLayout ctx={p.ctx} title={title} trail={[['/admin/catalog', w(l, 'catalog')]]}>
      {p.done && <Done text={w(l, 'saved')} />}
      <div class="narrow">
        <Errors s={p.s} formError={p.formError} label={label(l)} />
        <form method="post" action={p.id ? `/admin/catalog/categories/${p.id}` : '/admin/catalog/categories'}>
          <CsrfField ctx={p.ctx} />
          <TextInput s={p.s} name="code" label={w(l, 'code')} hint={c(l, 'catalogCodeHint')} required maxLength={40} />
          <TextInput s={p.s} name="nameBg" label={w(l, 'nameBg')} required maxLength={200} />
          <TextInput s={p.s} name="nameEn" label={w(l, 'nameEn')} required maxLength={200} />
          <TextInput s={p.s} name="sort" label={c(l, 'sort')} hint={c(l, 'sortHint')} type="number" />
          <Check s={p.s} name="active" label={c(l, 'active')} />
          <button type="submit" class="primary">
            {w(l, p.id ? 'save' : 'create')}
          </button>
        </form>
      </div>
      {p.id && (
        <section aria-labelledby="types-h">
          <h2 id="types-h">{c(l, 'types')}</h2>
          <p>
            <a class="button" href={`/admin/catalog/types/new?category=${p.id}`}>
              {c(l, 'newType')}
            </a>
          </p>
          {p.types.length === 0 ? (
            <p>{c(l, 'noTypes')}</p>
          ) : (
            <div class="table-wrap">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">{w(l, 'code')}</th>
                    <th scope="col">{c(l, 'type')}</th>
                    <th scope="col">{c(l, 'fieldsCount')}</th>
                    <th scope="col">{c(l, 'routeTo')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.types.map((t) => (
                    <tr>
                      <td>{t.code}</td>
                      <td>
                        <a href={`/admin/catalog/types/${t.id}`}>{l === 'en' ? t.nameEn : t.nameBg}</a>
                        {!t.active && <span class="badge">{c(l, 'inactive')}</span>}
                      </td>
                      <td>{t.fields.length}</td>
                      <td>{routeName(l, t.routeTo)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </AdminLayout>
  );
}

function routeName(l: Lang, to: string): string {
  const k = `route.${to}`;
  return k in C ? c(l, k as CWord) : to;
}

function TypeDetailsForm(p: { l: Lang; id: number | null; s: FormState; cats: Option[] }): VNode {
  const { l, s } = p;
  return (
    <form method="post" action={p.id ? `/admin/catalog/types/${p.id}` : '/admin/catalog/types'}>
      <CsrfField />
      <Select s={s} name="categoryId" label={c(l, 'categoryId')} options={p.cats} empty={w(l, 'choose')} required />
      <TextInput s={s} name="code" label={w(l, 'code')} hint={c(l, 'catalogCodeHint')} required maxLength={40} />
      <TextInput s={s} name="nameBg" label={w(l, 'nameBg')} required maxLength={300} />
      <TextInput s={s} name="nameEn" label={w(l, 'nameEn')} required maxLength={300} />
      <TextInput s={s} name="sort" label={c(l, 'sort')} hint={c(l, 'sortHint')} type="number" />
      <Check s={s} name="active" label={c(l, 'active')} />
      <button type="submit" class="primary">
        {w(l, p.id ? 'save' : 'create')}
      </button>
    </form>
  );
}

/** A new type. */
export function TypeNewPage(p: { ctx: PageCtx; s: FormState; formError?: ErrorCode; cats: Option[] }): VNode {
  const l = p.ctx.lang;
  return (
    <AdminLayout ctx={p.ctx} title={c(l, 'newType')} trail={[['/admin/catalog', w(l, 'catalog')]]}>
      <div class="narrow">
        <Errors s={p.s} formError={p.formError} label={label(l)} />
        <TypeDetailsForm l={l} id={null} s={p.s} cats={p.cats} />
      </div>
    </AdminLayout>
  );
}

/** The extra-fields form's values for a list of fields, plus the empty row for a new one. */
export function fieldValues(fields: ExtraField[]): Values {
  const v: Values = {};
  fields.forEach((f, i) => {
    v[`fields.${i}.pos`] = String(i + 1);
    v[`fields.${i}.code`] = f.code;
    v[`fields.${i}.datatype`] = f.datatype;
    v[`fields.${i}.required`] = f.required ? 'on' : '';
    v[`fields.${i}.labelBg`] = f.labelBg;
    v[`fields.${i}.labelEn`] = f.labelEn;
    v[`fields.${i}.hintBg`] = f.hintBg ?? '';
    v[`fields.${i}.hintEn`] = f.hintEn ?? '';
    v[`fields.${i}.options`] = (f.options ?? []).map((o) => `${o.key}|${o.bg}|${o.en}`).join('\n');
  });
  return v;
}

function FieldRow({ l, s, i, isNew }: { l: Lang; s: FormState; i: number; isNew: boolean }): VNode {
  const n = (p: string) => `fields.${i}.${p}`;
  const dts: Option[] = DATATYPES.map((d) => ({ value: d, label: c(l, `dt.${d}`) }));
  const sub: FormState = { ...s, values: { ...s.values, [n('datatype')]: s.values[n('datatype')] || 'text', [n('pos')]: s.values[n('pos')] || String(i + 1) } };
  return (
    <fieldset class="extra-field">
      <legend>{isNew ? c(l, 'newField') : c(l, 'fieldN', { n: i + 1 })}</legend>
      <div class="extra-grid">
        <TextInput s={sub} name={n('pos')} label={c(l, 'pos')} type="number" />
        <TextInput s={sub} name={n('code')} label={c(l, 'fcode')} hint={c(l, 'fcodeHint')} maxLength={40} />
        <Select s={sub} name={n('datatype')} label={c(l, 'datatype')} options={dts} />
        <Check s={sub} name={n('required')} label={c(l, 'required')} />
        <TextInput s={sub} name={n('labelBg')} label={c(l, 'labelBg')} maxLength={200} />
        <TextInput s={sub} name={n('labelEn')} label={c(l, 'labelEn')} maxLength={200} />
        <TextInput s={sub} name={n('hintBg')} label={c(l, 'hintBg')} maxLength={500} />
        <TextInput s={sub} name={n('hintEn')} label={c(l, 'hintEn')} maxLength={500} />
      </div>
      <TextArea s={sub} name={n('options')} label={c(l, 'options')} hint={c(l, 'optionsHint')} rows={4} />
      {!isNew && <Check s={sub} name={n('remove')} label={c(l, 'remove')} />}
    </fieldset>
  );
}

/** A type: its details, its extra fields and its routing rule, each a form of its own. */
export function TypePage(p: {
  ctx: PageCtx;
  id: number;
  category: { id: number; nameBg: string; nameEn: string };
  form?: 'details' | 'fields' | 'route';
  formError?: ErrorCode;
  done?: 'details' | 'fields' | 'route';
  details: FormState;
  fields: FormState;
  rows: number;
  existing: number;
  route: FormState;
  cats: Option[];
  units: Option[];
  orgs: Option[];
}): VNode {
  const l = p.ctx.lang;
  const title = `${c(l, 'type')}: ${p.details.values.nameBg ?? ''}`;
  // The failed form's problems are listed at the top of the page, where the reader lands.
  const failed = p.form === 'details' ? p.details : p.form === 'fields' ? p.fields : p.form === 'route' ? p.route : null;
  const done = (which: 'details' | 'fields' | 'route') => (p.done === which ? <Done text={w(l, 'saved')} /> : null);
  const routeTo = p.route.values.routeTo ?? 'district';
  return (
    <AdminLayout ctx={p.ctx} title={title} trail={[['/admin/catalog', w(l, 'catalog')], [`/admin/catalog/categories/${p.category.id}`, l === 'en' ? p.category.nameEn : p.category.nameBg]]}>
      {failed && <Errors s={failed} formError={p.formError} label={label(l)} />}
      <p>
        <a href={`/admin/audit?entity=case_type&entityId=${p.id}`}>{w(l, 'audit')}</a>
      </p>
      <section aria-labelledby="details-h" class="narrow">
        <h2 id="details-h">{c(l, 'details')}</h2>
        {done('details')}
        <TypeDetailsForm l={l} id={p.id} s={p.details} cats={p.cats} />
      </section>
      <section aria-labelledby="fields-h">
        <h2 id="fields-h">{c(l, 'fields')}</h2>
        <p class="hint">{c(l, 'fieldsLead')}</p>
        {done('fields')}
        <form method="post" action={`/admin/catalog/types/${p.id}/fields`}>
          <CsrfField ctx={p.ctx} />
          {Array.from({ length: p.rows }, (_, i) => (
            <FieldRow l={l} s={p.fields} i={i} isNew={i >= p.existing} />
          ))}
          <button type="submit" class="primary">
            {c(l, 'saveFields')}
          </button>
        </form>
      </section>
      <section aria-labelledby="route-h" class="narrow">
        <h2 id="route-h">{c(l, 'route')}</h2>
        <p class="hint">{c(l, 'routeLead')}</p>
        {done('route')}
        <form method="post" action={`/admin/catalog/types/${p.id}/route`}>
          <CsrfField ctx={p.ctx} />
          <fieldset class="choice" id={idOf('routeTo')}>
            <legend>{c(l, 'routeTo')}</legend>
            {(['district', 'unit', 'organisation'] as const).map((to) => (
              <label class="check">
                <input type="radio" name="routeTo" value={to} checked={routeTo === to} /> {c(l, `route.${to}`)}
              </label>
            ))}
          </fieldset>
          <Select s={p.route} name="routeUnitId" label={c(l, 'routeUnitId')} options={p.units} empty={w(l, 'none')} />
          <Select s={p.route} name="routeOrganisationId" label={c(l, 'routeOrganisationId')} options={p.orgs} empty={w(l, 'none')} />
          <button type="submit" class="primary">
            {c(l, 'saveRoute')}
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}
