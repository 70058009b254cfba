import type { MailMessage } from '../../platform/mail/index.js';
import { noticeMail } from '../../platform/mail/notice.js';

type Lang = 'bg' | 'en';
const HELLO = { bg: 'Здравейте,', en: 'Hello,' };

/** The link that confirms a new account's email (AC-2). */
export function verifyMail(d: { to: string; lang: Lang; url: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-verify',
    subject: bg ? 'Потвърдете имейла си – Столична община' : 'Confirm your email – Sofia Municipality',
    greeting: HELLO[d.lang],
    paragraphs: [bg ? 'Получихме заявка за регистрация на профил в портала на Столична община с този имейл адрес.' : 'We received a request to register an account on the Sofia Municipality portal with this email address.'],
    link: { label: bg ? 'Потвърдете имейла (връзката важи 24 часа)' : 'Confirm the email (the link is valid for 24 hours)', url: d.url },
    after: [bg ? 'Ако не сте се регистрирали Вие, не правете нищо – профилът няма да бъде активиран.' : 'If you did not register, do nothing: the account will not be activated.'],
  });
}

/** The single-use, one-hour password reset link (AC-3). */
export function resetMail(d: { to: string; lang: Lang; url: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-reset',
    subject: bg ? 'Нова парола – Столична община' : 'New password – Sofia Municipality',
    greeting: HELLO[d.lang],
    paragraphs: [bg ? 'Някой (вероятно Вие) поиска нова парола за Вашия профил.' : 'Someone (probably you) asked for a new password for your account.'],
    link: { label: bg ? 'Задайте нова парола (връзката важи 1 час и само веднъж)' : 'Set a new password (the link works once, for 1 hour)', url: d.url },
    after: [bg ? 'Ако не сте били Вие, не правете нищо – паролата Ви остава същата.' : 'If it was not you, do nothing: your password stays the same.'],
  });
}

/** "Забравено потребителско име": the username, to the account's own address only. */
export function usernameMail(d: { to: string; lang: Lang; username: string; loginUrl: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-username',
    subject: bg ? 'Вашето потребителско име – Столична община' : 'Your username – Sofia Municipality',
    greeting: HELLO[d.lang],
    paragraphs: [bg ? `Потребителското Ви име е: ${d.username}` : `Your username is: ${d.username}`],
    link: { label: bg ? 'Вход' : 'Log in', url: d.loginUrl },
  });
}

/** Tells the owner that failed logins locked the account. */
export function lockedMail(d: { to: string; lang: Lang; username: string; minutes: number; resetUrl: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-locked',
    subject: bg ? 'Профилът Ви е временно заключен' : 'Your account is temporarily locked',
    greeting: HELLO[d.lang],
    paragraphs: [
      bg
        ? `След многократни неуспешни опити за вход профилът „${d.username}“ е заключен за ${d.minutes} минути.`
        : `After repeated failed logins the account “${d.username}” is locked for ${d.minutes} minutes.`,
      bg ? 'Ако не сте били Вие, някой може да се опитва да отгатне паролата Ви. Сменете я.' : 'If it was not you, someone may be trying to guess your password. Change it.',
    ],
    link: { label: bg ? 'Нова парола' : 'New password', url: d.resetUrl },
  });
}

/** A request to change the email: the link to the new address, a warning to the old one. */
export function emailChangeMail(d: { to: string; lang: Lang; url: string; toNew: boolean; newEmail: string }): MailMessage {
  const bg = d.lang === 'bg';
  if (d.toNew) {
    return noticeMail({
      to: d.to,
      lang: d.lang,
      template: 'account-email-change',
      subject: bg ? 'Потвърдете новия си имейл' : 'Confirm your new email',
      greeting: HELLO[d.lang],
      paragraphs: [bg ? 'Поискахте този адрес да стане имейлът на профила Ви в портала на Столична община.' : 'You asked for this address to become the email of your Sofia Municipality portal account.'],
      link: { label: bg ? 'Потвърдете (връзката важи 24 часа)' : 'Confirm (the link is valid for 24 hours)', url: d.url },
    });
  }
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-email-change-old',
    subject: bg ? 'Заявка за смяна на имейла на профила Ви' : 'A request to change your account’s email',
    greeting: HELLO[d.lang],
    paragraphs: [
      bg ? `Поискана е смяна на имейла на профила Ви на ${d.newEmail}. Адресът ще бъде сменен, след като новият бъде потвърден.` : `A change of your account’s email to ${d.newEmail} was requested. It takes effect once the new address is confirmed.`,
      bg ? 'Ако не сте били Вие, влезте и сменете паролата си.' : 'If it was not you, log in and change your password.',
    ],
    link: { label: bg ? 'Моят профил' : 'My account', url: d.url },
  });
}

/** Tells the old address that the email was changed. */
export function emailChangedMail(d: { to: string; lang: Lang; newEmail: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-email-changed',
    subject: bg ? 'Имейлът на профила Ви е сменен' : 'Your account’s email was changed',
    greeting: HELLO[d.lang],
    paragraphs: [bg ? `Имейлът на профила Ви вече е ${d.newEmail}. Писмата ще пристигат там.` : `Your account’s email is now ${d.newEmail}. Emails will go there.`],
  });
}
