import { z } from 'zod';
import { ID_MAX, int, optionalInt, optionalNumber, optionalText, text } from '../../platform/errors/validation.js';
import { STATUS_CODES } from './cases.policy.js';

/** What a citizen submits: a signal (with a place) or a question (CC-1, CC-2). */
export const SubmitCaseBody = z.object({
  kind: z.enum(['signal', 'question']).default('signal').describe('signal: a problem at a place; question: an information request'),
  categoryId: int({ min: 1, max: ID_MAX }).describe('Category id from GET /api/v1/catalog'),
  typeId: int({ min: 1, max: ID_MAX }).describe('Type id; must belong to the category'),
  description: text({ max: 4000, multiline: true }).describe('What is wrong, up to 4,000 characters'),
  address: optionalText({ max: 300 }).describe('Street address or a landmark'),
  lat: optionalNumber({ min: -90, max: 90 }).describe('Latitude, WGS84'),
  lon: optionalNumber({ min: -180, max: 180 }).describe('Longitude, WGS84'),
  districtCode: z.string().regex(/^\d{2}$/).optional().describe('District number "01".."24" when no point is given'),
  extra: z
    .record(z.string(), z.union([z.string(), z.array(z.string()), z.number(), z.boolean()]))
    .optional()
    .describe("Answers to the type's extra fields, by field code"),
  name: optionalText({ max: 200 }).describe('Submitter name (optional; none and no contact = anonymous)'),
  submitterAddress: optionalText({ max: 300 }).describe('Submitter postal address (optional)'),
  phone: z.string().trim().max(40).regex(/^[+0-9 ()/-]{5,40}$/).optional().describe('Submitter phone (optional)'),
  email: z.email().max(254).optional().describe('Email for notifications and the private link (optional)'),
  lang: z.enum(['bg', 'en']).default('bg').describe('Language of the emails'),
});
export type SubmitCaseInput = z.infer<typeof SubmitCaseBody>;

/** The answer to a successful submission. */
export const SubmittedCase = z.object({
  number: z.string().describe('Registration number, e.g. СО26-КЦ01-000123'),
  registeredAt: z.string().describe('Registration date and time, ISO 8601'),
  kind: z.enum(['signal', 'question']),
  url: z.string().describe('Public page of the document'),
  anonymous: z.boolean(),
});

export const PublicEvent = z.object({
  at: z.string(),
  type: z.string(),
  status: z.string().nullable(),
  statusLabel: z.string().nullable(),
  text: z.string().nullable(),
  by: z.string().nullable(),
});

/** The public face of a signal or question: never the submitter's personal data. */
export const PublicCase = z.object({
  number: z.string(),
  kind: z.string(),
  registeredAt: z.string(),
  status: z.enum(STATUS_CODES as [string, ...string[]]),
  statusLabel: z.string(),
  open: z.boolean(),
  category: z.string().nullable(),
  type: z.string().nullable(),
  district: z.string().nullable(),
  neighbourhood: z.string().nullable(),
  address: z.string().nullable(),
  description: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  photos: z.array(z.object({ url: z.string(), thumbUrl: z.string() })),
  history: z.array(PublicEvent),
});

export const MapQuery = z.object({
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/)
    .optional()
    .describe('west,south,east,north in degrees; default: all of Sofia'),
  zoom: int({ min: 0, max: 22 }).default(12),
  category: optionalInt({ min: 1, max: ID_MAX }),
  status: z.enum(STATUS_CODES as [string, ...string[]]).optional(),
  district: z.string().regex(/^\d{2}$/).optional(),
});
export type MapFilter = z.infer<typeof MapQuery>;
