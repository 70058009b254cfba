import type { VNode } from 'preact';
import type { ErrorCode, FieldIssue, Lang } from '../../platform/errors/index.js';
import { errorMessage } from '../../platform/errors/index.js';
import { Layout, type PageCtx } from '../../platform/web/layout.js';
import { ErrorSummary, Field, HumanCheck, CsrfField } from '../../platform/web/form.js';
import type { SessionUser } from '../../platform/auth/index.js';

/** The accounts pages' words in both languages (NF-1). */
const W = {
  registerTitle: { bg: 'Регистрация на нов потребител', en: 'Register a new user' },
  registerLead: {
    bg: 'Профилът не е нужен за сигнали и въпроси. С него подавате писма, жалби, предложения и заявления за достъп до обществена информация, следите сигналите си и се абонирате за чужди.',
    en: 'You do not need an account for signals and questions. With one you can send letters, complaints, proposals and public-information requests, follow your signals and subscribe to others.',
  },
  username: { bg: 'Потребителско име', en: 'Username' },
  usernameHint: { bg: '3 до 30 латински букви, цифри, точки или долни черти', en: '3 to 30 Latin letters, digits, dots or underscores' },
  password: { bg: 'Парола', en: 'Password' },
  passwordHint: {
    bg: 'Поне 10 знака. Често използвани пароли не се приемат. Фраза от няколко думи е лесна за помнене и трудна за отгатване.',
    en: 'At least 10 characters. Common passwords are refused. A phrase of several words is easy to remember and hard to guess.',
  },
  password2: { bg: 'Повторете паролата', en: 'Repeat the password' },
  firstName: { bg: 'Име', en: 'First name' },
  lastName: { bg: 'Фамилия', en: 'Last name' },
  email: { bg: 'Имейл', en: 'Email' },
  emailHint: { bg: 'Ще Ви изпратим връзка за потвърждение.', en: 'We will send you a confirmation link.' },
  phone: { bg: 'Телефон', en: 'Phone' },
  address: { bg: 'Адрес (по желание)', en: 'Address (optional)' },
  locale: { bg: 'Език на писмата', en: 'Language of emails' },
  acceptTerms: { bg: 'Приемам общите условия за ползване и политиката за лични данни', en: 'I accept the terms of use and the personal data policy' },
  terms: { bg: 'Общи условия', en: 'Terms of use' },
  registerButton: { bg: 'Регистрация', en: 'Register' },
  honeypot: { bg: 'Не попълвайте това поле', en: 'Do not fill in this field' },
  errorsTitle: { bg: 'Моля, поправете следното', en: 'Please correct the following' },
  doneTitle: { bg: 'Проверете имейла си', en: 'Check your email' },
  doneText: {
    bg: 'Изпратихме писмо до {email} с връзка за потвърждение. Профилът ще може да се ползва, след като я отворите.',
    en: 'We sent an email to {email} with a confirmation link. The account can be used once you open it.',
  },
  resendTitle: { bg: 'Не е пристигнало писмо?', en: 'No email arrived?' },
  resendText: { bg: 'Проверете папката за нежелана поща или поискайте ново писмо.', en: 'Check the spam folder or ask for a new email.' },
  resendButton: { bg: 'Изпрати отново', en: 'Send again' },
  resent: { bg: 'Ако адресът е регистриран и още не е потвърден, изпратихме ново писмо.', en: 'If the address is registered and not yet confirmed, we sent a new email.' },
  verifiedTitle: { bg: 'Имейлът е потвърден', en: 'Email confirmed' },
  verifiedText: { bg: 'Профилът Ви е активен. Вече можете да влезете.', en: 'Your account is active. You can log in now.' },
  alreadyText: { bg: 'Този адрес вече е потвърден. Връзката не може да се използва повторно.', en: 'This address is already confirmed. The link cannot be used again.' },
  linkBadTitle: { bg: 'Връзката не е валидна', en: 'The link is not valid' },
  loginTitle: { bg: 'Вход', en: 'Log in' },
  loginLead: { bg: 'Влезте с потребителското си име или имейл.', en: 'Log in with your username or email.' },
  loginNeeded: { bg: 'За да продължите, влезте в профила си.', en: 'Log in to continue.' },
  login: { bg: 'Потребителско име или имейл', en: 'Username or email' },
  loginButton: { bg: 'Вход', en: 'Log in' },
  forgotPassword: { bg: 'Забравена парола', en: 'Forgotten password' },
  forgotUsername: { bg: 'Забравено потребителско име', en: 'Forgotten username' },
  noAccount: { bg: 'Нямате профил?', en: 'No account?' },
  sessionNote: {
    bg: 'Сесията приключва след 60 минути без активност и при затваряне на браузъра.',
    en: 'The session ends after 60 minutes without activity and when the browser is closed.',
  },
  forgotPasswordLead: { bg: 'Въведете имейла на профила си. Ще получите връзка за нова парола, валидна 1 час.', en: 'Enter your account’s email. You will receive a link for a new password, valid for 1 hour.' },
  forgotUsernameLead: { bg: 'Въведете имейла на профила си. Ще Ви изпратим потребителското име.', en: 'Enter your account’s email. We will send you the username.' },
  send: { bg: 'Изпрати', en: 'Send' },
  sentTitle: { bg: 'Проверете имейла си', en: 'Check your email' },
  sentText: {
    bg: 'Ако има профил с този имейл, изпратихме писмо до него. Ако не получите писмо в следващите минути, проверете адреса и папката за нежелана поща.',
    en: 'If there is an account with this email, we sent a message to it. If nothing arrives in the next minutes, check the address and the spam folder.',
  },
  resetTitle: { bg: 'Нова парола', en: 'New password' },
  resetButton: { bg: 'Запази новата парола', en: 'Save the new password' },
  resetDone: { bg: 'Паролата е сменена. Всички сесии на профила са прекратени – влезте с новата парола.', en: 'The password is changed. Every session of the account has ended: log in with the new password.' },
  accountTitle: { bg: 'Моят профил', en: 'My account' },
  profile: { bg: 'Обновяване на профил', en: 'Update profile' },
  save: { bg: 'Запази', en: 'Save' },
  saved: { bg: 'Промените са запазени.', en: 'The changes are saved.' },
  emailPending: {
    bg: 'Изпратихме връзка до новия имейл. Адресът ще бъде сменен, след като я отворите; дотогава писмата идват на стария.',
    en: 'We sent a link to the new email. The address changes once you open it; until then emails go to the old one.',
  },
  emailChanged: { bg: 'Имейлът е сменен.', en: 'The email is changed.' },
  profilePassword: { bg: 'Текуща парола (нужна само при смяна на имейла)', en: 'Current password (needed only to change the email)' },
  undoTitle: { bg: 'Връщане на стария имейл', en: 'Restore the old email' },
  undoLead: {
    bg: 'Имейлът на профила Ви ще стане отново този, на който получихте връзката. Всяка започната смяна се отменя и всички сесии на профила се прекратяват – и тази на човека, който е направил смяната.',
    en: 'Your account’s email will again be the one that received this link. Any change in progress is cancelled and every session of the account ends, including that of whoever made the change.',
  },
  undoButton: { bg: 'Върни стария имейл', en: 'Restore the old email' },
  undoDone: {
    bg: 'Имейлът на профила Ви отново е {email}. Всички сесии на профила са прекратени.',
    en: 'Your account’s email is {email} again. Every session of the account has ended.',
  },
  undoChangePassword: {
    bg: 'Който е сменил имейла, вероятно знае паролата Ви. Задайте нова парола сега чрез „Забравена парола“ – изпратихме Ви и писмо.',
    en: 'Whoever changed the email probably knows your password. Set a new one now through “Forgotten password” – we also sent you an email.',
  },
  changePassword: { bg: 'Смяна на парола', en: 'Change password' },
  currentPassword: { bg: 'Текуща парола', en: 'Current password' },
  newPassword: { bg: 'Нова парола', en: 'New password' },
  newPassword2: { bg: 'Повторете новата парола', en: 'Repeat the new password' },
  passwordChanged: { bg: 'Паролата е сменена. Другите сесии на профила са прекратени.', en: 'The password is changed. Other sessions of the account have ended.' },
  closeTitle: { bg: 'Закриване на профила', en: 'Close the account' },
  closeLead: {
    bg: 'Личните Ви данни се изтриват веднага. Публичните Ви сигнали остават публични, без данни за Вас. Писмата и жалбите остават в деловодството, както изисква законът, без данните Ви за контакт. Абонаментите се прекратяват. Потребителското име и имейлът стават свободни след {days} дни.',
    en: 'Your personal data are erased at once. Your public signals stay public, without data about you. Letters and complaints stay in the register, as the law requires, without your contact data. Subscriptions end. The username and email become free after {days} days.',
  },
  closeConfirm: { bg: 'Въведете паролата си, за да потвърдите', en: 'Enter your password to confirm' },
  closeButton: { bg: 'Закрий профила окончателно', en: 'Close the account for good' },
  closedTitle: { bg: 'Профилът е закрит', en: 'The account is closed' },
  closedText: { bg: 'Личните Ви данни са изтрити. Благодарим, че ползвахте услугите на Столична община.', en: 'Your personal data are erased. Thank you for using Sofia Municipality’s services.' },
  userSince: { bg: 'Потребителско име', en: 'Username' },
  digestTitle: { bg: 'Известия за сроковете', en: 'Deadline emails' },
  deadlineDigest: { bg: 'Ежедневно резюме на сроковете', en: 'Daily summary of deadlines' },
  deadlineDigestHint: {
    bg: 'Всеки работен ден сутрин: отворените документи на звеното Ви със срок през следващите 7 дни и просрочените. Не се изпраща, когато няма такива. Напомнянията за отделни срокове идват независимо от него.',
    en: 'Every working day in the morning: the open documents of your unit due in the next 7 days and the overdue ones. Not sent when there are none. Reminders about single deadlines come regardless.',
  },
} as const;

