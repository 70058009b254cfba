import { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { ID_MAX, int, optionalText, parseOrThrow, text as textOf } from '../../platform/errors/validation.js';
import { STAFF_ROLES } from '../../platform/web/guards.js';

/** Codes of organisations and units, as the seeds write them: "SO", "R01-ADM", "DIR-TRANSPORT". */
export const BODY_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
/** Codes of categories and types, as the seeds write them: "cs12", "cs12-3". */
export const CATALOG_CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** Codes of extra fields and their options: they become form names and JSON keys of stored answers. */
export const FIELD_CODE = /^[a-z][a-z0-9_]{0,39}$/;

/** A one-line required text (a name, a subject). */
const text = (max: number) => textOf({ max });
/** An optional one-line text: empty becomes null. */
const optText = (max: number) => optionalText({ max }).transform((v) => v ?? null);
const id = int({ min: 1, max: ID_MAX });
/** An optional id from a select: empty becomes null. */
const optId = z.preprocess((v) => (v === '' || v === undefined ? null : v), id.nullable());
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1' || v === true, z.boolean());
const sort = z.preprocess((v) => (v === '' || v === undefined ? 0 : v), int({ min: -1_000_000, max: 1_000_000 }));
const optEmail = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v), z.email().max(254).optional()).transform((v) => v ?? null);

/** An organisation: the Municipality, a district administration, a utility … */
export const OrganisationBody = z.object({
  code: z.string().trim().regex(BODY_CODE),
  kind: z.string().trim().regex(/^[a-z][a-z0-9_]{1,39}$/),
  nameBg: text(200),
  nameEn: text(200),
  phone: optText(60),
  email: optEmail,
  address: optText(300),
  hours: optText(200),
});
export type OrganisationInput = z.infer<typeof OrganisationBody>;

/** A unit of an organisation, optionally under a parent unit and serving a district. */
export const UnitBody = z.object({
  organisationId: id,
  parentId: optId,
  code: z.string().trim().regex(BODY_CODE),
  nameBg: text(200),
  nameEn: text(200),
  districtId: optId,
  active: checkbox,
});
export type UnitInput = z.infer<typeof UnitBody>;

/** A new staff account (AC-5); the person sets the password from the emailed link. */
export const StaffCreateBody = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.]{3,30}$/),
  firstName: text(100),
  lastName: text(100),
  email: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.email().max(254)),
  role: z.enum(STAFF_ROLES),
  unitId: optId,
  locale: z.enum(['bg', 'en']).default('bg'),
});
export type StaffCreateInput = z.infer<typeof StaffCreateBody>;

/** A staff member's role and unit. */
export const StaffUpdateBody = z.object({ role: z.enum(STAFF_ROLES), unitId: optId });
export type StaffUpdateInput = z.infer<typeof StaffUpdateBody>;

/** A category of the catalogue. */
export const CategoryBody = z.object({
  code: z.string().trim().regex(CATALOG_CODE),
  nameBg: text(200),
  nameEn: text(200),
  sort,
  active: checkbox,
});
export type CategoryInput = z.infer<typeof CategoryBody>;

/** A type of the catalogue (its fields and routing rule have their own forms). */
export const TypeBody = z.object({
  categoryId: id,
  code: z.string().trim().regex(CATALOG_CODE),
  nameBg: text(300),
  nameEn: text(300),
  sort,
  active: checkbox,
});
export type TypeInput = z.infer<typeof TypeBody>;

/** CC-9: where new documents of a type go. */
export const RouteBody = z.object({
  routeTo: z.enum(['district', 'unit', 'organisation']),
  routeUnitId: optId,
  routeOrganisationId: optId,
});
export type RouteInput = z.infer<typeof RouteBody>;

/** Who receives a service message: one user or everyone holding a role. */
export const RECIPIENT_ROLES = ['citizen', ...STAFF_ROLES] as const;

/** CC-18: a service message. */
export const MessageBody = z.object({
  to: z.enum(['user', 'role']),
  username: optionalText({ max: 254 }),
  role: z.enum(RECIPIENT_ROLES).optional(),
  subject: text(200),
  body: textOf({ max: 5000, multiline: true }),
});
export type MessageInput = z.infer<typeof MessageBody>;

/**
 * Parses a form with a schema; a malformed code or username gets its own message rather than
 * "invalid value", so the person knows what to change.
 */
export function parseForm<S extends z.ZodType>(schema: S, input: Record<string, string>): z.infer<S> {
  try {
    return parseOrThrow(schema, input);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const issues = err.issues.map((i) => {
      if (i.code === 'FIELD_INVALID' && (input[i.field] ?? '').trim() === '') return { ...i, code: 'FIELD_REQUIRED' as const };
      if (i.field === 'code' && (i.code === 'FIELD_INVALID' || i.code === 'FIELD_TOO_LONG')) return { ...i, code: 'CODE_INVALID' as const };
      if (i.field === 'username' && (i.code === 'FIELD_INVALID' || i.code === 'FIELD_TOO_LONG')) return { ...i, code: 'USERNAME_INVALID' as const };
      return i;
    });
    throw new AppError('VALIDATION', { issues });
  }
}
