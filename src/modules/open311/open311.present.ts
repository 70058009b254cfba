import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorMessage, type AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { toAppError } from '../../platform/web/http-errors.js';
import { toXml } from './open311.xml.js';
import { errorForLog } from '../../platform/web/logging.js';

/** The format an Open311 URL asks for: its extension, JSON unless it is .xml. */
export function formatOf(req: FastifyRequest): 'json' | 'xml' {
  return /\.xml$/i.test(req.url.split('?')[0] ?? '') ? 'xml' : 'json';
}

/** Sends Open311 data in the asked format; `root` names the XML root (a list's or an object's). */
export function sendOpen311(reply: FastifyReply, fmt: 'json' | 'xml', root: string, data: unknown): FastifyReply {
  if (fmt === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, data));
  return reply.type('application/json; charset=utf-8').send(data);
}

/** The form fields of the use case by the names Open311 clients sent them under. */
function open311Field(field: string): string {
  if (field.startsWith('extra.')) return `attribute[${field.slice(6)}]`;
  switch (field) {
    case 'lon':
      return 'long';
    case 'address':
    case 'districtCode':
      return 'address_string';
    case 'typeId':
    case 'categoryId':
      return 'service_code';
    case 'name':
      return 'first_name';
    case 'location':
      return 'lat, long';
    case 'photos':
      return 'media';
    default:
      return field.replace(/^photos\[\d+\]$/, 'media');
  }
}

type Words = { bg: string; en: string };

/** Open311's own wording where the platform's generic message would not say what is wrong. */
const SPECIFIC: Record<string, Words> = {
  'api_key:FORBIDDEN': { bg: 'api_key липсва, е непознат или е отнет.', en: 'api_key is missing, unknown or revoked.' },
  'service_code:NOT_FOUND': { bg: 'service_code: няма такава услуга (вижте services).', en: 'service_code: no such service (see services).' },
  'jurisdiction_id:NOT_FOUND': { bg: 'jurisdiction_id: непознат; този сървър отговаря за sofia.bg.', en: 'jurisdiction_id: unknown; this server answers for sofia.bg.' },
  'service_request_id:CASE_NOT_FOUND': { bg: 'service_request_id: няма публичен сигнал с такъв номер.', en: 'service_request_id: there is no public signal with this number.' },
  'token:NOT_FOUND': { bg: 'token: непознат.', en: 'token: unknown.' },
  'start_date:NOT_A_DATE': { bg: 'start_date: очаква се дата и час по W3C с часова зона, напр. 2026-11-01T10:00:00+02:00.', en: 'start_date: expected a W3C date-time with its zone, e.g. 2026-11-01T10:00:00+02:00.' },
  'end_date:NOT_A_DATE': { bg: 'end_date: очаква се дата и час по W3C с часова зона, напр. 2026-11-30T18:00:00+02:00.', en: 'end_date: expected a W3C date-time with its zone, e.g. 2026-11-30T18:00:00+02:00.' },
  'end_date:FIELD_TOO_LONG': { bg: 'end_date: периодът от start_date до end_date е най-много 90 дни.', en: 'end_date: the period from start_date to end_date is at most 90 days.' },
  'end_date:FIELD_INVALID': { bg: 'end_date е преди start_date.', en: 'end_date is before start_date.' },
  'page_size:FIELD_INVALID': { bg: 'page_size: цяло число от 1 до 1000.', en: 'page_size: a whole number from 1 to 1000.' },
  'page:FIELD_INVALID': { bg: 'page: цяло число от 1 нагоре.', en: 'page: a whole number from 1 up.' },
  'address:PLACE_REQUIRED': { bg: 'Посочете мястото: lat и long или address_string.', en: 'Give the place: lat and long, or address_string.' },
  'location:OUTSIDE_SOFIA': { bg: 'lat, long: точката е извън територията на Столична община.', en: 'lat, long: the point is outside Sofia Municipality.' },
};

function describe(issue: FieldIssue, lang: Lang): string {
  const own = SPECIFIC[`${issue.field}:${issue.code}`];
  return own ? own[lang] : `${open311Field(issue.field)}: ${errorMessage(issue.code, lang, issue.params)}`;
}

/** Open311's error list for an error: one entry per field problem, each with the HTTP status as its code. */
export function open311Errors(err: AppError, lang: Lang): { code: number; description: string }[] {
  if (!err.issues.length) return [{ code: err.status, description: errorMessage(err.code, lang) }];
  return err.issues.map((i) => ({ code: err.status, description: describe(i, lang) }));
}

/** The error presenter of the Open311 endpoints: the spec's `errors` in the asked format. */
export function presentOpen311Error(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toAppError(err, req);
  // The error's class, code and stack, never its values: SQL parameters hold personal data.
  if (e.code === 'INTERNAL') req.log.error({ err: errorForLog(err) }, 'unhandled error');
  return sendOpen311(reply.code(e.status), formatOf(req), 'errors', open311Errors(e as AppError, req.lang ?? 'bg'));
}