type Word = keyof typeof W;

function w(lang: Lang, key: Word, vars?: Record<string, string | number>): string {
  let s: string = W[key][lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

type Values = Record<string, string | undefined>;

interface FormProps {
  ctx: PageCtx;
  values: Values;
  issues: FieldIssue[];
  formError?: ErrorCode;
}

function labelOf(lang: Lang) {
  return (field: string) => (field in W ? w(lang, field as Word) : field);
}

function Input(props: { ctx: PageCtx; name: string; label: Word; type?: 'text' | 'email' | 'tel' | 'password'; values: Values; issues: FieldIssue[]; hint?: Word; required?: boolean; autoComplete?: string }): VNode {
  const err = props.issues.find((i) => i.field === props.name);
  const lang = props.ctx.lang;
  const isPassword = props.type === 'password';
  return (
    <Field id={props.name} label={`${w(lang, props.label)}${props.required ? ' *' : ''}`} hint={props.hint ? w(lang, props.hint) : undefined} error={err} lang={lang}>
      <input
        {...({ type: props.type ?? 'text' } as Record<string, string>)}
        id={props.name}
        name={props.name}
        value={isPassword ? '' : (props.values[props.name] ?? '')}
        required={props.required}
        autoComplete={props.autoComplete}
        maxLength={props.type === 'password' ? 200 : 300}
      />
    </Field>
  );
}

/** "Регистрация на нов потребител" (AC-2). */
export function RegisterPage({ ctx, values, issues, formError, stamp, termsVersion }: FormProps & { stamp: string; termsVersion: string }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'registerTitle')}>
      <div class="narrow">
        <h1>{w(l, 'registerTitle')}</h1>
        <p class="lead">{w(l, 'registerLead')}</p>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={formError} label={labelOf(l)} />
        <form method="post" action="/register" novalidate={false}>
          <CsrfField ctx={ctx} />
          <HumanCheck stamp={stamp} label={w(l, 'honeypot')} />
          <Input ctx={ctx} name="username" label="username" hint="usernameHint" values={values} issues={issues} required autoComplete="username" />
          <Input ctx={ctx} name="password" label="password" type="password" hint="passwordHint" values={values} issues={issues} required autoComplete="new-password" />
          <Input ctx={ctx} name="password2" label="password2" type="password" values={values} issues={issues} required autoComplete="new-password" />
          <Input ctx={ctx} name="firstName" label="firstName" values={values} issues={issues} required autoComplete="given-name" />
          <Input ctx={ctx} name="lastName" label="lastName" values={values} issues={issues} required autoComplete="family-name" />
          <Input ctx={ctx} name="email" label="email" type="email" hint="emailHint" values={values} issues={issues} required autoComplete="email" />
          <Input ctx={ctx} name="phone" label="phone" type="tel" values={values} issues={issues} required autoComplete="tel" />
          <Input ctx={ctx} name="address" label="address" values={values} issues={issues} autoComplete="street-address" />
          <LocaleSelect ctx={ctx} value={values.locale ?? ctx.lang} />
          <div class={`field${issues.some((i) => i.field === 'acceptTerms') ? ' has-error' : ''}`}>
            {issues.some((i) => i.field === 'acceptTerms') && (
              <span class="field-error" id="acceptTerms-error">
                {errorMessage('TERMS_REQUIRED', l)}
              </span>
            )}
            <label class="check">
              <input type="checkbox" id="acceptTerms" name="acceptTerms" required checked={values.acceptTerms === 'on'} aria-describedby={issues.some((i) => i.field === 'acceptTerms') ? 'acceptTerms-error' : undefined} />{' '}
              {w(l, 'acceptTerms')} (<a href="/terms">{w(l, 'terms')}</a>, {termsVersion})
            </label>
          </div>
          <button type="submit" class="primary">
            {w(l, 'registerButton')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

function LocaleSelect({ ctx, value }: { ctx: PageCtx; value: string }): VNode {
  return (
    <div class="field">
      <label for="locale">{w(ctx.lang, 'locale')}</label>
      <select id="locale" name="locale">
        <option value="bg" selected={value !== 'en'}>
          Български
        </option>
        <option value="en" selected={value === 'en'}>
          English
        </option>
      </select>
    </div>
  );
}

/** After registration: check your email, or ask for the link again. */
export function RegisterDonePage({ ctx, email, resent }: { ctx: PageCtx; email: string; resent?: boolean }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'doneTitle')}>
      <div class="narrow">
        <h1>{w(l, 'doneTitle')}</h1>
        {resent ? (
          <p class="notice" role="status">
            {w(l, 'resent')}
          </p>
        ) : (
          <p class="notice success" role="status">
            {w(l, 'doneText', { email })}
          </p>
        )}
        <ResendForm ctx={ctx} email={email} />
      </div>
    </Layout>
  );
}

