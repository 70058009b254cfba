import { z } from 'zod';
import { optionalText, text as textField } from '../../platform/errors/validation.js';

/**
 * The JSON shapes of Open311 GeoReport v2 answers, as the shared JSON Schemas in
 * reference/open311-schema describe them; the XML answers carry the same data.
 */

const text = z.string().nullable();

export const O311Discovery = z.object({
  changeset: z.string().describe('When this document last changed'),
  contact: z.string(),
  key_service: z.string().describe('How a client application gets an api_key'),
  endpoints: z.array(
    z.object({
      specification: z.string(),
      url: z.string(),
      changeset: z.string(),
      type: z.enum(['production', 'test']),
      formats: z.array(z.string()),
    }),
  ),
});

export const O311Service = z.object({
  service_code: z.string().describe('The catalogue type code'),
  service_name: z.string(),
  description: text,
  metadata: z.boolean().describe('true when the type asks extra fields: GET services/{service_code} lists them'),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: text,
  group: text.describe('The category'),
});

export const O311Attribute = z.object({
  variable: z.boolean(),
  code: z.string(),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean(),
  datatype_description: text,
  order: z.number().int(),
  description: text,
  values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
});

export const O311ServiceDefinition = z.object({ service_code: z.string(), attributes: z.array(O311Attribute) });

export const O311Note = z.object({
  datetime: z.string(),
  type: z.string().describe('registered, routed, status, answer, redirected, rejected, duplicate'),
  summary: z.string(),
  description: text,
});

export const O311Request = z.object({
  service_request_id: z.string().describe('The registration number, e.g. СО26-КЦ01-000123'),
  status: z.enum(['open', 'closed']),
  status_notes: text.describe('The latest public answer'),
  service_name: text,
  service_code: z.string(),
  description: text,
  agency_responsible: text.describe('The unit handling it'),
  service_notice: text.describe('The detailed status, e.g. "In progress"'),
  requested_datetime: z.string(),
  updated_datetime: text,
  expected_datetime: text,
  address: text,
  zipcode: text,
  lat: z.number().nullable(),
  long: z.number().nullable(),
  media_url: text,
  notes: z.array(O311Note).optional().describe('With extensions=true: the public history'),
  extended_attributes: z
    .object({ detailed_status: z.string(), media_urls: z.array(z.string()) })
    .optional()
    .describe('With extensions=true: our status code and the photos'),
});

export const O311Created = z.object({
  service_request_id: z.string(),
  service_notice: text,
  account_id: z.string().optional().describe('The account_id sent, echoed'),
  token: z.string().describe('Private token: GET tokens/{token} answers the service_request_id'),
});

export const O311Token = z.object({ service_request_id: z.string(), token: z.string() });

/** One entry of FixMyStreet's servicerequestupdates, so its Open311 client can follow our answers. */
export const O311Update = z.object({
  update_id: z.string(),
  service_request_id: z.string(),
  status: z.string().describe('open, in_progress, investigating, closed, no_further_action, duplicate'),
  external_status_code: z.string().describe('Our status code'),
  updated_datetime: z.string(),
  description: text,
  media_url: text,
});

export const O311Errors = z.array(z.object({ code: z.number().int(), description: z.string() }));

export type O311DiscoveryT = z.infer<typeof O311Discovery>;
export type O311ServiceT = z.infer<typeof O311Service>;
export type O311ServiceDefinitionT = z.infer<typeof O311ServiceDefinition>;
export type O311RequestT = z.infer<typeof O311Request>;
export type O311CreatedT = z.infer<typeof O311Created>;
export type O311UpdateT = z.infer<typeof O311Update>;

const q = (description: string) => z.string().optional().describe(description);

/** Every Open311 call may name the jurisdiction; we answer to sofia.bg and to none. */
export const JurisdictionQuery = z.object({
  jurisdiction_id: q('sofia.bg, or leave it out'),
  lang: z.enum(['bg', 'en']).optional().describe('Language of names and messages; default bg'),
});

export const RequestsQuery = JurisdictionQuery.extend({
  service_request_id: q('Comma-separated registration numbers; when given, the other filters are ignored'),
  service_code: q('Comma-separated service codes'),
  start_date: q('W3C date-time with zone, e.g. 2026-11-01T00:00:00+02:00; default 90 days before end_date'),
  end_date: q('W3C date-time with zone; at most 90 days after start_date; default now'),
  status: q('open, closed, or both comma-separated'),
  page: q('Page number from 1'),
  page_size: q('Results per page, 1–1000; default 1000'),
  extensions: q('true adds the public history (notes) and the photos'),
});

export const UpdatesQuery = JurisdictionQuery.extend({
  start_date: q('W3C date-time with zone; default 90 days before end_date'),
  end_date: q('W3C date-time with zone; at most 90 days after start_date; default now'),
  page: q('Page number from 1'),
  page_size: q('Results per page, 1–1000; default 1000'),
  api_key: q('Accepted and not required: updates are public'),
});

export const PostRequestBody = z.looseObject({
  api_key: z.string().describe('The client application’s key (required)'),
  jurisdiction_id: q('sofia.bg, or leave it out'),
  service_code: z.string().describe('From GET services'),
  lat: q('Latitude, WGS84; with long'),
  long: q('Longitude, WGS84; with lat'),
  address_string: optionalText({ max: 300 }).describe('Address or landmark, when there is no point'),
  'attribute[code]': q('Answer to an extra field; attribute[code][] for multivaluelist'),
  description: textField({ max: 4000, multiline: true }).describe('What is wrong, up to 4,000 characters; no control characters but line breaks and tabs'),
  email: q('For the confirmation with the private link'),
  first_name: optionalText({ max: 200 }).describe('Submitter (first and last name together at most 200 characters)'),
  last_name: optionalText({ max: 200 }).describe('Submitter'),
  phone: q('Submitter'),
  media_url: optionalText({ max: 2000 }).describe('Address (http or https) of a photo or video the client keeps'),
  device_id: optionalText({ max: 200 }).describe('The client device'),
  account_id: optionalText({ max: 200 }).describe('The person’s account at the client'),
});

/** The export and feed filters: the map's, with dates. */
export const SignalsQuery = z.object({
  bbox: q('west,south,east,north in degrees'),
  category: q('Category id from GET /api/v1/catalog'),
  status: q('A status code: pending, in_progress, awaiting_reply, notified, closed, rejected, duplicate'),
  district: q('District number "01".."24"'),
  from: q('Registered on or after this day, YYYY-MM-DD (Sofia time)'),
  to: q('Registered on or before this day, YYYY-MM-DD (Sofia time)'),
  lang: z.enum(['bg', 'en']).optional().describe('Language of names; default bg'),
});
