import type { VNode } from 'preact';
import type { Lang } from '../../platform/errors/index.js';
import { formatDate } from '../../platform/i18n/index.js';
import { endOfSofiaDay, type Day } from '../../platform/calendar/index.js';
import type { ClockLine } from './deadlines.present.js';

/*
 * The view pieces of the legal clocks (issue 12) that several pages share: a due date, the state of
 * a clock in words, and the list of a case's clocks with their legal sources as plain text lines.
 */

const W = {
  legal: { bg: 'законов срок', en: 'legal deadline' },
  internal: { bg: 'вътрешен срок', en: 'internal target' },
  due: { bg: 'Срок', en: 'Due' },
  running: { bg: 'тече', en: 'running' },
  overdue: { bg: 'просрочен', en: 'overdue' },
  paused: { bg: 'спрян', en: 'suspended' },
  pausedClarification: { bg: 'спрян за уточнение', en: 'suspended for a clarification' },
  pausedSince: { bg: 'от {date}', en: 'since {date}' },
  extended: { bg: 'удължен с {n} дни', en: 'extended by {n} days' },
  extended1: { bg: 'удължен с 1 ден', en: 'extended by 1 day' },
  onTime: { bg: 'приключен навреме', en: 'met on time' },
  late: { bg: 'приключен със закъснение', en: 'met late' },
  waiting: { bg: 'още не тече', en: 'not started yet' },
  expired: { bg: 'изтекъл', en: 'expired' },
  today: { bg: 'изтича днес', en: 'ends today' },
  leftCal: { bg: 'остават {n} дни', en: '{n} days left' },
  leftCal1: { bg: 'остава 1 ден', en: '1 day left' },
  leftWork: { bg: 'остават {n} работни дни', en: '{n} working days left' },
  leftWork1: { bg: 'остава 1 работен ден', en: '1 working day left' },
  leftHours: { bg: 'остават {n} ч.', en: '{n} h left' },
  lateCal: { bg: '{n} дни закъснение', en: '{n} days late' },
  lateCal1: { bg: '1 ден закъснение', en: '1 day late' },
  lateWork: { bg: '{n} работни дни закъснение', en: '{n} working days late' },
  lateWork1: { bg: '1 работен ден закъснение', en: '1 working day late' },
  lateHours: { bg: '{n} ч. закъснение', en: '{n} h late' },
  source: { bg: 'Основание: {source}', en: 'Legal basis: {source}' },
  ownTarget: { bg: 'Вътрешен срок на общината, без законово основание.', en: 'The Municipality’s own target, not a legal deadline.' },
  anonymousTarget: {
    bg: 'Вътрешен срок за работа на терен: по анонимен сигнал не се образува производство (чл. 111, ал. 4 АПК), затова законов срок не тече.',
    en: 'An internal target for field work: an anonymous signal opens no proceedings (чл. 111, ал. 4 АПК), so no legal deadline runs.',
  },
  none: { bg: 'За този документ не тече срок.', en: 'No deadline runs for this document.' },
} as const;
type Word = keyof typeof W;

function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A due date as Sofia reads it: 14.01.2027 г. / 14 Jan 2027. */
export function formatDay(day: Day, lang: Lang): string {
  return formatDate(endOfSofiaDay(day), lang);
}

/** The words for the state of a clock: тече, просрочен, спрян за уточнение, приключен навреме … */
export function clockState(c: ClockLine, lang: Lang): string {
  switch (c.state) {
    case 'running':
      return w(lang, c.overdue ? 'overdue' : 'running');
    case 'paused':
      return w(lang, c.awaitsClarification ? 'pausedClarification' : 'paused');
    case 'stopped':
      return w(lang, c.onTime === false ? 'late' : 'onTime');
    case 'waiting':
      return w(lang, 'waiting');
    case 'expired':
      return w(lang, 'expired');
  }
}

/** What is left of a running clock (or how late it is), in the units it counts in. */
export function timeLeft(c: ClockLine, lang: Lang): string | null {
  if (c.left === null) return null;
  const n = Math.abs(c.left);
  if (c.counts === 'hours') return w(lang, c.left >= 0 ? 'leftHours' : 'lateHours', { n });
  if (c.left === 0) return w(lang, 'today');
  const work = c.counts === 'working_days';
  if (c.left > 0) return n === 1 ? w(lang, work ? 'leftWork1' : 'leftCal1') : w(lang, work ? 'leftWork' : 'leftCal', { n });
  return n === 1 ? w(lang, work ? 'lateWork1' : 'lateCal1') : w(lang, work ? 'lateWork' : 'lateCal', { n });
}

/** The "просрочен" mark of a list row: a word, never a colour alone. */
export function OverdueBadge({ lang }: { lang: Lang }): VNode {
  return <span class="badge overdue">{w(lang, 'overdue')}</span>;
}

/** One clock: its name, legal or internal, due date, time left, state, and its legal source as a line of text. */
export function ClockItem({ c, lang }: { c: ClockLine; lang: Lang }): VNode {
  const left = timeLeft(c, lang);
  const facts: string[] = [];
  if (left) facts.push(left);
  if (c.extendedDays > 0) facts.push(c.extendedDays === 1 ? w(lang, 'extended1') : w(lang, 'extended', { n: c.extendedDays }));
  return (
    <li class={`clock clock-${c.state}${c.overdue ? ' clock-overdue' : ''}`} data-clock={c.code}>
      <strong>{c.label[lang]}</strong> <span class="muted">({w(lang, c.legal ? 'legal' : 'internal')})</span>
      <br />
      {c.dueOn && (c.state === 'running' || c.state === 'paused' || c.state === 'stopped' || c.state === 'expired') && (
        <>
          {w(lang, 'due')}: <time dateTime={c.dueOn}>{formatDay(c.dueOn, lang)}</time> ·{' '}
        </>
      )}
      {c.overdue ? <OverdueBadge lang={lang} /> : <span class="clock-state">{clockState(c, lang)}</span>}
      {c.state === 'paused' && c.pausedAt && <> {w(lang, 'pausedSince', { date: formatDate(c.pausedAt, lang) })}</>}
      {facts.length > 0 && <> · {facts.join(' · ')}</>}
      <br />
      <span class="clock-source">{c.legal ? w(lang, 'source', { source: c.source }) : w(lang, c.anonymousTarget ? 'anonymousTarget' : 'ownTarget')}</span>
    </li>
  );
}

/** Every clock of a case, or a sentence saying none runs. */
export function ClockList({ clocks, lang }: { clocks: ClockLine[]; lang: Lang }): VNode {
  if (!clocks.length) return <p class="muted">{w(lang, 'none')}</p>;
  return (
    <ul class="clocks">
      {clocks.map((c) => (
        <ClockItem c={c} lang={lang} />
      ))}
    </ul>
  );
}