function ResendForm({ ctx, email }: { ctx: PageCtx; email: string }): VNode {
  const l = ctx.lang;
  return (
    <section aria-labelledby="resend-title">
      <h2 id="resend-title">{w(l, 'resendTitle')}</h2>
      <p>{w(l, 'resendText')}</p>
      <form method="post" action="/verify-email/resend">
        <CsrfField ctx={ctx} />
        <div class="field">
          <label for="resend-email">{w(l, 'email')}</label>
          <input id="resend-email" name="email" type="email" value={email} required autoComplete="email" />
        </div>
        <button type="submit">{w(l, 'resendButton')}</button>
      </form>
    </section>
  );
}

/** The result of opening a verification link. */
export function VerifyResultPage({ ctx, result }: { ctx: PageCtx; result: 'verified' | 'already' | 'invalid' }): VNode {
  const l = ctx.lang;
  const title = result === 'invalid' ? w(l, 'linkBadTitle') : w(l, 'verifiedTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <div class="narrow">
        <h1>{title}</h1>
        {result === 'verified' && <p class="notice success">{w(l, 'verifiedText')}</p>}
        {result === 'already' && <p class="notice">{w(l, 'alreadyText')}</p>}
        {result === 'invalid' && <p class="notice">{errorMessage('LINK_INVALID', l)}</p>}
        {result === 'invalid' ? (
          <ResendForm ctx={ctx} email="" />
        ) : (
          <p>
            <a class="button primary" href="/login">
              {w(l, 'loginButton')}
            </a>
          </p>
        )}
      </div>
    </Layout>
  );
}

