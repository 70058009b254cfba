import type { VNode } from 'preact';
import type { Lang } from '../../platform/errors/index.js';
import type { PageCtx } from '../../platform/web/layout.js';
import type { AuditFilter } from './admin.audit.js';
import { AUDIT_PAGE, CSV_MAX_ROWS } from './admin.audit.js';
import { AdminLayout, TextInput, w, when, type FormState } from './admin.views.js';

/** The audit pages' own words (NF-1). */
const A = {
  lead: {
    bg: 'Всяка промяна по документи и права: кой, кога, какво, преди и след. Записите не се променят и не се изтриват.',
    en: 'Every change to documents and rights: who, when, what, before and after. Records are never changed or deleted.',
  },
  filters: { bg: 'Филтър', en: 'Filter' },
  entity: { bg: 'Обект', en: 'Entity' },
  entityHint: { bg: 'напр. case, user, unit, case_type', en: 'e.g. case, user, unit, case_type' },
  entityId: { bg: 'Номер на обекта', en: 'Entity id' },
  actor: { bg: 'Потребителско име на извършителя', en: 'Actor’s username' },
  action: { bg: 'Действие', en: 'Action' },
  actionHint: { bg: 'напр. staff.update, user.suspend, type.route', en: 'e.g. staff.update, user.suspend, type.route' },
  from: { bg: 'От дата', en: 'From date' },
  to: { bg: 'До дата (включително)', en: 'To date (inclusive)' },
  show: { bg: 'Покажи', en: 'Show' },
  clear: { bg: 'Изчисти', en: 'Clear' },
  csv: { bg: 'Изтегли като CSV', en: 'Download as CSV' },
  csvHint: { bg: 'Записите по филтъра, най-много {max} реда.', en: 'The filtered records, at most {max} rows.' },
  none: { bg: 'Няма записи по този филтър.', en: 'No records match this filter.' },
  at: { bg: 'Кога', en: 'When' },
  who: { bg: 'Кой', en: 'Who' },
  what: { bg: 'Какво', en: 'What' },
  before: { bg: 'Преди', en: 'Before' },
  after: { bg: 'След', en: 'After' },
  newer: { bg: '← По-нови', en: '← Newer' },
  older: { bg: 'По-стари →', en: 'Older →' },
  newest: { bg: 'Най-новите', en: 'Newest' },
  perPage: { bg: 'По {n} записа на страница, най-новите първи.', en: '{n} records per page, newest first.' },
} as const;

type AWord = keyof typeof A;

function a(lang: Lang, key: AWord, vars?: Record<string, string | number>): string {
  let s: string = A[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A record as the page shows it. */
export interface AuditRow {
  id: number;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  ip: string | null;
}

function Json({ v }: { v: unknown }): VNode {
  if (v === null || v === undefined) return <span class="muted">—</span>;
  return <pre class="json">{JSON.stringify(v, null, 2)}</pre>;
}

/** The filter as a query string, for the pager and the CSV link. */
export function filterQuery(f: AuditFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, String(v));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** /admin/audit: the filtered log, a page at a time, with a CSV export of the same filter. */
export function AuditPage({ ctx, filter, rows, older, newer, paged }: { ctx: PageCtx; filter: AuditFilter; rows: AuditRow[]; older: number | null; newer: number | null; paged: boolean }): VNode {
  const l = ctx.lang;
  const s: FormState = { lang: l, values: { ...filter }, issues: [] };
  const lang = l === 'bg' ? 'bg-BG' : 'en-GB';
  return (
    <AdminLayout ctx={ctx} title={w(l, 'audit')}>
      <p class="lead">{a(l, 'lead')}</p>
      <form method="get" action="/admin/audit" class="audit-filters">
        <fieldset>
          <legend>{a(l, 'filters')}</legend>
          <div class="audit-grid">
            <TextInput s={s} name="entity" label={a(l, 'entity')} hint={a(l, 'entityHint')} maxLength={100} />
            <TextInput s={s} name="entityId" label={a(l, 'entityId')} maxLength={200} />
            <TextInput s={s} name="actor" label={a(l, 'actor')} maxLength={254} />
            <TextInput s={s} name="action" label={a(l, 'action')} hint={a(l, 'actionHint')} maxLength={100} />
            <TextInput s={s} name="from" label={a(l, 'from')} type="date" />
            <TextInput s={s} name="to" label={a(l, 'to')} type="date" />
          </div>
          <div class="cta">
            <button type="submit">{a(l, 'show')}</button>
            <a class="button" href="/admin/audit">
              {a(l, 'clear')}
            </a>
          </div>
        </fieldset>
      </form>
      <p>
        <a href={`/admin/audit.csv${filterQuery(filter)}`} download>
          {a(l, 'csv')}
        </a>{' '}
        <span class="muted">{a(l, 'csvHint', { max: CSV_MAX_ROWS.toLocaleString(lang) })}</span>
      </p>
      <p class="muted">{a(l, 'perPage', { n: AUDIT_PAGE })}</p>
      {rows.length === 0 ? (
        <p>{a(l, 'none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list audit">
            <thead>
              <tr>
                <th scope="col">{a(l, 'at')}</th>
                <th scope="col">{a(l, 'who')}</th>
                <th scope="col">{a(l, 'what')}</th>
                <th scope="col">{a(l, 'before')}</th>
                <th scope="col">{a(l, 'after')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr id={`a${r.id}`}>
                  <td>
                    {when(l, r.at)}
                    <br />
                    <span class="muted">#{r.id}</span>
                  </td>
                  <td>
                    {r.actorLabel}
                    {r.ip && (
                      <>
                        <br />
                        <span class="muted">{r.ip}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <code>{r.action}</code>
                    <br />
                    <a href={`/admin/audit${filterQuery({ entity: r.entity, entityId: r.entityId })}`}>
                      {r.entity} {r.entityId}
                    </a>
                  </td>
                  <td>
                    <Json v={r.before} />
                  </td>
                  <td>
                    <Json v={r.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(older !== null || newer !== null || paged) && (
        <nav class="pager" aria-label={w(l, 'audit')}>
          {paged && <a href={`/admin/audit${filterQuery(filter)}`}>{a(l, 'newest')}</a>}
          {newer !== null && <a href={`/admin/audit${filterQuery(filter, { after: String(newer) })}`}>{a(l, 'newer')}</a>}
          {older !== null && <a href={`/admin/audit${filterQuery(filter, { before: String(older) })}`}>{a(l, 'older')}</a>}
        </nav>
      )}
    </AdminLayout>
  );
}
