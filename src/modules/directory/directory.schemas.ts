import { z } from 'zod';
import { AppError, type FieldIssue } from '../../platform/errors/index.js';
import { optionalText, text, toNumber, zodIssues } from '../../platform/errors/validation.js';
import { sofiaLocalToDate } from './directory.time.js';

/** Longest texts a form accepts; the views show them as maxlength too. */
export const LIMITS = {
  name: 200,
  functions: 4000,
  address: 300,
  hours: 200,
  phone: 40,
  email: 254,
  serviceText: 4000,
  serviceShort: 300,
  title: 200,
  text: 2000,
} as const;

/** Kinds of outside organisations a call can be transferred to (CC-14). */
export const TRANSFER_KINDS = ['emergency', 'police', 'crisis', 'utility', 'other'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Sofia's bounding box for an announcement's centre. */
export const SOFIA_BOX = { latMin: 42.4, latMax: 43.0, lonMin: 23.0, lonMax: 23.7 } as const;
/** The radius of an announcement's area, in metres. */
export const RADIUS = { min: 10, max: 20000 } as const;

const str = (v: unknown) => (v === undefined || v === null ? '' : v);
/** Longer texts keep their line breaks; names, titles, addresses and hours are one line. */
const MULTILINE = new Set<number>([LIMITS.functions, LIMITS.serviceText, LIMITS.text]);
const required = (max: number) => text({ max, multiline: MULTILINE.has(max) });
const optional = (max: number) => optionalText({ max, multiline: MULTILINE.has(max) }).transform((s) => s ?? null);
const phone = z
  .preprocess(str, z.string().trim().max(LIMITS.phone).regex(/^$|^[+0-9 ()/-]{3,40}$/))
  .transform((s) => (s === '' ? null : s));
const email = z
  .preprocess(str, z.string().trim().max(LIMITS.email))
  .refine((s) => s === '' || z.email().safeParse(s).success, { params: { code: 'EMAIL_INVALID' } })
  .transform((s) => (s === '' ? null : s));

/** A number typed into a form: comma or point decimals; empty is absent; true, [] or "1e3" are not numbers. */
const formNumber = z.preprocess(toNumber, z.number().optional());
/** Out of its range, a number's message says the range. */
const range = (min: number, max: number) => ({ params: { code: 'NUMBER_OUT_OF_RANGE' as const, min, max } });

/** A Sofia wall-clock time from a datetime-local input. */
const sofiaTime = z.preprocess((v) => {
  if (v instanceof Date) return v;
  const s = String(v ?? '').trim();
  if (s === '') return undefined;
  return sofiaLocalToDate(s) ?? s;
}, z.date());

/** A unit's directory data (CC-15). */
export const UnitDirectoryBody = z.object({
  functionsBg: optional(LIMITS.functions),
  functionsEn: optional(LIMITS.functions),
  address: optional(LIMITS.address),
  hours: optional(LIMITS.hours),
  phone,
  email,
});
export type UnitDirectoryInput = z.infer<typeof UnitDirectoryBody>;

/** An outside organisation offered for call transfers (CC-14). */
export const OrganisationBody = z.object({
  nameBg: required(LIMITS.name),
  nameEn: required(LIMITS.name),
  kind: z.enum(TRANSFER_KINDS),
  phone,
  hours: optional(LIMITS.hours),
  functionsBg: optional(LIMITS.functions),
  functionsEn: optional(LIMITS.functions),
  sort: formNumber.pipe(z.number().int().optional()).refine((n) => n === undefined || (n >= 0 && n <= 9999), range(0, 9999)).transform((n) => n ?? 0),
});
export type OrganisationInput = z.infer<typeof OrganisationBody>;

/** A municipal administrative service (CC-15). */
export const ServiceBody = z.object({
  nameBg: required(LIMITS.name),
  nameEn: required(LIMITS.name),
  howBg: optional(LIMITS.serviceText).transform((s) => s ?? ''),
  howEn: optional(LIMITS.serviceText).transform((s) => s ?? ''),
  documentsBg: optional(LIMITS.serviceText).transform((s) => s ?? ''),
  documentsEn: optional(LIMITS.serviceText).transform((s) => s ?? ''),
  deadlineBg: optional(LIMITS.serviceShort).transform((s) => s ?? ''),
  deadlineEn: optional(LIMITS.serviceShort).transform((s) => s ?? ''),
  priceBg: optional(LIMITS.serviceShort).transform((s) => s ?? ''),
  priceEn: optional(LIMITS.serviceShort).transform((s) => s ?? ''),
  unitCode: optional(40),
});
export type ServiceInput = z.infer<typeof ServiceBody>;

/** A new service also names its code, which stays fixed: links and the audit trail use it. */
export const NewServiceBody = ServiceBody.extend({
  code: z.preprocess((v) => String(v ?? '').trim().toUpperCase(), z.string().min(1).max(40).regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/)),
});
export type NewServiceInput = z.infer<typeof NewServiceBody>;