/** The login page (AC-4); `next` returns the person to the page that asked for it. */
export function LoginPage({ ctx, values, issues, formError, next, notice }: FormProps & { next: string; notice?: Word }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'loginTitle')}>
      <div class="narrow">
        <h1>{w(l, 'loginTitle')}</h1>
        {notice && (
          <p class="notice" role="status">
            {w(l, notice)}
          </p>
        )}
        <p class="lead">{w(l, 'loginLead')}</p>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={formError} label={labelOf(l)} />
        <form method="post" action="/login">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="next" value={next} />
          <Input ctx={ctx} name="login" label="login" values={values} issues={issues} required autoComplete="username" />
          <Input ctx={ctx} name="password" label="password" type="password" values={values} issues={issues} required autoComplete="current-password" />
          <button type="submit" class="primary">
            {w(l, 'loginButton')}
          </button>
        </form>
        {formError === 'EMAIL_NOT_VERIFIED' && <ResendForm ctx={ctx} email={values.login?.includes('@') ? values.login : ''} />}
        <p class="hint">{w(l, 'sessionNote')}</p>
        <ul>
          <li>
            <a href="/forgot-password">{w(l, 'forgotPassword')}</a>
          </li>
          <li>
            <a href="/forgot-username">{w(l, 'forgotUsername')}</a>
          </li>
          <li>
            {w(l, 'noAccount')} <a href="/register">{w(l, 'registerButton')}</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}

