import { z } from 'zod';
import { STATUS_CODES } from './cases.policy.js';

const optionalText = (max: number) => z.string().trim().max(max).optional();

/** What a citizen submits: a signal (with a place) or a question (CC-1, CC-2). */
export const SubmitCaseBody = z.object({
  kind: z.enum(['signal', 'question']).default('signal').describe('signal: a problem at a place; question: an information request'),
  categoryId: z.coerce.number().int().positive().describe('Category id from GET /api/v1/catalog'),
  typeId: z.coerce.number().int().positive().describe('Type id; must belong to the category'),
  description: z.string().trim().min(1).max(4000).describe('What is wrong, up to 4,000 characters'),
  address: optionalText(300).describe('Street address or a landmark'),
  lat: z.coerce.number().min(-90).max(90).optional().describe('Latitude, WGS84'),
  lon: z.coerce.number().min(-180).max(180).optional().describe('Longitude, WGS84'),
  districtCode: z.string().regex(/^\d{2}$/).optional().describe('District number "01".."24" when no point is given'),
  extra: z
    .record(z.string(), z.union([z.string(), z.array(z.string()), z.number(), z.boolean()]))
    .optional()
    .describe("Answers to the type's extra fields, by field code"),
  name: optionalText(200).describe('Submitter name (optional; none and no contact = anonymous)'),
  submitterAddress: optionalText(300).describe('Submitter postal address (optional)'),
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
  zoom: z.coerce.number().int().min(0).max(22).default(12),
  category: z.coerce.number().int().positive().optional(),
  status: z.enum(STATUS_CODES as [string, ...string[]]).optional(),
  district: z.string().regex(/^\d{2}$/).optional(),
});
export type MapFilter = z.infer<typeof MapQuery>;
