/**
 * The one error type of the platform. Services throw `AppError(code)`; the HTTP edge maps the
 * code to a status and a Bulgarian/English message here and nowhere else.
 */

export type Lang = 'bg' | 'en';

interface ErrorDef {
  status: number;
  bg: string;
  en: string;
  /**
   * The message when the issue carries its parameters (a range, a length, a count): `{min}` and
   * `{max}` are replaced by them. Without the parameters the plain message above is used.
   */
  p?: { bg: string; en: string };
}

/** Every error code the platform can answer with, its HTTP status and its message in both languages. */
export const ERRORS = {
  VALIDATION: { status: 400, bg: 'Някои полета не са попълнени правилно.', en: 'Some fields are not filled in correctly.' },
  FIELD_REQUIRED: { status: 400, bg: 'Полето е задължително.', en: 'This field is required.' },
  FIELD_TOO_LONG: { status: 400, bg: 'Текстът е твърде дълъг.', en: 'The text is too long.', p: { bg: 'Текстът е твърде дълъг: най-много {max} знака.', en: 'The text is too long: {max} characters at most.' } },
  FIELD_TOO_SHORT: { status: 400, bg: 'Текстът е твърде кратък.', en: 'The text is too short.', p: { bg: 'Текстът е твърде кратък: поне {min} знака.', en: 'The text is too short: at least {min} characters.' } },
  TEXT_CONTROL_CHARS: { status: 400, bg: 'Текстът съдържа непозволени управляващи знаци (напр. NUL, табулация или нов ред в едноредово поле).', en: 'The text contains control characters that are not allowed (e.g. NUL, or a tab or line break in a one-line field).' },
  NOT_TEXT: { status: 400, bg: 'Въведете текст.', en: 'Enter text.' },
  FIELD_INVALID: { status: 400, bg: 'Невалидна стойност.', en: 'Invalid value.' },
  EMAIL_INVALID: { status: 400, bg: 'Невалиден имейл адрес.', en: 'Invalid email address.' },
  NOT_A_NUMBER: { status: 400, bg: 'Въведете число.', en: 'Enter a number.' },
  NOT_AN_INTEGER: { status: 400, bg: 'Въведете цяло число.', en: 'Enter a whole number.' },
  NUMBER_OUT_OF_RANGE: { status: 400, bg: 'Стойността е извън допустимите граници.', en: 'The value is out of range.', p: { bg: 'Стойността трябва да е между {min} и {max}.', en: 'The value must be between {min} and {max}.' } },
  NUMBER_TOO_SMALL: { status: 400, bg: 'Стойността е твърде малка.', en: 'The value is too small.', p: { bg: 'Стойността трябва да е поне {min}.', en: 'The value must be at least {min}.' } },
  NUMBER_TOO_LARGE: { status: 400, bg: 'Стойността е твърде голяма.', en: 'The value is too large.', p: { bg: 'Стойността трябва да е най-много {max}.', en: 'The value must be at most {max}.' } },
  TOO_MANY_ITEMS: { status: 400, bg: 'Избрани са твърде много стойности.', en: 'Too many values were given.', p: { bg: 'Може да посочите най-много {max}.', en: 'You can give at most {max}.' } },
  TOO_FEW_ITEMS: { status: 400, bg: 'Посочени са твърде малко стойности.', en: 'Too few values were given.', p: { bg: 'Посочете поне {min}.', en: 'Give at least {min}.' } },
  NOT_A_DATE: { status: 400, bg: 'Въведете дата във формат ГГГГ-ММ-ДД.', en: 'Enter a date as YYYY-MM-DD.' },
  DATE_OUT_OF_RANGE: { status: 400, bg: 'Датата е извън допустимия период.', en: 'The date is outside the accepted period.', p: { bg: 'Датата трябва да е между {min} и {max}.', en: 'The date must be between {min} and {max}.' } },
  NOT_IN_LIST: { status: 400, bg: 'Изберете стойност от списъка.', en: 'Choose a value from the list.' },
  CATEGORY_UNKNOWN: { status: 400, bg: 'Непозната категория.', en: 'Unknown category.' },
  TYPE_UNKNOWN: { status: 400, bg: 'Непознат тип.', en: 'Unknown type.' },
  TYPE_NOT_IN_CATEGORY: { status: 400, bg: 'Типът не принадлежи на избраната категория.', en: 'The type does not belong to the chosen category.' },
  PLACE_REQUIRED: { status: 400, bg: 'Посочете мястото на картата или въведете адрес.', en: 'Mark the place on the map or enter an address.' },
  COORDINATES_INVALID: { status: 400, bg: 'Координатите трябва да са числа (географска ширина и дължина).', en: 'Coordinates must be numbers (latitude and longitude).' },
  OUTSIDE_SOFIA: { status: 400, bg: 'Точката е извън територията на Столична община. Посочете място в София.', en: 'The point is outside Sofia Municipality. Choose a place in Sofia.' },
  PHOTO_NOT_IMAGE: { status: 400, bg: 'Файлът не е снимка (допустими са JPEG, PNG и WebP).', en: 'The file is not a photo (JPEG, PNG and WebP are accepted).' },
  PHOTO_TOO_LARGE: { status: 413, bg: 'Снимката е по-голяма от 10 MB.', en: 'The photo is larger than 10 MB.' },
  PHOTO_TOO_MANY_PIXELS: { status: 400, bg: 'Снимката има твърде много пиксели (най-много 50 мегапиксела). Намалете размера ѝ и я изпратете отново.', en: 'The photo has too many pixels (50 megapixels at most). Make it smaller and send it again.' },
  PHOTO_BROKEN: { status: 400, bg: 'Снимката е повредена и не може да бъде прочетена.', en: 'The photo is damaged and cannot be read.' },
  TOO_MANY_PHOTOS: { status: 400, bg: 'Може да приложите най-много 5 снимки.', en: 'You can attach at most 5 photos.' },
  MULTIPART_BROKEN: { status: 400, bg: 'Формулярът не беше получен изцяло. Опитайте отново.', en: 'The form was not received in full. Please try again.' },
  BODY_TOO_LARGE: { status: 413, bg: 'Изпратените данни са твърде големи.', en: 'The data sent is too large.' },
  USERNAME_INVALID: { status: 400, bg: 'Потребителското име трябва да е от 3 до 30 латински букви, цифри, точки или долни черти.', en: 'The username must be 3 to 30 Latin letters, digits, dots or underscores.' },
  USERNAME_TAKEN: { status: 409, bg: 'Това потребителско име е заето.', en: 'This username is taken.' },
  EMAIL_TAKEN: { status: 409, bg: 'Вече има профил с този имейл адрес. Ако е Ваш, използвайте „Забравена парола“.', en: 'There is already an account with this email. If it is yours, use “Forgotten password”.' },
  PASSWORD_TOO_SHORT: { status: 400, bg: 'Паролата трябва да е поне 10 знака.', en: 'The password must be at least 10 characters.' },
  PASSWORD_TOO_LONG: { status: 400, bg: 'Паролата е твърде дълга (най-много 200 знака).', en: 'The password is too long (200 characters at most).' },
  PASSWORD_COMMON: { status: 400, bg: 'Тази парола е сред най-често използваните и лесно се отгатва. Изберете друга.', en: 'This password is among the most common ones and easy to guess. Choose another.' },
  PASSWORD_PERSONAL: { status: 400, bg: 'Паролата не трябва да съдържа потребителското име или имейла.', en: 'The password must not contain your username or email.' },
  PASSWORD_MISMATCH: { status: 400, bg: 'Двете пароли не съвпадат.', en: 'The two passwords do not match.' },
  PASSWORD_WRONG: { status: 400, bg: 'Текущата парола не е вярна.', en: 'The current password is not correct.' },
  TERMS_REQUIRED: { status: 400, bg: 'Трябва да приемете общите условия.', en: 'You must accept the terms of use.' },
  FORM_TOO_FAST: { status: 400, bg: 'Формулярът беше изпратен твърде бързо. Проверете данните и го изпратете отново.', en: 'The form was sent too quickly. Check the details and send it again.' },
  FORM_REJECTED: { status: 400, bg: 'Формулярът не може да бъде приет. Заредете страницата отново.', en: 'The form cannot be accepted. Please reload the page.' },
  LOGIN_FAILED: { status: 401, bg: 'Грешно потребителско име, имейл или парола.', en: 'Wrong username, email or password.' },
  LOGIN_WAIT: { status: 429, bg: 'Твърде много неуспешни опити. Изчакайте малко и опитайте отново.', en: 'Too many failed attempts. Wait a little and try again.' },
  ACCOUNT_LOCKED: { status: 423, bg: 'Профилът е временно заключен след много неуспешни опити за вход. Опитайте по-късно или възстановете паролата си.', en: 'The account is temporarily locked after many failed logins. Try later or reset your password.' },
  EMAIL_NOT_VERIFIED: { status: 403, bg: 'Имейл адресът още не е потвърден. Отворете връзката в писмото, което Ви изпратихме.', en: 'The email address is not confirmed yet. Open the link in the email we sent you.' },
  ACCOUNT_SUSPENDED: { status: 403, bg: 'Профилът е спрян от администратор.', en: 'The account has been suspended by an administrator.' },
  LINK_INVALID: { status: 400, bg: 'Връзката е невалидна, изтекла или вече е използвана.', en: 'The link is invalid, expired or already used.' },
  LOGIN_REQUIRED: { status: 401, bg: 'Влезте в профила си, за да продължите.', en: 'Log in to continue.' },
  FORBIDDEN: { status: 403, bg: 'Нямате права за това действие.', en: 'You are not allowed to do this.' },
  FILE_TYPE: { status: 400, bg: 'Файлът не е от допустим вид (PDF, снимка, Word, Excel, OpenDocument).', en: 'The file is not of an accepted kind (PDF, image, Word, Excel, OpenDocument).' },
  FILE_TOO_LARGE: { status: 413, bg: 'Файлът е по-голям от 20 MB.', en: 'The file is larger than 20 MB.' },
  FILE_BROKEN: { status: 400, bg: 'Файлът е повреден или непълен.', en: 'The file is damaged or incomplete.' },
  TOO_MANY_FILES: { status: 400, bg: 'Може да приложите най-много 10 файла.', en: 'You can attach at most 10 files.' },
  CASE_NOT_FOUND: { status: 404, bg: 'Няма документ с такъв номер.', en: 'There is no document with this number.' },
  NOT_FOUND: { status: 404, bg: 'Страницата не е намерена.', en: 'Page not found.' },
  RATE_LIMITED: { status: 429, bg: 'Твърде много заявки. Опитайте след малко.', en: 'Too many requests. Please try again shortly.' },
  // Limits on submissions (issue 11); the numbers are those of src/modules/cases/cases.limits.ts.
  SUBMISSIONS_LIMITED: { status: 429, bg: 'От Вашия интернет адрес вече са подадени 40 сигнала и въпроса в рамките на един час – повече не приемаме. Опитайте отново след един час или се обадете на 0700 17 310.', en: '40 signals and questions have already been sent from your internet address within one hour, the most we accept. Try again in an hour, or call +359 700 17 310.' },
  DOCUMENTS_LIMITED: { status: 429, bg: 'Подадени са твърде много документи в рамките на един час (най-много 20 от един профил и 30 от един интернет адрес). Опитайте отново след един час.', en: 'Too many documents were submitted within one hour (at most 20 from one account and 30 from one internet address). Try again in an hour.' },
  RECIPIENT_LIMITED: { status: 429, bg: 'На този имейл адрес вече изпратихме 5 потвърждения в рамките на един час. Опитайте отново след един час, оставете имейла празен или влезте в профила си, ако адресът е Вашият потвърден имейл.', en: 'We have already sent 5 confirmations to this email address within one hour. Try again in an hour, leave the email empty, or log in if it is your account’s confirmed email.' },
  API_KEY_QUOTA: { status: 429, bg: 'Часовата квота за подаване с този api_key е изчерпана. Опитайте отново след един час или поискайте по-голяма квота от администраторите.', en: 'The hourly submission quota of this api_key is used up. Try again in an hour, or ask the administrators for a larger quota.' },
  QUOTA_INVALID: { status: 400, bg: 'Квотата е цяло число от 0 до 100 000 подавания на час (0 спира подаването с ключа).', en: 'The quota is a whole number from 0 to 100,000 submissions an hour (0 stops submitting with the key).' },
  API_KEY_BLOCKED: { status: 403, bg: 'Подаването с този api_key е спряно от администратор (квота 0).', en: 'Submitting with this api_key has been stopped by an administrator (quota 0).' },
  // Administration (AC-5, CC-9, CC-17, CC-18)
  CODE_TAKEN: { status: 409, bg: 'Този код вече се използва.', en: 'This code is already in use.' },
  CODE_INVALID: { status: 400, bg: 'Кодът съдържа недопустими знаци или е твърде дълъг.', en: 'The code contains characters that are not allowed or is too long.' },
  UNIT_PARENT_CYCLE: { status: 400, bg: 'Звеното не може да е подчинено на себе си или на свое подзвено.', en: 'A unit cannot be placed under itself or under one of its own sub-units.' },
  UNIT_PARENT_ORGANISATION: { status: 400, bg: 'Горестоящото звено трябва да е от същата организация.', en: 'The parent unit must belong to the same organisation.' },
  UNIT_HAS_SUBUNITS: { status: 400, bg: 'Звеното има подзвена; преместете първо тях, за да смените организацията му.', en: 'The unit has sub-units; move them first to change its organisation.' },
  OWN_ADMIN_ROLE: { status: 400, bg: 'Не можете да отнемете собствените си администраторски права.', en: 'You cannot remove your own administrator rights.' },
  OPTIONS_REQUIRED: { status: 400, bg: 'Полето с избор се нуждае от поне една възможност.', en: 'A choice field needs at least one option.' },
  OPTIONS_INVALID: { status: 400, bg: 'Всеки ред трябва да е „ключ|български|английски“ с различен ключ от малки латински букви, цифри и _.', en: 'Each line must be “key|Bulgarian|English” with a distinct key of lowercase Latin letters, digits and _.' },
  REASON_TOO_SHORT: { status: 400, bg: 'Опишете причината с поне 10 знака.', en: 'Describe the reason in at least 10 characters.' },
  USER_UNKNOWN: { status: 400, bg: 'Няма потребител с това потребителско име.', en: 'There is no user with this username.' },
  // Legal clocks (issue 12)
  CLOCK_NOT_RUNNING: { status: 400, bg: 'Срокът вече не тече (приключен или изтекъл) и не може да бъде удължен.', en: 'The period no longer runs (stopped or expired) and cannot be extended.' },
  PERIOD_ENDED: { status: 400, bg: 'Срокът вече е изтекъл: не може да бъде удължен или спрян след края си.', en: 'The period has already ended: it cannot be extended or suspended after its end.' },
  EXTENSION_USED: { status: 400, bg: 'Това удължаване вече е дадено веднъж; законът го допуска само веднъж.', en: 'This extension was already granted once; the law allows it only once.' },
  NO_CLARIFICATION_CLOCK: { status: 400, bg: 'По този документ не тече срок, който уточнението спира.', en: 'No period of this document is suspended by a clarification.' },
  NOT_AWAITING_CLARIFICATION: { status: 400, bg: 'Документът не чака уточнение.', en: 'The document is not waiting for a clarification.' },
  TOO_MANY_RECIPIENTS: { status: 400, bg: 'Получателите са повече от 10 000; съобщението не е изпратено.', en: 'There are more than 10,000 recipients; the message was not sent.' },
  // The working-day calendar's day swaps (issue 12)
  DAY_ALREADY_OFF: { status: 400, bg: 'Този ден вече е неработен (събота, неделя или официален празник): не е нужно да го обявявате за неработен.', en: 'This day is already a non-working day (a Saturday, a Sunday or a public holiday): there is no need to make it a holiday.' },
  DAY_IS_HOLIDAY: { status: 400, bg: 'Официален празник не може да бъде обявен за работен ден: разменят се само съботи и недели.', en: 'A public holiday cannot be made a working day: only Saturdays and Sundays are swapped.' },
  DAY_ALREADY_WORKING: { status: 400, bg: 'Този ден вече е работен: не е нужно да го обявявате за работен.', en: 'This day is already a working day: there is no need to make it one.' },
  DAY_SWAP_EXISTS: { status: 409, bg: 'За този ден вече има въведена промяна. Премахнете я, ако искате да въведете друга.', en: 'There is already a change for this day. Remove it if you want to enter another.' },
  // Deadline policies edited by administrators (issue 12)
  VALID_FROM_PAST: {
    status: 400,
    bg: 'Промяна на сроковете не може да важи със задна дата: изберете днешна или по-късна дата.',
    en: 'A change of deadlines cannot apply retroactively: choose today or a later date.',
    p: { bg: 'Промяна на сроковете не може да важи със задна дата: изберете {min} или по-късна дата.', en: 'A change of deadlines cannot apply retroactively: choose {min} or a later date.' },
  },
  POLICY_VERSION_EXISTS: { status: 409, bg: 'Тези правила вече имат версия, която важи от тази дата. Изберете друга дата.', en: 'These rules already have a version starting on this date. Choose another date.' },
  INTERNAL: { status: 500, bg: 'Възникна грешка. Опитайте отново.', en: 'Something went wrong. Please try again.' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

/** What a message says about the limit that was not met: a range, a length, a count (dates as YYYY-MM-DD). */
export interface IssueParams {
  min?: number | string;
  max?: number | string;
}

/** A problem with one input field: which field, which error code explains it, and the limit it missed. */
export interface FieldIssue {
  field: string;
  code: ErrorCode;
  params?: IssueParams;
}

/** The platform's single error type: a code, optionally the field(s) it concerns. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ErrorCode, opts: { field?: string; params?: IssueParams; issues?: FieldIssue[]; cause?: unknown } = {}) {
    super(code, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues ?? (opts.field ? [{ field: opts.field, code, ...(opts.params ? { params: opts.params } : {}) }] : []);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

const NUMBER = { bg: new Intl.NumberFormat('bg-BG', { maximumFractionDigits: 6 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 6 }) };

/** A limit as the reader writes numbers: "10 000" in Bulgarian, "10,000" in English; dates stay YYYY-MM-DD. */
function formatParam(v: number | string, lang: Lang): string {
  // Intl groups with a no-break space in Bulgarian; a plain one reads the same and survives copying.
  return typeof v === 'number' ? NUMBER[lang].format(v).replace(/[\u00a0\u202f]/g, ' ').replace('\u2212', '-') : v;
}

/**
 * The message for an error code in the requested language; with the issue's parameters, the
 * message that names the limit ("between -90 and 90", "4000 characters at most").
 */
export function errorMessage(code: ErrorCode, lang: Lang, params?: IssueParams): string {
  const def: ErrorDef = ERRORS[code];
  if (params && def.p) {
    let missing = false;
    const text = def.p[lang].replace(/\{(min|max)\}/g, (_, k: 'min' | 'max') => {
      const v = params[k];
      if (v === undefined) missing = true;
      return v === undefined ? '' : formatParam(v, lang);
    });
    if (!missing) return text;
  }
  return def[lang];
}

/** The message of one field issue, with its limit when it has one. */
export function issueMessage(issue: FieldIssue, lang: Lang): string {
  return errorMessage(issue.code, lang, issue.params);
}

/** The JSON body every API error is answered with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: { field: string; code: ErrorCode; message: string }[] };
}

/** Presents an AppError as the JSON error body in the given language. */
export function errorBody(err: AppError, lang: Lang): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: errorMessage(err.code, lang) } };
  if (err.issues.length) {
    body.error.fields = err.issues.map((i) => ({ field: i.field, code: i.code, message: issueMessage(i, lang) }));
    if (err.code === 'VALIDATION' || err.issues.length === 1) {
      const first = err.issues[0]!;
      body.error.message = `${first.field}: ${issueMessage(first, lang)}`;
    }
  }
  return body;
}