/** "Забравена парола" and "Забравено потребителско име": one email field, the same answer either way. */
export function RecoverPage({ ctx, which, values, issues, formError, stamp }: FormProps & { which: 'password' | 'username'; stamp: string }): VNode {
  const l = ctx.lang;
  const title = which === 'password' ? w(l, 'forgotPassword') : w(l, 'forgotUsername');
  return (
    <Layout ctx={ctx} title={title}>
      <div class="narrow">
        <h1>{title}</h1>
        <p class="lead">{which === 'password' ? w(l, 'forgotPasswordLead') : w(l, 'forgotUsernameLead')}</p>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={formError} label={labelOf(l)} />
        <form method="post" action={which === 'password' ? '/forgot-password' : '/forgot-username'}>
          <CsrfField ctx={ctx} />
          <HumanCheck stamp={stamp} label={w(l, 'honeypot')} />
          <Input ctx={ctx} name="email" label="email" type="email" values={values} issues={issues} required autoComplete="email" />
          <button type="submit" class="primary">
            {w(l, 'send')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** The neutral answer of the recovery pages: it never tells whether an account exists. */
export function SentPage({ ctx }: { ctx: PageCtx }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'sentTitle')}>
      <div class="narrow">
        <h1>{w(l, 'sentTitle')}</h1>
        <p class="notice" role="status">
          {w(l, 'sentText')}
        </p>
        <p>
          <a href="/login">{w(l, 'loginButton')}</a>
        </p>
      </div>
    </Layout>
  );
}

