/**
 * The one error type of the platform. Services throw `AppError(code)`; the HTTP edge maps the
 * code to a status and a Bulgarian/English message here and nowhere else.
 */

export type Lang = 'bg' | 'en';

interface ErrorDef {
  status: number;
  bg: string;
  en: string;
}

/** Every error code the platform can answer with, its HTTP status and its message in both languages. */
export const ERRORS = {
  VALIDATION: { status: 400, bg: 'Някои полета не са попълнени правилно.', en: 'Some fields are not filled in correctly.' },
  FIELD_REQUIRED: { status: 400, bg: 'Полето е задължително.', en: 'This field is required.' },
  FIELD_TOO_LONG: { status: 400, bg: 'Текстът е твърде дълъг.', en: 'The text is too long.' },
  FIELD_INVALID: { status: 400, bg: 'Невалидна стойност.', en: 'Invalid value.' },
  EMAIL_INVALID: { status: 400, bg: 'Невалиден имейл адрес.', en: 'Invalid email address.' },
  NOT_A_NUMBER: { status: 400, bg: 'Въведете число.', en: 'Enter a number.' },
  NOT_A_DATE: { status: 400, bg: 'Въведете дата във формат ГГГГ-ММ-ДД.', en: 'Enter a date as YYYY-MM-DD.' },
  NOT_IN_LIST: { status: 400, bg: 'Изберете стойност от списъка.', en: 'Choose a value from the list.' },
  CATEGORY_UNKNOWN: { status: 400, bg: 'Непозната категория.', en: 'Unknown category.' },
  TYPE_UNKNOWN: { status: 400, bg: 'Непознат тип.', en: 'Unknown type.' },
  TYPE_NOT_IN_CATEGORY: { status: 400, bg: 'Типът не принадлежи на избраната категория.', en: 'The type does not belong to the chosen category.' },
  PLACE_REQUIRED: { status: 400, bg: 'Посочете мястото на картата или въведете адрес.', en: 'Mark the place on the map or enter an address.' },
  COORDINATES_INVALID: { status: 400, bg: 'Координатите трябва да са числа (географска ширина и дължина).', en: 'Coordinates must be numbers (latitude and longitude).' },
  OUTSIDE_SOFIA: { status: 400, bg: 'Точката е извън територията на Столична община. Посочете място в София.', en: 'The point is outside Sofia Municipality. Choose a place in Sofia.' },
  PHOTO_NOT_IMAGE: { status: 400, bg: 'Файлът не е снимка (допустими са JPEG, PNG и WebP).', en: 'The file is not a photo (JPEG, PNG and WebP are accepted).' },
  PHOTO_TOO_LARGE: { status: 413, bg: 'Снимката е по-голяма от 10 MB.', en: 'The photo is larger than 10 MB.' },
  PHOTO_BROKEN: { status: 400, bg: 'Снимката е повредена и не може да бъде прочетена.', en: 'The photo is damaged and cannot be read.' },
  TOO_MANY_PHOTOS: { status: 400, bg: 'Може да приложите най-много 5 снимки.', en: 'You can attach at most 5 photos.' },
  MULTIPART_BROKEN: { status: 400, bg: 'Формулярът не беше получен изцяло. Опитайте отново.', en: 'The form was not received in full. Please try again.' },
  BODY_TOO_LARGE: { status: 413, bg: 'Изпратените данни са твърде големи.', en: 'The data sent is too large.' },
  CASE_NOT_FOUND: { status: 404, bg: 'Няма документ с такъв номер.', en: 'There is no document with this number.' },
  NOT_FOUND: { status: 404, bg: 'Страницата не е намерена.', en: 'Page not found.' },
  RATE_LIMITED: { status: 429, bg: 'Твърде много заявки. Опитайте след малко.', en: 'Too many requests. Please try again shortly.' },
  INTERNAL: { status: 500, bg: 'Възникна грешка. Опитайте отново.', en: 'Something went wrong. Please try again.' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

/** A problem with one input field: which field, and which error code explains it. */
export interface FieldIssue {
  field: string;
  code: ErrorCode;
}

/** The platform's single error type: a code, optionally the field(s) it concerns. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ErrorCode, opts: { field?: string; issues?: FieldIssue[]; cause?: unknown } = {}) {
    super(code, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues ?? (opts.field ? [{ field: opts.field, code }] : []);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** The message for an error code in the requested language. */
export function errorMessage(code: ErrorCode, lang: Lang): string {
  return ERRORS[code][lang];
}

/** The JSON body every API error is answered with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: { field: string; code: ErrorCode; message: string }[] };
}

/** Presents an AppError as the JSON error body in the given language. */
export function errorBody(err: AppError, lang: Lang): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: errorMessage(err.code, lang) } };
  if (err.issues.length) {
    body.error.fields = err.issues.map((i) => ({ field: i.field, code: i.code, message: errorMessage(i.code, lang) }));
    if (err.code === 'VALIDATION' || err.issues.length === 1) {
      const first = err.issues[0]!;
      body.error.message = `${first.field}: ${errorMessage(first.code, lang)}`;
    }
  }
  return body;
}
