import type { MailMessage } from '../../platform/mail/index.js';
import { noticeMail } from '../../platform/mail/notice.js';

/*
 * The emails of the legal clocks (issue 12). Reminders, escalations and the digest go to staff
 * only, and still carry no more than the work needs: the registration number, the clock with its
 * legal source, the due date and the staff link — never the submitter's name, contacts or text,
 * nor the subject (it may name people). The one email to a submitter (left without consideration)
 * names the document and the law, as the other status emails do.
 */

type Lang = 'bg' | 'en';

/** The reminder and escalation steps, in the order a clock meets them. */
export type ReminderStep = 'before' | 'due' | 'overdue';

/** One document in a staff email about deadlines. */
export interface DeadlineItem {
  number: string;
  /** The clock's label in the reader's language, and its legal source ('' for an internal target). */
  clock: string;
  source: string;
  /** The due date as the reader reads dates ("16.12.2026 г."). */
  due: string;
  /** The unit that handles it (escalations name it: the reader is above it). */
  unit: string;
  url: string;
  overdue?: boolean;
  /** The reader is its handler (the digest marks it). */
  mine?: boolean;
}

function greeting(lang: Lang, firstName: string | null): string {
  const name = firstName?.trim();
  if (lang === 'bg') return name ? `Здравейте, ${name},` : 'Здравейте,';
  return name ? `Dear ${name},` : 'Hello,';
}

/** "№ … – Решение по заявлението (чл. 28, ал. 1 ЗДОИ), срок 16.12.2026 г." */
function line(lang: Lang, it: DeadlineItem, withUnit: boolean): string {
  const bg = lang === 'bg';
  const what = it.source ? `${it.clock} (${it.source})` : it.clock;
  const unit = withUnit ? (bg ? `, ${it.unit}` : `, ${it.unit}`) : '';
  const flags = [it.overdue ? (bg ? 'просрочен' : 'overdue') : null, it.mine ? (bg ? 'възложен на Вас' : 'assigned to you') : null].filter(Boolean);
  const mark = flags.length ? ` [${flags.join(', ')}]` : '';
  return `${bg ? '№' : 'No.'} ${it.number}${unit} – ${what}, ${bg ? 'срок' : 'due'} ${it.due}${mark}: ${it.url}`;
}

const INTRO: Record<ReminderStep, { bg: (n: number) => string; en: (n: number) => string }> = {
  before: {
    bg: (n) => (n === 1 ? 'Срокът по следния документ изтича до два работни дни:' : `Срокът по следните ${n} документа изтича до два работни дни:`),
    en: (n) => (n === 1 ? 'The deadline of this document ends within two working days:' : `The deadlines of these ${n} documents end within two working days:`),
  },
  due: {
    bg: (n) => (n === 1 ? 'Срокът по следния документ на Вашето звено изтича днес:' : `Срокът по следните ${n} документа на Вашето звено изтича днес:`),
    en: (n) => (n === 1 ? 'The deadline of this document of your unit ends today:' : `The deadlines of these ${n} documents of your unit end today:`),
  },
  overdue: {
    bg: (n) => (n === 1 ? 'Срокът по следния документ е изтекъл, без да е изпълнен. Съобщаваме Ви като ръководител на звеното или на звеното над него:' : `Сроковете по следните ${n} документа са изтекли, без да са изпълнени. Съобщаваме Ви като ръководител на звеното или на звеното над него:`),
    en: (n) => (n === 1 ? 'The deadline of this document has passed unmet. You are told as a manager of its unit or of the unit above it:' : `The deadlines of these ${n} documents have passed unmet. You are told as a manager of their unit or of the unit above it:`),
  },
};

const SUBJECT: Record<ReminderStep, { bg: (x: string) => string; en: (x: string) => string }> = {
  before: { bg: (x) => `Наближава срок: ${x}`, en: (x) => `Deadline approaching: ${x}` },
  due: { bg: (x) => `Срокът изтича днес: ${x}`, en: (x) => `Due today: ${x}` },
  overdue: { bg: (x) => `Просрочен срок: ${x}`, en: (x) => `Overdue: ${x}` },
};

/** A reminder (before, on the due date) or an escalation (the day after) to one member of staff, for one or more documents. */
export function reminderMail(d: { to: string; lang: Lang; firstName: string | null; step: ReminderStep; items: DeadlineItem[] }): MailMessage {
  const bg = d.lang === 'bg';
  const n = d.items.length;
  const what = n === 1 ? `№ ${d.items[0]!.number}` : bg ? `${n} документа` : `${n} documents`;
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: `deadline-${d.step}`,
    subject: SUBJECT[d.step][d.lang](what),
    greeting: greeting(d.lang, d.firstName),
    paragraphs: [INTRO[d.step][d.lang](n), ...d.items.map((it) => line(d.lang, it, d.step === 'overdue'))],
    link: n === 1 ? { label: bg ? 'Отворете документа' : 'Open the document', url: d.items[0]!.url } : undefined,
  });
}

/** The daily digest of one person: their unit's open documents due in the next seven days, and the overdue ones. */
export function digestMail(d: { to: string; lang: Lang; firstName: string | null; items: DeadlineItem[]; more: number; inboxUrl: string; accountUrl: string }): MailMessage {
  const bg = d.lang === 'bg';
  const total = d.items.length + d.more;
  const overdue = d.items.filter((i) => i.overdue).length;
  const late = overdue ? (bg ? `, ${overdue} просрочен${overdue === 1 ? '' : 'и'}` : `, ${overdue} overdue`) : '';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'deadline-digest',
    subject: bg ? `Срокове за седмицата: ${total} ${total === 1 ? 'документ' : 'документа'}${late}` : `Deadlines this week: ${total} document${total === 1 ? '' : 's'}${late}`,
    greeting: greeting(d.lang, d.firstName),
    paragraphs: [
      bg ? 'Отворени документи на Вашето звено със срок през следващите 7 дни или с изтекъл срок:' : 'Open documents of your unit due in the next 7 days or overdue:',
      ...d.items.map((it) => line(d.lang, it, false)),
      ...(d.more ? [bg ? `… и още ${d.more}.` : `… and ${d.more} more.`] : []),
    ],
    link: { label: bg ? 'Входяща поща на звеното' : 'Unit inbox', url: d.inboxUrl },
    after: [bg ? `Можете да спрете ежедневното резюме от профила си: ${d.accountUrl}` : `You can stop the daily digest in your account: ${d.accountUrl}`],
  });
}

/** To the submitter: the request was left without consideration (ЗДОИ art. 29(2)). */
export function leftWithoutConsiderationMail(d: { to: string; lang: Lang; kind: string; number: string; statusLabel: string; reason: string; url: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'case-left-without-consideration',
    subject: bg ? `Промяна по ${d.kind} ${d.number}` : `Update on ${d.kind} ${d.number}`,
    greeting: bg ? 'Здравейте,' : 'Hello,',
    paragraphs: [`${bg ? 'Нов статус' : 'New status'}: ${d.statusLabel}`, `${bg ? 'Основание' : 'Reason'}: ${d.reason}`],
    link: { label: bg ? 'Вижте документа' : 'See the document', url: d.url },
  });
}