/** Setting a new password from a reset link. */
export function ResetPage({ ctx, token, issues, formError }: FormProps & { token: string }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'resetTitle')}>
      <div class="narrow">
        <h1>{w(l, 'resetTitle')}</h1>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} formError={formError} label={labelOf(l)} />
        {formError === 'LINK_INVALID' ? (
          <p>
            <a href="/forgot-password">{w(l, 'forgotPassword')}</a>
          </p>
        ) : (
          <form method="post" action="/reset-password">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="token" value={token} />
            <Input ctx={ctx} name="password" label="newPassword" type="password" hint="passwordHint" values={{}} issues={issues} required autoComplete="new-password" />
            <Input ctx={ctx} name="password2" label="newPassword2" type="password" values={{}} issues={issues} required autoComplete="new-password" />
            <button type="submit" class="primary">
              {w(l, 'resetButton')}
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}

/** "Моят профил": profile, password, closing (AC-3, AC-6). */
export function AccountPage(props: {
  ctx: PageCtx;
  user: SessionUser;
  values: Values;
  issues: FieldIssue[];
  formError?: ErrorCode;
  notice?: 'saved' | 'emailPending' | 'emailChanged' | 'passwordChanged';
  section?: 'profile' | 'password' | 'digest';
  counts: { open: number; closed: number };
  /** Issue 12: whether the daily digest of deadlines is on; null for people it is not for. */
  digest?: boolean | null;
}): VNode {
  const { ctx, user } = props;
  const l = ctx.lang;
  const profileValues: Values = props.section === 'profile' ? props.values : { firstName: user.firstName, lastName: user.lastName, email: user.email, phone: user.phone ?? '', address: user.address ?? '', locale: user.locale };
  const pIssues = props.section === 'profile' ? props.issues : [];
  const pwIssues = props.section === 'password' ? props.issues : [];
  const dIssues = props.section === 'digest' ? props.issues : [];
  return (
    <Layout ctx={ctx} title={w(l, 'accountTitle')}>
      <div class="narrow account-sections">
        <h1>{w(l, 'accountTitle')}</h1>
        {props.notice && (
          <p class="notice success" role="status">
            {w(l, props.notice)}
          </p>
        )}
        <dl class="facts">
          <dt>{w(l, 'userSince')}</dt>
          <dd>{user.username}</dd>
        </dl>
        <p>
          <a href="/my/cases">{l === 'bg' ? `Моите сигнали (${props.counts.open} отворени, ${props.counts.closed} приключени)` : `My signals (${props.counts.open} open, ${props.counts.closed} closed)`}</a>
        </p>
        <section aria-labelledby="profile-title">
          <h2 id="profile-title">{w(l, 'profile')}</h2>
          <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={pIssues} formError={props.section === 'profile' ? props.formError : undefined} label={labelOf(l)} />
          <form method="post" action="/account/profile">
            <CsrfField ctx={ctx} />
            <Input ctx={ctx} name="firstName" label="firstName" values={profileValues} issues={pIssues} required autoComplete="given-name" />
            <Input ctx={ctx} name="lastName" label="lastName" values={profileValues} issues={pIssues} required autoComplete="family-name" />
            <Input ctx={ctx} name="email" label="email" type="email" values={profileValues} issues={pIssues} required autoComplete="email" />
            <Input ctx={ctx} name="currentPassword" label="profilePassword" type="password" values={{}} issues={pIssues} autoComplete="current-password" />
            <Input ctx={ctx} name="phone" label="phone" type="tel" values={profileValues} issues={pIssues} required autoComplete="tel" />
            <Input ctx={ctx} name="address" label="address" values={profileValues} issues={pIssues} autoComplete="street-address" />
            <LocaleSelect ctx={ctx} value={profileValues.locale ?? 'bg'} />
            <button type="submit" class="primary">
              {w(l, 'save')}
            </button>
          </form>
        </section>
        <section aria-labelledby="password-title">
          <h2 id="password-title">{w(l, 'changePassword')}</h2>
          <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={pwIssues} formError={props.section === 'password' ? props.formError : undefined} label={labelOf(l)} />
          <form method="post" action="/account/password">
            <CsrfField ctx={ctx} />
            <Input ctx={ctx} name="currentPassword" label="currentPassword" type="password" values={{}} issues={pwIssues} required autoComplete="current-password" />
            <Input ctx={ctx} name="newPassword" label="newPassword" type="password" hint="passwordHint" values={{}} issues={pwIssues} required autoComplete="new-password" />
            <Input ctx={ctx} name="newPassword2" label="newPassword2" type="password" values={{}} issues={pwIssues} required autoComplete="new-password" />
            <button type="submit">{w(l, 'changePassword')}</button>
          </form>
        </section>
        {typeof props.digest === 'boolean' && (
          <section aria-labelledby="digest-title">
            <h2 id="digest-title">{w(l, 'digestTitle')}</h2>
            <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={dIssues} formError={props.section === 'digest' ? props.formError : undefined} label={labelOf(l)} />
            <form method="post" action="/account/digest">
              <CsrfField ctx={ctx} />
              <div class={`field${dIssues.length ? ' has-error' : ''}`}>
                <label class="check">
                  <input type="checkbox" id="deadlineDigest" name="deadlineDigest" value="on" checked={props.digest} aria-describedby="deadlineDigest-hint" /> {w(l, 'deadlineDigest')}
                </label>
                <span class="hint" id="deadlineDigest-hint">
                  {w(l, 'deadlineDigestHint')}
                </span>
              </div>
              <button type="submit">{w(l, 'save')}</button>
            </form>
          </section>
        )}
        <section aria-labelledby="close-title">
          <h2 id="close-title">{w(l, 'closeTitle')}</h2>
          <p>
            <a href="/account/close">{w(l, 'closeTitle')}</a>
          </p>
        </section>
      </div>
    </Layout>
  );
}

/**
 * The old address's undo link (issue 11): first a page that asks to confirm (a button, so that a
 * mail scanner following links cannot undo by itself), then the result.
 */
export function UndoEmailPage(props: { ctx: PageCtx; u?: string; token?: string; done?: string }): VNode {
  const { ctx } = props;
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'undoTitle')}>
      <div class="narrow">
        <h1>{w(l, 'undoTitle')}</h1>
        {props.done ? (
          <>
            <p class="notice success" role="status">
              {w(l, 'undoDone', { email: props.done })}
            </p>
            <p>{w(l, 'undoChangePassword')}</p>
            <p>
              <a class="button primary" href="/forgot-password">
                {w(l, 'forgotPassword')}
              </a>
            </p>
          </>
        ) : (
          <>
            <p>{w(l, 'undoLead')}</p>
            <form method="post" action="/account/email/undo">
              <CsrfField ctx={ctx} />
              <CsrfField ctx={ctx} />
              <input type="hidden" name="u" value={props.u ?? ''} />
              <input type="hidden" name="token" value={props.token ?? ''} />
              <button type="submit" class="primary">
                {w(l, 'undoButton')}
              </button>
            </form>
          </>
        )}
      </div>
    </Layout>
  );
}