const AnnouncementFields = z.object({
  titleBg: required(LIMITS.title),
  titleEn: required(LIMITS.title),
  textBg: required(LIMITS.text),
  textEn: required(LIMITS.text),
  startsAt: sofiaTime,
  endsAt: sofiaTime,
  lat: formNumber.refine((n) => n === undefined || (n >= SOFIA_BOX.latMin && n <= SOFIA_BOX.latMax), { params: { code: 'OUTSIDE_SOFIA' } }),
  lon: formNumber.refine((n) => n === undefined || (n >= SOFIA_BOX.lonMin && n <= SOFIA_BOX.lonMax), { params: { code: 'OUTSIDE_SOFIA' } }),
  radiusM: formNumber.pipe(z.number().int().optional()).refine((n) => n === undefined || (n >= RADIUS.min && n <= RADIUS.max), range(RADIUS.min, RADIUS.max)),
  unitCode: optional(40),
});
export type AnnouncementInput = z.infer<typeof AnnouncementFields>;

/** Custom checks carry their own code (and range) in their params; the shared mapping reads them. */
function issuesOf(error: z.ZodError, input: unknown): FieldIssue[] {
  return zodIssues(error.issues, input);
}

/** Parses a form with a schema, or throws VALIDATION naming every bad field (custom checks carry their own code). */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('VALIDATION', { issues: issuesOf(r.error, input) });
}

/**
 * An announcement: each field on its own, then what concerns several fields (the period, an area
 * given in part), so that one answer names every problem.
 */
export function parseAnnouncement(input: Record<string, unknown>): AnnouncementInput {
  const r = AnnouncementFields.safeParse(input);
  const issues: FieldIssue[] = r.success ? [] : issuesOf(r.error, input);
  const bad = new Set(issues.map((i) => i.field));
  const v = (r.success ? r.data : {}) as Partial<AnnouncementInput>;
  const given = (k: 'lat' | 'lon' | 'radiusM') => bad.has(k) || String(input[k] ?? '').trim() !== '';
  if (!bad.has('startsAt') && !bad.has('endsAt')) {
    const s = r.success ? v.startsAt : sofiaTime.safeParse(input.startsAt).data;
    const e = r.success ? v.endsAt : sofiaTime.safeParse(input.endsAt).data;
    if (s && e && e.getTime() <= s.getTime()) issues.push({ field: 'endsAt', code: 'FIELD_INVALID' });
  }
  // An area is a centre and a radius together, or nothing.
  if (given('lat') || given('lon') || given('radiusM')) {
    for (const k of ['lat', 'lon', 'radiusM'] as const) if (!given(k)) issues.push({ field: k, code: 'FIELD_REQUIRED' });
  }
  if (issues.length) throw new AppError('VALIDATION', { issues });
  return r.data!;
}
