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

/**
 * Tells the owner that failed logins from one address were stopped for a while (AC-4). The lock
 * holds only for that address: the owner can still log in from any other, and a new password
 * lifts it everywhere. Sent at most once a day per account, however often the guessing relocks.
 */
export function lockedMail(d: { to: string; lang: Lang; username: string; minutes: number; resetUrl: string; quietHours: number }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-locked',
    subject: bg ? 'Неуспешни опити за вход в профила Ви' : 'Failed logins to your account',
    greeting: HELLO[d.lang],
    paragraphs: [
      bg
        ? `След многократни неуспешни опити за вход в профила „${d.username}“ входът от интернет адреса, от който са направени, е спрян за ${d.minutes} минути. От други адреси можете да влизате както обикновено.`
        : `After repeated failed logins to the account “${d.username}”, logins from the internet address they came from are stopped for ${d.minutes} minutes. You can log in from other addresses as usual.`,
      bg ? 'Ако не сте били Вие, някой може да се опитва да отгатне паролата Ви. Сменете я – новата парола премахва и спирането.' : 'If it was not you, someone may be trying to guess your password. Change it: a new password also lifts the stop.',
    ],
    link: { label: bg ? 'Нова парола' : 'New password', url: d.resetUrl },
    after: [bg ? `За нови такива опити няма да Ви пишем отново в следващите ${d.quietHours} часа.` : `We will not write again about further attempts in the next ${d.quietHours} hours.`],
  });
}

/**
 * To an address that already has an account (or had one until recently), when someone tries to
 * register with it or to make it another account's email. The page that person sees is the same
 * as for a free address (no account enumeration); the owner of the mailbox learns what happened.
 */
export function addressInUseMail(d: { to: string; lang: Lang; reason: 'register' | 'change'; reserved: boolean; baseUrl: string }): MailMessage {
  const bg = d.lang === 'bg';
  const tried =
    d.reason === 'register'
      ? bg
        ? 'Някой (вероятно Вие) се опита да регистрира нов профил в портала на Столична община с този имейл адрес.'
        : 'Someone (probably you) tried to register a new account on the Sofia Municipality portal with this email address.'
      : bg
        ? 'Някой (вероятно Вие) поиска този имейл адрес да стане имейлът на друг профил в портала на Столична община.'
        : 'Someone (probably you) asked for this email address to become the email of another account on the Sofia Municipality portal.';
  // A reserved address (an account closed or an email changed recently) cannot be used yet; one
  // that has an account points its owner to logging in. Either way nothing was created or changed.
  const paragraphs = d.reserved
    ? [tried, bg ? 'Адресът беше свързан с профил допреди скоро и засега не може да се използва за друг. Нищо не е променено.' : 'The address was linked to an account until recently and cannot be used for another one yet. Nothing was changed.']
    : [
        tried,
        bg ? 'С този адрес вече има профил, затова нищо не е създадено или променено.' : 'There is already an account with this address, so nothing was created or changed.',
        bg
          ? `Ако сте били Вие, влезте в профила си. Ако сте забравили потребителското си име, поискайте го на ${d.baseUrl}/forgot-username.`
          : `If it was you, log in to your account. If you forgot your username, ask for it at ${d.baseUrl}/forgot-username.`,
      ];
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-address-in-use',
    subject: bg ? 'Опит за използване на имейла Ви' : 'An attempt to use your email',
    greeting: HELLO[d.lang],
    paragraphs,
    ...(d.reserved ? {} : { link: { label: bg ? 'Забравена парола' : 'Forgotten password', url: `${d.baseUrl}/forgot-password` } }),
    after: [
      d.reserved
        ? bg
          ? 'Ако не сте били Вие, не правете нищо.'
          : 'If it was not you, do nothing.'
        : bg
          ? 'Ако не сте били Вие, не правете нищо – профилът Ви не е засегнат.'
          : 'If it was not you, do nothing: your account is not affected.',
    ],
  });
}

/** The undo link's label and validity, in the emails to the old address (issue 11). */
function undoLink(lang: Lang, url: string, days: number): { label: string; url: string } {
  return {
    label: lang === 'bg' ? `Не сте били Вие? Върнете стария имейл и прекратете всички сесии (връзката важи ${days} дни и само веднъж)` : `Not you? Restore the old email and end every session (the link works once, for ${days} days)`,
    url,
  };
}

/** A request to change the email: the link to the new address; to the old one, a warning with an undo link. */
export function emailChangeMail(d: { to: string; lang: Lang; url: string; toNew: boolean; newEmail: string; undoDays?: number }): MailMessage {
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
      bg ? 'Ако не сте били Вие, отворете връзката по-долу – тя отменя смяната и след като е направена – и след това сменете паролата си.' : 'If it was not you, open the link below (it undoes the change also after it took effect), then change your password.',
    ],
    link: undoLink(d.lang, d.url, d.undoDays ?? 7),
  });
}

/** Tells the old address that the email was changed, with the link that undoes it. */
export function emailChangedMail(d: { to: string; lang: Lang; newEmail: string; undoUrl: string; undoDays: number }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-email-changed',
    subject: bg ? 'Имейлът на профила Ви е сменен' : 'Your account’s email was changed',
    greeting: HELLO[d.lang],
    paragraphs: [bg ? `Имейлът на профила Ви вече е ${d.newEmail}. Писмата ще пристигат там.` : `Your account’s email is now ${d.newEmail}. Emails will go there.`],
    link: undoLink(d.lang, d.undoUrl, d.undoDays),
  });
}

/** After the undo link was used: the old address is the account's again; change the password. */
export function emailRestoredMail(d: { to: string; lang: Lang; resetUrl: string }): MailMessage {
  const bg = d.lang === 'bg';
  return noticeMail({
    to: d.to,
    lang: d.lang,
    template: 'account-email-restored',
    subject: bg ? 'Имейлът на профила Ви е възстановен' : 'Your account’s email is restored',
    greeting: HELLO[d.lang],
    paragraphs: [
      bg ? 'По Ваше искане имейлът на профила Ви отново е този адрес, а всички сесии на профила са прекратени.' : 'As you asked, your account’s email is this address again, and every session of the account has ended.',
      bg ? 'Който е сменил имейла, вероятно знае паролата Ви. Задайте нова парола веднага.' : 'Whoever changed the email probably knows your password. Set a new password now.',
    ],
    link: { label: bg ? 'Задайте нова парола' : 'Set a new password', url: d.resetUrl },
  });
}