/** Closing the account, after the password is entered again (AC-6). */
export function CloseAccountPage({ ctx, issues, releaseDays }: { ctx: PageCtx; issues: FieldIssue[]; releaseDays: number }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, 'closeTitle')}>
      <div class="narrow">
        <h1>{w(l, 'closeTitle')}</h1>
        <p>{w(l, 'closeLead', { days: releaseDays })}</p>
        <ErrorSummary lang={l} title={w(l, 'errorsTitle')} issues={issues} label={() => w(l, 'closeConfirm')} />
        <form method="post" action="/account/close">
          <CsrfField ctx={ctx} />
          <Input ctx={ctx} name="password" label="closeConfirm" type="password" values={{}} issues={issues} required autoComplete="current-password" />
          <button type="submit" class="danger">
            {w(l, 'closeButton')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** A short page with a title and one message. */
export function MessagePage({ ctx, title, text }: { ctx: PageCtx; title: Word; text: Word }): VNode {
  const l = ctx.lang;
  return (
    <Layout ctx={ctx} title={w(l, title)}>
      <div class="narrow">
        <h1>{w(l, title)}</h1>
        <p class="notice" role="status">
          {w(l, text)}
        </p>
        <p>
          <a href="/">{l === 'bg' ? 'Към началната страница' : 'To the home page'}</a>
        </p>
      </div>
    </Layout>
  );
}

/** The terms of use the registration refers to, with their version (PK-8 uses the same idea). */
export function TermsPage({ ctx, version }: { ctx: PageCtx; version: string }): VNode {
  const l = ctx.lang;
  const bg = l === 'bg';
  return (
    <Layout ctx={ctx} title={w(l, 'terms')}>
      <div class="narrow">
        <h1>
          {w(l, 'terms')} ({version})
        </h1>
        <p>
          {bg
            ? 'Профилът в портала на Столична община служи за подаване и проследяване на документи до общината. Данните Ви се използват само за обратна връзка по подадените документи и за изискванията на закона към съответната услуга.'
            : 'An account on the Sofia Municipality portal is for submitting and following documents to the municipality. Your data are used only for feedback on your documents and for what the law requires for each service.'}
        </p>
        <p>
          {bg
            ? 'Сигналите и въпросите са публични без личните Ви данни. Писмата, жалбите, предложенията и заявленията за достъп до обществена информация не са публични. Можете да закриете профила си по всяко време от страницата „Моят профил“.'
            : 'Signals and questions are public without your personal data. Letters, complaints, proposals and public-information requests are not public. You can close your account at any time from “My account”.'}
        </p>
        <p>
          {bg
            ? 'Съдържание с невярна, подвеждаща, обидна, клеветническа, вулгарна или порнографска информация се скрива и отхвърля; при злоупотреба профилът може да бъде спрян.'
            : 'Content that is false, misleading, offensive, defamatory, vulgar or pornographic is hidden and rejected; an account that abuses the service may be suspended.'}
        </p>
      </div>
    </Layout>
  );
}
