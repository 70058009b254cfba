import type { VNode } from 'preact';
import type { ErrorCode, Lang } from '../../platform/errors/index.js';
import type { PageCtx } from '../../platform/web/layout.js';
import { CsrfField } from '../../platform/web/form.js';
import { REFERENCE_MAX, SWAP_MAX, SWAP_MIN, type SwapRow } from './admin.calendar.js';
import { AdminLayout, Done, Errors, Select, TextInput, isWord, w, when, type FormState } from './admin.views.js';

/** The calendar page's own words (NF-1). */
const K = {
  calendar: { bg: 'Календар на работните дни', en: 'Working-day calendar' },
  lead: {
    bg: 'Официалните празници се изчисляват по чл. 154 от Кодекса на труда (Великден – по православния календар); празник в събота или неделя се прехвърля на първия работен ден след него. Тук се въвеждат само промените, решени от Министерския съвет: събота, обявена за работна (отработване), или делничен ден, обявен за неработен. Срокове по всички документи се изчисляват по този календар от момента на записа.',
    en: 'Public holidays are computed under art. 154 of the Labour Code (Easter by the Orthodox calendar); a holiday on a Saturday or Sunday moves to the first working day after it. Only the Council of Ministers’ changes are entered here: a Saturday made a working day, or a weekday made a non-working day. Every document’s deadlines are counted by this calendar from the moment a change is saved.',
  },
  year: { bg: 'Година', en: 'Year' },
  showYear: { bg: 'Покажи', en: 'Show' },
  prevYear: { bg: '← {y}', en: '← {y}' },
  nextYear: { bg: '{y} →', en: '{y} →' },
  holidays: { bg: 'Официални празници през {y} г.', en: 'Public holidays in {y}' },
  holidaysNote: { bg: '„(прехвърлен)“: празник, паднал се в събота или неделя, се почива в този ден (чл. 154, ал. 2 КТ).', en: '“(moved)”: a holiday that fell on a Saturday or Sunday is taken on this day (Labour Code art. 154(2)).' },
  date: { bg: 'Дата', en: 'Date' },
  holiday: { bg: 'Празник', en: 'Holiday' },
  workingSaturdays: { bg: 'Работни съботи през {y} г.', en: 'Working Saturdays in {y}' },
  noWorkingSaturdays: { bg: 'Няма събота, обявена за работна.', en: 'No Saturday is made a working day.' },
  swaps: { bg: 'Промени с решение на Министерския съвет през {y} г.', en: 'Council of Ministers’ changes in {y}' },
  noSwaps: { bg: 'Няма въведени промени за тази година.', en: 'No changes are entered for this year.' },
  kind: { bg: 'Вид', en: 'Kind' },
  reference: { bg: 'Акт', en: 'Act' },
  referenceHint: { bg: 'Решението, с което е обявена промяната, напр. „РМС № 123/2026“.', en: 'The decision that made the change, e.g. “РМС № 123/2026”.' },
  enteredBy: { bg: 'Въведена от', en: 'Entered by' },
  'kind.working': { bg: 'Работен ден', en: 'Working day' },
  'kind.holiday': { bg: 'Неработен ден', en: 'Non-working day' },
  'kindOption.working': { bg: 'Работен ден (напр. събота за отработване)', en: 'Working day (e.g. a Saturday worked)' },
  'kindOption.holiday': { bg: 'Неработен ден (напр. ден между празници)', en: 'Non-working day (e.g. a bridge day)' },
  add: { bg: 'Нова промяна', en: 'New change' },
  addButton: { bg: 'Запиши промяната', en: 'Save the change' },
  day: { bg: 'Дата', en: 'Date' },
  dayHint: { bg: 'Между {min} и {max}.', en: 'Between {min} and {max}.' },
  remove: { bg: 'Премахни', en: 'Remove' },
  removeFor: { bg: 'промяната за {d}', en: 'the change for {d}' },
  added: { bg: 'Промяната е записана и важи веднага.', en: 'The change is saved and applies at once.' },
  removed: { bg: 'Промяната е премахната.', en: 'The change is removed.' },
} as const;

type KWord = keyof typeof K;

function k(lang: Lang, key: KWord, vars?: Record<string, string | number>): string {
  let s: string = K[key][lang];
  if (vars) for (const [n, v] of Object.entries(vars)) s = s.replaceAll(`{${n}}`, String(v));
  return s;
}

function label(lang: Lang) {
  return (field: string) => (field in K ? k(lang, field as KWord) : isWord(field) ? w(lang, field) : field);
}

