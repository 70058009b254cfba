import { render } from 'preact-render-to-string';
import type { MailMessage } from '../../platform/mail/index.js';
import { agree, type CaseKind } from './cases.policy.js';

interface ConfirmationData {
  to: string;
  lang: 'bg' | 'en';
  kind: CaseKind;
  number: string;
  /** The registration moment as written in the email (the register statement fills it in from the database's clock). */
  registeredAt: string;
  category: string;
  type: string;
  privateUrl: string;
  publicUrl: string;
  /**
   * Whom to greet by name: only the owner of a verified address (a signed-in person's own email).
   * To an address nobody verified the greeting is plain, so the form cannot put words of the
   * sender's choosing ("Prize Dept") at the top of an email from the Municipality (issue 11).
   */
  name: string | null;
}

const TEXT = {
  bg: {
    subject: (k: CaseKind, n: string) => `${k === 'signal' ? 'Сигналът Ви' : 'Въпросът Ви'} е регистриран с номер ${n}`,
    hello: (name: string | null) => (name ? `Здравейте, ${name},` : 'Здравейте,'),
    body: (k: CaseKind) =>
      `${k === 'signal' ? 'Вашият сигнал' : 'Вашето искане за информация'} е ${agree(k, 'регистриран')} в Контактния център на Столична община.`,
    number: 'Входящ номер',
    date: 'Дата на регистрация',
    about: 'Относно',
    privateLink: 'Лична връзка за проследяване (не я споделяйте – показва и Вашите данни):',
    publicLink: 'Публична страница:',
    bye: 'Контактен център на Столична община · 0700 17 310',
  },
  en: {
    subject: (k: CaseKind, n: string) => `Your ${k === 'signal' ? 'signal' : 'question'} is registered as ${n}`,
    hello: (name: string | null) => (name ? `Dear ${name},` : 'Hello,'),
    body: (k: CaseKind) => `Your ${k === 'signal' ? 'signal' : 'information request'} has been registered by Sofia Municipality's Contact Center.`,
    number: 'Registration number',
    date: 'Registered on',
    about: 'About',
    privateLink: 'Your private tracking link (do not share it: it also shows your contact data):',
    publicLink: 'Public page:',
    bye: 'Sofia Municipality Contact Center · +359 700 17 310',
  },
};

/** The confirmation email with the number and the private link (CC-3, CC-4). */
export function confirmationMail(d: ConfirmationData): MailMessage {
  const t = TEXT[d.lang];
  const when = d.registeredAt;
  const about = [d.category, d.type].filter(Boolean).join(' – ');
  const text = [
    t.hello(d.name),
    '',
    t.body(d.kind),
    '',
    `${t.number}: ${d.number}`,
    `${t.date}: ${when}`,
    `${t.about}: ${about}`,
    '',
    t.privateLink,
    d.privateUrl,
    '',
    t.publicLink,
    d.publicUrl,
    '',
    '--',
    t.bye,
  ].join('\n');
  const html =
    '<!doctype html>' +
    render(
      <html lang={d.lang}>
        <body style="font-family: sans-serif; line-height: 1.5">
          <p>{t.hello(d.name)}</p>
          <p>{t.body(d.kind)}</p>
          <table role="presentation">
            <tr><th align="left">{t.number}</th><td><strong>{d.number}</strong></td></tr>
            <tr><th align="left">{t.date}</th><td>{when}</td></tr>
            <tr><th align="left">{t.about}</th><td>{about}</td></tr>
          </table>
          <p>{t.privateLink}<br /><a href={d.privateUrl}>{d.privateUrl}</a></p>
          <p>{t.publicLink}<br /><a href={d.publicUrl}>{d.publicUrl}</a></p>
          <p style="color:#555">{t.bye}</p>
        </body>
      </html>,
    );
  return { to: d.to, subject: t.subject(d.kind, d.number), text, html, lang: d.lang, template: 'case-registered' };
}
