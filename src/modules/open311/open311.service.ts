import { and, asc, desc, eq, gte, inArray, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { AppError, type ErrorCode, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { hasControlChars, textProblem, zodIssues } from '../../platform/errors/validation.js';
import { sofiaDateTime, translator } from '../../platform/i18n/index.js';
import { formatRegNumber, parseRegNumber } from '../../platform/register/index.js';
import { getCatalog, localName, type CatalogType, type ExtraField } from '../catalog/index.js';
import { caseTypes, organisations, units } from '../catalog/catalog.tables.js';
import { STATUSES, STATUS_CODES, SubmitCaseBody, caseEvents, caseFiles, cases, eventLabel, eventsFor, filesFor, findByToken, isStatus, publicCases, statusLabel, submitCase, type Upload } from '../cases/index.js';
import { useApiKey } from './open311.keys.js';
import type { O311CreatedT, O311DiscoveryT, O311RequestT, O311ServiceDefinitionT, O311ServiceT, O311UpdateT } from './open311.schemas.js';

/** The one jurisdiction this server answers to; no jurisdiction_id means it too. */
export const JURISDICTION = 'sofia.bg';
/** GeoReport v2: a search spans at most 90 days and answers at most 1,000 requests by default. */
export const MAX_SPAN_DAYS = 90;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;
/** When this interface last changed, for discovery. */
const CHANGESET = '2026-11-23T00:00:00+02:00';

/** Parameters as a request carries them: query or form fields, a repeated name as a list. */
export type Params = Record<string, unknown>;

const invalid = (field: string, code: ErrorCode) => new AppError('VALIDATION', { issues: [{ field, code }] });

/** One parameter, trimmed; an empty one is an absent one; a repeated one is refused. */
function opt(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) || typeof v === 'object') throw invalid(name, 'FIELD_INVALID');
  const s = String(v).trim();
  // NUL and the like reach PostgreSQL, which refuses them (a 500); line breaks are for the description's own rules.
  if (hasControlChars(s, true)) throw invalid(name, 'TEXT_CONTROL_CHARS');
  return s === '' ? undefined : s;
}

/** Answers 404 for a jurisdiction_id that is not ours. */
export function checkJurisdiction(p: Params): void {
  const j = opt(p, 'jurisdiction_id');
  if (j !== undefined && j.toLowerCase() !== JURISDICTION) throw new AppError('NOT_FOUND', { field: 'jurisdiction_id' });
}

// ------------------------------------------------------------------ dates

const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** A W3C date-time with its zone (2026-11-01T10:00:00+02:00 or …Z); null when malformed or zone-less. */
export function parseW3cDateTime(s: string): Date | null {
  const m = W3C.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const se = Number(m[6] ?? 0);
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  // Date.UTC reads years 0–99 as 1900–1999: a date outside the register's sensible years is no date.
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || se > 59) return null;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, se, ms) - offsetMin * 60_000);
}

export { sofiaDateTime };

const SOFIA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * start_date and end_date: both optional, at most 90 days apart. With one given the other is 90
 * days away from it; with none, the last 90 days.
 */
export function dateRange(p: Params, now: Date): { start: Date; end: Date } {
  const s = opt(p, 'start_date');
  const e = opt(p, 'end_date');
  const issues: FieldIssue[] = [];
  const start = s === undefined ? null : parseW3cDateTime(s);
  const end = e === undefined ? null : parseW3cDateTime(e);
  if (s !== undefined && !start) issues.push({ field: 'start_date', code: 'NOT_A_DATE' });
  if (e !== undefined && !end) issues.push({ field: 'end_date', code: 'NOT_A_DATE' });
  if (issues.length) throw new AppError('VALIDATION', { issues });
  const span = MAX_SPAN_DAYS * DAY_MS;
  const to = end ?? (start ? new Date(start.getTime() + span) : now);
  const from = start ?? new Date(to.getTime() - span);
  if (to < from) throw invalid('end_date', 'FIELD_INVALID');
  if (to.getTime() - from.getTime() > span) throw invalid('end_date', 'FIELD_TOO_LONG');
  return { start: from, end: to };
}