// Days are plain dates: shown in UTC so that no offset can move them.
const LONG = {
  bg: new Intl.DateTimeFormat('bg-BG', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
};

/** A day for people: "неделя, 3 март 2024 г." / "Sunday 3 March 2024". */
export function dayText(lang: Lang, d: string): string {
  return LONG[lang].format(new Date(`${d}T00:00:00Z`));
}

const isSaturday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() === 6;

/** /admin/calendar: a year's holidays and working Saturdays, the swaps with their acts, and a form to add one. */
export function CalendarPage(p: {
  ctx: PageCtx;
  year: number;
  holidays: { day: string; name: string; moved: boolean }[];
  swaps: SwapRow[];
  s: FormState;
  formError?: ErrorCode;
  done?: 'added' | 'removed';
}): VNode {
  const l = p.ctx.lang;
  const y = p.year;
  const saturdays = p.swaps.filter((x) => x.kind === 'working' && isSaturday(x.day));
  return (
    <AdminLayout ctx={p.ctx} title={k(l, 'calendar')}>
      {p.done && <Done text={k(l, p.done)} />}
      <p class="lead">{k(l, 'lead')}</p>
      <form method="get" action="/admin/calendar" class="filters">
        <fieldset>
          <legend>{k(l, 'year')}</legend>
          {y > 2000 && (
            <a class="button" href={`/admin/calendar?year=${y - 1}`}>
              {k(l, 'prevYear', { y: y - 1 })}
            </a>
          )}{' '}
          <label for="year" class="visually-hidden">
            {k(l, 'year')}
          </label>
          <select id="year" name="year">
            {Array.from({ length: 101 }, (_, i) => 2000 + i).map((v) => (
              <option value={String(v)} selected={v === y}>
                {v}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{k(l, 'showYear')}</button>{' '}
          {y < 2100 && (
            <a class="button" href={`/admin/calendar?year=${y + 1}`}>
              {k(l, 'nextYear', { y: y + 1 })}
            </a>
          )}
        </fieldset>
      </form>

      <section aria-labelledby="holidays-h">
        <h2 id="holidays-h">{k(l, 'holidays', { y })}</h2>
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{k(l, 'date')}</th>
                <th scope="col">{k(l, 'holiday')}</th>
              </tr>
            </thead>
            <tbody>
              {p.holidays.map((h) => (
                <tr>
                  <td>
                    <time dateTime={h.day}>{dayText(l, h.day)}</time>
                  </td>
                  <td>{h.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="hint">{k(l, 'holidaysNote')}</p>
      </section>

      <section aria-labelledby="saturdays-h">
        <h2 id="saturdays-h">{k(l, 'workingSaturdays', { y })}</h2>
        {saturdays.length === 0 ? (
          <p>{k(l, 'noWorkingSaturdays')}</p>
        ) : (
          <ul>
            {saturdays.map((x) => (
              <li>
                <time dateTime={x.day}>{dayText(l, x.day)}</time> – {x.reference}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="swaps-h">
        <h2 id="swaps-h">{k(l, 'swaps', { y })}</h2>
        {p.swaps.length === 0 ? (
          <p>{k(l, 'noSwaps')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{k(l, 'date')}</th>
                  <th scope="col">{k(l, 'kind')}</th>
                  <th scope="col">{k(l, 'reference')}</th>
                  <th scope="col">{k(l, 'enteredBy')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{k(l, 'remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.swaps.map((x) => (
                  <tr>
                    <td>
                      <time dateTime={x.day}>{dayText(l, x.day)}</time>
                    </td>
                    <td>{k(l, `kind.${x.kind}`)}</td>
                    <td>{x.reference}</td>
                    <td>
                      {x.createdBy ?? '—'}, {when(l, x.createdAt)}
                    </td>
                    <td>
                      <form method="post" action={`/admin/calendar/swaps/${x.day}/remove`}>
                        <CsrfField ctx={p.ctx} />
                        <button type="submit" class="danger">
                          {k(l, 'remove')} <span class="visually-hidden">{k(l, 'removeFor', { d: dayText(l, x.day) })}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="add-h" class="narrow">
        <h2 id="add-h">{k(l, 'add')}</h2>
        <Errors s={p.s} formError={p.formError} label={label(l)} />
        <form method="post" action="/admin/calendar">
          <CsrfField ctx={p.ctx} />
          <TextInput s={p.s} name="day" label={k(l, 'day')} hint={k(l, 'dayHint', { min: SWAP_MIN, max: SWAP_MAX })} type="date" required />
          <Select
            s={p.s}
            name="kind"
            label={k(l, 'kind')}
            required
            empty={w(l, 'choose')}
            options={[
              { value: 'working', label: k(l, 'kindOption.working') },
              { value: 'holiday', label: k(l, 'kindOption.holiday') },
            ]}
          />
          <TextInput s={p.s} name="reference" label={k(l, 'reference')} hint={k(l, 'referenceHint')} required maxLength={REFERENCE_MAX} />
          <button type="submit" class="primary">
            {k(l, 'addButton')}
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}