/** The de-facto page and page_size extension. */
export function paging(p: Params): { limit: number; offset: number } {
  const page = opt(p, 'page');
  const size = opt(p, 'page_size');
  if (page !== undefined && (!/^\d{1,6}$/.test(page) || Number(page) < 1)) throw invalid('page', 'FIELD_INVALID');
  if (size !== undefined && (!/^\d{1,4}$/.test(size) || Number(size) < 1 || Number(size) > MAX_PAGE_SIZE)) throw invalid('page_size', 'FIELD_INVALID');
  const limit = size === undefined ? MAX_PAGE_SIZE : Number(size);
  return { limit, offset: ((page === undefined ? 1 : Number(page)) - 1) * limit };
}

function flag(p: Params, name: string): boolean {
  const v = opt(p, name)?.toLowerCase();
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw invalid(name, 'FIELD_INVALID');
}

const list = (s: string) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];

// ------------------------------------------------------------------ discovery and services

/** The discovery document: where the endpoint is, its formats, whom to ask for a key. */
export function discovery(ctx: Ctx, lang: Lang): O311DiscoveryT {
  const t = translator(lang);
  const base = ctx.config.publicBaseUrl;
  return {
    changeset: CHANGESET,
    contact: `${t('site.name')} · ${t('site.phone')} · ${base}`,
    key_service:
      lang === 'en'
        ? `POST requests needs an api_key. The platform's administrators issue one per client application; ask the Contact Center (${t('site.phone')}).`
        : `Подаването (POST requests) изисква api_key. Администраторите на платформата издават ключ за всяко клиентско приложение; обърнете се към Контактния център (${t('site.phone')}).`,
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${base}/open311/v2`,
        changeset: CHANGESET,
        type: ctx.config.demo ? 'test' : 'production',
        formats: ['application/json', 'text/xml'],
      },
    ],
  };
}

/** One service per active catalogue type; its category is the group. */
export async function listServices(orm: Orm, lang: Lang): Promise<O311ServiceT[]> {
  const catalog = await getCatalog(orm);
  return catalog.categories.flatMap((c) =>
    c.types.map((t) => ({
      service_code: t.code,
      service_name: localName(t, lang),
      description: `${localName(c, lang)}: ${localName(t, lang)}`,
      metadata: t.fields.length > 0,
      type: 'realtime' as const,
      // Both languages, so a search in either finds the service.
      keywords: [...new Set([c.nameBg, c.nameEn, t.nameBg, t.nameEn])].join(', '),
      group: localName(c, lang),
    })),
  );
}

const DATATYPE: Record<ExtraField['datatype'], O311ServiceDefinitionT['attributes'][number]['datatype']> = {
  text: 'string',
  number: 'number',
  date: 'datetime',
  single: 'singlevaluelist',
  bool: 'singlevaluelist',
  multi: 'multivaluelist',
};

const DATATYPE_HELP: Record<ExtraField['datatype'], { bg: string; en: string }> = {
  text: { bg: 'Текст до 1000 знака', en: 'Text, up to 1,000 characters' },
  number: { bg: 'Число', en: 'A number' },
  date: { bg: 'Дата ГГГГ-ММ-ДД или дата и час по W3C', en: 'A date YYYY-MM-DD, or a W3C date-time' },
  single: { bg: 'Един ключ от values', en: 'One key from values' },
  bool: { bg: 'true или false', en: 'true or false' },
  multi: { bg: 'Един или повече ключа от values: attribute[code][]', en: 'One or more keys from values: attribute[code][]' },
};

/** A type's extra fields as Open311 attributes; 404 for a code that is not an active type. */
export async function serviceDefinition(orm: Orm, code: string, lang: Lang): Promise<O311ServiceDefinitionT> {
  const type = (await getCatalog(orm)).typeByCode(code);
  if (!type) throw new AppError('NOT_FOUND', { field: 'service_code' });
  return {
    service_code: type.code,
    attributes: type.fields.map((f, i) => {
      const hint = lang === 'en' ? f.hintEn : f.hintBg;
      const values =
        f.datatype === 'bool'
          ? [
              { key: 'true', name: lang === 'en' ? 'Yes' : 'Да' },
              { key: 'false', name: lang === 'en' ? 'No' : 'Не' },
            ]
          : f.datatype === 'single' || f.datatype === 'multi'
            ? (f.options ?? []).map((o) => ({ key: o.key, name: o[lang] }))
            : undefined;
      return {
        variable: true,
        code: f.code,
        datatype: DATATYPE[f.datatype],
        required: f.required,
        datatype_description: hint ? `${DATATYPE_HELP[f.datatype][lang]}. ${hint}` : DATATYPE_HELP[f.datatype][lang],
        order: i + 1,
        description: lang === 'en' ? f.labelEn : f.labelBg,
        ...(values ? { values } : {}),
      };
    }),
  };
}

// ------------------------------------------------------------------ submitting

/** `attribute[code]` and `attribute[code][]` (or a JSON `attribute` object) as the form's extra answers. */
function attributes(p: Params, type: CatalogType): Record<string, string | string[]> {
  const given = new Map<string, string[]>();
  const add = (code: string, v: unknown) => {
    const vals = (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined && x !== null && typeof x !== 'object').map((x) => String(x).trim()).filter((x) => x !== '');
    if (vals.length) given.set(code, [...(given.get(code) ?? []), ...vals]);
  };
  for (const [k, v] of Object.entries(p)) {
    const m = /^attribute\[([^\]]{1,100})\](\[\])?$/.exec(k);
    if (m) add(m[1]!, v);
  }
  if (p.attribute && typeof p.attribute === 'object' && !Array.isArray(p.attribute)) for (const [k, v] of Object.entries(p.attribute)) add(k, v);
  const out: Record<string, string | string[]> = {};
  for (const [code, vals] of given) {
    const f = type.fields.find((x) => x.code === code);
    // Open311 clients send a "datetime"; the field keeps the day, as Sofia's calendar has it.
    const norm =
      f?.datatype === 'date'
        ? vals.map((v) => {
            const d = parseW3cDateTime(v);
            return d ? SOFIA_DAY.format(d) : v;
          })
        : vals;
    out[code] = f?.datatype === 'multi' || norm.length > 1 ? norm : norm[0]!;
  }
  return out;
}

function isHttpUrl(s: string): boolean {
  if (s.length > 2000) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * POST requests (API-1): the web form's use case with Open311's names. The key is checked
 * first, then the service, then every field; the answer is the registration number.
 */
export async function postRequest(ctx: Ctx, p: Params, lang: Lang, photos: Upload[] = []): Promise<O311CreatedT> {
  checkJurisdiction(p);
  const key = await useApiKey(ctx.db.orm, typeof p.api_key === 'string' ? p.api_key.trim() : undefined, ctx.now());
  const code = opt(p, 'service_code');
  if (!code) throw invalid('service_code', 'FIELD_REQUIRED');
  const type = (await getCatalog(ctx.db.orm)).typeByCode(code);
  if (!type) throw new AppError('NOT_FOUND', { field: 'service_code' });

  const issues: FieldIssue[] = [];
  // The client's own fields are stored as sent: the same checks as every text (no NUL or other control characters).
  const text = (name: string, max: number) => {
    const v = opt(p, name);
    const problem = v === undefined ? null : textProblem(v, { max });
    if (problem) issues.push({ field: name, ...problem });
    return problem ? undefined : v;
  };
  const mediaUrl = text('media_url', 2000);
  if (mediaUrl !== undefined && !isHttpUrl(mediaUrl)) issues.push({ field: 'media_url', code: 'FIELD_INVALID' });
  const deviceId = text('device_id', 200);
  const accountId = text('account_id', 200);
  const name = [opt(p, 'first_name'), opt(p, 'last_name')].filter(Boolean).join(' ') || undefined;
  const raw = {
    kind: 'signal',
    categoryId: type.categoryId,
    typeId: type.id,
    description: opt(p, 'description') ?? '',
    address: opt(p, 'address_string'),
    lat: opt(p, 'lat'),
    lon: opt(p, 'long'),
    extra: attributes(p, type),
    name,
    phone: opt(p, 'phone'),
    email: opt(p, 'email'),
    lang,
  };
  const parsed = SubmitCaseBody.safeParse(raw);
  if (!parsed.success) {
    for (const i of zodIssues(parsed.error.issues, raw)) {
      // A latitude of 123 is not "too long": it is not a coordinate.
      issues.push((i.field === 'lat' || i.field === 'lon') && i.code !== 'NOT_A_NUMBER' && i.code !== 'NUMBER_OUT_OF_RANGE' ? { field: i.field, code: 'COORDINATES_INVALID' } : i);
    }
  }
  if (issues.length || !parsed.success) throw new AppError('VALIDATION', { issues });

  // The key's hourly quota stands for the client's many users (one server's address says nothing
  // about them); the recipient limit still applies to the email each submission gives (issue 11).
  const done = await submitCase(ctx, parsed.data, photos, 'open311', null, { mediaUrl, deviceId, accountId, apiKeyId: key.id, limits: [key.quota] });
  const [holder] = await ctx.db.orm
    .select({ uBg: units.nameBg, uEn: units.nameEn, oBg: organisations.nameBg, oEn: organisations.nameEn })
    .from(cases)
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(organisations, eq(organisations.id, cases.organisationId))
    .where(eq(cases.id, done.id));
  const agency = lang === 'en' ? (holder?.oEn ?? holder?.uEn) : (holder?.oBg ?? holder?.uBg);
  const notice =
    lang === 'en'
      ? `The signal is registered as No. ${done.number}${agency ? ` and sent to ${agency}` : ''}.`
      : `Сигналът е регистриран с № ${done.number}${agency ? ` и е насочен към ${agency}` : ''}.`;
  return { service_request_id: done.number, service_notice: notice, ...(accountId ? { account_id: accountId } : {}), token: done.token };
}

// ------------------------------------------------------------------ reading requests

/** Only signals the public may see are Open311 requests; private documents never are. Open311 is a public output (cases.audience.ts). */
const PUBLIC_SIGNAL = and(eq(cases.kind, 'signal'), publicCases())!;
const ANSWER_TYPES = ['answer', 'status', 'rejected', 'duplicate'];

function canonicalNumber(s: string): string | null {
  const p = parseRegNumber(s);
  return p ? formatRegNumber(p.registerCode, 2000 + p.yy, p.seq) : null;
}

async function loadRequests(ctx: Ctx, where: SQL, lang: Lang, page: { limit: number; offset: number }, extensions: boolean, orm: Orm = ctx.db.read): Promise<O311RequestT[]> {
  const base = ctx.config.publicBaseUrl;
  const rows = await orm
    .select({
      id: cases.id,
      number: cases.regNumber,
      status: cases.status,
      description: cases.description,
      address: cases.address,
      registeredAt: cases.registeredAt,
      updatedAt: cases.updatedAt,
      mediaUrl: cases.mediaUrl,
      lon: sql<number | null>`ST_X(${cases.location})`,
      lat: sql<number | null>`ST_Y(${cases.location})`,
      typeCode: caseTypes.code,
      typeBg: caseTypes.nameBg,
      typeEn: caseTypes.nameEn,
      uBg: units.nameBg,
      uEn: units.nameEn,
      oBg: organisations.nameBg,
      oEn: organisations.nameEn,
      notes: sql<string | null>`(SELECT e.text FROM case_events e WHERE e.case_id = ${cases.id} AND ${eventsFor('public', 'e')} AND e.text IS NOT NULL
                                  AND e.type IN (${sql.join(ANSWER_TYPES.map((t) => sql`${t}`), sql`, `)}) ORDER BY e.at DESC, e.id DESC LIMIT 1)`,
      photoId: sql<string | null>`(SELECT f.id::text FROM case_files f WHERE f.case_id = ${cases.id} AND f.kind = 'photo' AND ${filesFor('public', 'f')} ORDER BY f.position LIMIT 1)`,
    })
    .from(cases)
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(organisations, eq(organisations.id, cases.organisationId))
    .where(and(PUBLIC_SIGNAL, where))
    .orderBy(desc(cases.registeredAt), desc(cases.id))
    .limit(page.limit)
    .offset(page.offset);

  const history = new Map<number, NonNullable<O311RequestT['notes']>>();
  const photos = new Map<number, string[]>();
  if (extensions && rows.length) {
    const ids = rows.map((r) => r.id);
    const t = translator(lang);
    const [events, files] = await Promise.all([
      orm
        .select({ caseId: caseEvents.caseId, at: caseEvents.at, type: caseEvents.type, statusTo: caseEvents.statusTo, text: caseEvents.text, by: caseEvents.actorLabel })
        .from(caseEvents)
        .where(and(inArray(caseEvents.caseId, ids), eventsFor('public', 'case_events')))
        .orderBy(asc(caseEvents.at), asc(caseEvents.id)),
      orm
        .select({ id: caseFiles.id, caseId: caseFiles.caseId })
        .from(caseFiles)
        .where(and(inArray(caseFiles.caseId, ids), eq(caseFiles.kind, 'photo'), filesFor('public', 'case_files')))
        .orderBy(asc(caseFiles.caseId), asc(caseFiles.position)),
    ]);
    for (const e of events) {
      const summary = [eventLabel(e.type, t), e.statusTo ? statusLabel(e.statusTo, lang) : null, e.by].filter(Boolean).join(' · ');
      const list = history.get(e.caseId) ?? [];
      list.push({ datetime: sofiaDateTime(e.at), type: e.type, summary, description: e.text || null });
      history.set(e.caseId, list);
    }
    for (const f of files) photos.set(f.caseId, [...(photos.get(f.caseId) ?? []), `${base}/photos/${f.id}/large.jpg`]);
  }

  return rows.map((r) => {
    const open = isStatus(r.status) ? STATUSES[r.status].open : true;
    const rec: O311RequestT = {
      service_request_id: r.number,
      status: open ? 'open' : 'closed',
      status_notes: r.notes || null,
      service_name: (lang === 'en' ? r.typeEn : r.typeBg) ?? null,
      service_code: r.typeCode ?? 'unknown',
      description: r.description || null,
      // An outside organisation, when the case was sent to one, is who must act.
      agency_responsible: (lang === 'en' ? (r.oEn ?? r.uEn) : (r.oBg ?? r.uBg)) ?? null,
      service_notice: statusLabel(r.status, lang),
      requested_datetime: sofiaDateTime(r.registeredAt),
      updated_datetime: sofiaDateTime(r.updatedAt),
      expected_datetime: null,
      address: r.address || null,
      zipcode: null,
      lat: r.lat === null ? null : Number(r.lat),
      long: r.lon === null ? null : Number(r.lon),
      media_url: r.mediaUrl ?? (r.photoId ? `${base}/photos/${r.photoId}/large.jpg` : null),
    };
    if (extensions) {
      rec.notes = history.get(r.id) ?? [];
      rec.extended_attributes = { detailed_status: r.status, media_urls: photos.get(r.id) ?? [] };
    }
    return rec;
  });
}

/** GET requests: by numbers, or by service, period and open/closed; newest first, a page at a time. */
export async function findRequests(ctx: Ctx, p: Params, lang: Lang): Promise<O311RequestT[]> {
  checkJurisdiction(p);
  const page = paging(p);
  const extensions = flag(p, 'extensions');
  const ids = opt(p, 'service_request_id');
  if (ids !== undefined) {
    const wanted = list(ids);
    if (wanted.length > MAX_PAGE_SIZE) throw invalid('service_request_id', 'FIELD_TOO_LONG');
    const numbers = wanted.map(canonicalNumber).filter((n): n is string => n !== null);
    // By number from the primary: a client asks for what it has just submitted.
    return numbers.length ? loadRequests(ctx, inArray(cases.regNumber, numbers), lang, page, extensions, ctx.db.orm) : [];
  }
  const { start, end } = dateRange(p, ctx.now());
  const parts: SQL[] = [gte(cases.registeredAt, start), lte(cases.registeredAt, end)];
  const codes = opt(p, 'service_code');
  if (codes !== undefined) {
    const wanted = list(codes);
    // Types no longer offered still have their requests.
    const found = await ctx.db.read.select({ id: caseTypes.id }).from(caseTypes).where(inArray(caseTypes.code, wanted));
    if (found.length < wanted.length) throw new AppError('NOT_FOUND', { field: 'service_code' });
    parts.push(inArray(cases.typeId, found.map((f) => f.id)));
  }
  const status = opt(p, 'status');
  if (status !== undefined) {
    const wanted = list(status.toLowerCase());
    if (wanted.some((s) => s !== 'open' && s !== 'closed')) throw invalid('status', 'NOT_IN_LIST');
    if (wanted.length === 1) parts.push(inArray(cases.status, STATUS_CODES.filter((s) => STATUSES[s].open === (wanted[0] === 'open'))));
  }
  return loadRequests(ctx, and(...parts)!, lang, page, extensions);
}

/** GET requests/{id}: one public signal, or CASE_NOT_FOUND. */
export async function getRequest(ctx: Ctx, id: string, p: Params, lang: Lang): Promise<O311RequestT[]> {
  checkJurisdiction(p);
  const extensions = flag(p, 'extensions');
  const number = canonicalNumber(id);
  const found = number ? await loadRequests(ctx, eq(cases.regNumber, number), lang, { limit: 1, offset: 0 }, extensions, ctx.db.orm) : [];
  if (!found.length) throw new AppError('CASE_NOT_FOUND', { field: 'service_request_id' });
  return found;
}

/** GET tokens/{token}: the registration number behind a private token given at submission. */
export async function tokenRequest(orm: Orm, token: string, p: Params): Promise<{ service_request_id: string; token: string }[]> {
  checkJurisdiction(p);
  const view = await findByToken(orm, token);
  if (!view || view.kind !== 'signal') throw new AppError('NOT_FOUND', { field: 'token' });
  return [{ service_request_id: view.number, token }];
}

/** Our statuses in the words FixMyStreet's Open311 client understands. */
const FMS_STATUS: Record<string, string> = {
  pending: 'open',
  in_progress: 'in_progress',
  awaiting_reply: 'investigating',
  notified: 'closed',
  closed: 'closed',
  rejected: 'no_further_action',
  duplicate: 'duplicate',
};

/**
 * GET servicerequestupdates: the public history after registration, oldest first, in the form
 * FixMyStreet's Open311 client reads; each entry carries the status the signal had then.
 */
export async function requestUpdates(ctx: Ctx, p: Params, lang: Lang): Promise<O311UpdateT[]> {
  checkJurisdiction(p);
  const { start, end } = dateRange(p, ctx.now());
  const page = paging(p);
  const t = translator(lang);
  const statusThen = sql<string>`coalesce(${caseEvents.statusTo}, (
      SELECT e2.status_to FROM case_events e2
      WHERE e2.case_id = ${caseEvents.caseId} AND e2.status_to IS NOT NULL AND (e2.at, e2.id) < (${caseEvents.at}, ${caseEvents.id})
      ORDER BY e2.at DESC, e2.id DESC LIMIT 1), 'pending')`;
  const rows = await ctx.db.read
    .select({ id: caseEvents.id, number: cases.regNumber, at: caseEvents.at, type: caseEvents.type, text: caseEvents.text, by: caseEvents.actorLabel, status: statusThen })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(
      and(
        PUBLIC_SIGNAL,
        // Every history entry touches its case's updated_at, so the index on it narrows the search.
        gte(cases.updatedAt, start),
        eventsFor('public', 'case_events'),
        notInArray(caseEvents.type, ['registered', 'routed']),
        gte(caseEvents.at, start),
        lte(caseEvents.at, end),
      ),
    )
    .orderBy(asc(caseEvents.at), asc(caseEvents.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((r) => ({
    update_id: String(r.id),
    service_request_id: r.number,
    status: FMS_STATUS[r.status] ?? 'open',
    external_status_code: r.status,
    updated_datetime: sofiaDateTime(r.at),
    // A redirection without text still tells who has it now.
    description: r.text || (r.type === 'redirected' && r.by ? `${eventLabel(r.type, t)}: ${r.by}` : null),
    media_url: null,
  }));
}
