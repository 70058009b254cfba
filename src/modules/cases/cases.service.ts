import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Orm } from '../../platform/db/index.js';
import { AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { processPhoto, type ProcessedPhoto } from '../../platform/files/images.js';
import { districts, locate, neighbourhoods } from '../../platform/geo/index.js';
import { parseRegNumber } from '../../platform/register/index.js';
import { insertRegistered } from './cases.store.js';
import { getCatalog, localName, type CatalogType } from '../catalog/index.js';
import { caseTypes, categories, units } from '../catalog/catalog.tables.js';
import { validateExtra } from './cases.extra.js';
import { routeFor } from './cases.routing.js';
import { mapChanged } from './cases.map.js';
import { confirmationMail } from './cases.mail.js';
import { KINDS, STATUSES, kindOfRegister, type CaseKind, type CaseStatus } from './cases.policy.js';
import type { SubmitCaseInput } from './cases.schemas.js';
import { caseFiles, cases } from './cases.tables.js';

/** An uploaded file as the edge received it. */
export interface Upload {
  field: string;
  data: Buffer;
}

/** What a successful submission returns to its submitter. */
export interface Submitted {
  id: number;
  number: string;
  registeredAt: Date;
  kind: CaseKind;
  anonymous: boolean;
  /** The private link's token: shown once, and sent by email. */
  token: string;
}

/** The label the public sees for the Contact Center's own actions. */
const CONTACT_CENTER = { bg: 'Контактен център', en: 'Contact Center' };

/** Hashes a private-link token for storage and look-up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Registers a signal or question (CC-1..CC-4): checks it against the catalogue and the map,
 * strips and stores its photos, gives it a registration number, writes its first history
 * entry and queues the confirmation email — all in one transaction.
 */
export async function submitCase(
  ctx: Ctx,
  input: SubmitCaseInput,
  photos: Upload[],
  channel: 'web' | 'api' | 'open311' | 'phone' = 'web',
  authorId: string | null = null,
  client: { mediaUrl?: string; deviceId?: string; accountId?: string; apiKeyId?: number } = {},
): Promise<Submitted> {
  const policy = KINDS[input.kind];
  const catalog = await getCatalog(ctx.db.orm);
  const issues: FieldIssue[] = [];

  const category = catalog.category(input.categoryId);
  const type: CatalogType | undefined = catalog.type(input.typeId);
  if (!category) issues.push({ field: 'categoryId', code: 'CATEGORY_UNKNOWN' });
  if (!type) issues.push({ field: 'typeId', code: 'TYPE_UNKNOWN' });
  else if (category && type.categoryId !== category.id) issues.push({ field: 'typeId', code: 'TYPE_NOT_IN_CATEGORY' });
  const extra = type ? validateExtra(type.fields, input.extra ?? {}, issues) : {};

  const hasLat = input.lat !== undefined;
  const hasLon = input.lon !== undefined;
  if (hasLat !== hasLon) issues.push({ field: hasLat ? 'lon' : 'lat', code: 'COORDINATES_INVALID' });
  const point = hasLat && hasLon ? { lon: input.lon!, lat: input.lat! } : null;
  if (policy.place === 'required' && !point && !input.address) issues.push({ field: 'address', code: 'PLACE_REQUIRED' });
  if (photos.length > policy.maxPhotos) issues.push({ field: 'photos', code: 'TOO_MANY_PHOTOS' });
  if (issues.length) throw new AppError('VALIDATION', { issues });

  const place = point && policy.place !== 'none' ? await locate(ctx.db.orm, point, 'location') : null;
  let districtId = place?.districtId ?? null;
  if (!place && input.districtCode && policy.place !== 'none') {
    const [d] = await ctx.db.orm.select({ id: districts.id }).from(districts).where(eq(districts.code, input.districtCode));
    if (!d) throw new AppError('VALIDATION', { issues: [{ field: 'districtCode', code: 'NOT_IN_LIST' }] });
    districtId = d.id;
  }

  const route = await routeFor(ctx.db.orm, type, districtId);

  // Decoding is the slow part: do it before the transaction so the register is never held waiting on it.
  const processed: ProcessedPhoto[] = [];
  for (const p of photos) processed.push(await processPhoto(p.data, p.field));
  const fileIds = processed.map(() => randomUUID());
  await Promise.all(
    processed.flatMap((p, i) => [
      ctx.files.put(`photos/${fileIds[i]}/large.jpg`, p.large),
      ctx.files.put(`photos/${fileIds[i]}/thumb.jpg`, p.thumb),
    ]),
  );

  const anonymous = !input.name && !input.email && !input.phone;
  const token = randomBytes(24).toString('base64url');
  const now = ctx.now();
  try {
    const reg = await insertRegistered(ctx.db, ctx.jobs, {
      registerCode: policy.register,
      at: now,
      values: {
        kind: input.kind,
        registeredAt: now,
        channel,
        categoryId: category!.id,
        typeId: type!.id,
        status: 'pending',
        description: input.description,
        address: input.address ?? null,
        location: place ? point : null,
        districtId,
        neighbourhoodId: place?.neighbourhoodId ?? null,
        extra,
        authorId,
        mediaUrl: client.mediaUrl ?? null,
        deviceId: client.deviceId ?? null,
        clientAccountId: client.accountId ?? null,
        apiKeyId: client.apiKeyId ?? null,
        submitterName: input.name ?? null,
        submitterAddress: input.submitterAddress ?? null,
        submitterPhone: input.phone ?? null,
        submitterEmail: input.email ?? null,
        lang: input.lang,
        anonymous,
        accessTokenHash: hashToken(token),
        isPublic: policy.isPublic,
        unitId: route.unitId,
        organisationId: route.organisationId,
        photoCount: processed.length,
        updatedAt: now,
      },
      events: [
        { at: now, type: 'registered', statusTo: 'pending', isPublic: true, actorLabel: CONTACT_CENTER.bg },
        // The public history says at once who has it (CC-9): a unit or an organisation, never a person.
        { at: now, type: 'routed', isPublic: true, actorLabel: route.label.bg, text: null },
      ],
      files: processed.map((p, i) => ({
        id: fileIds[i]!,
        kind: 'photo',
        position: i,
        mime: 'image/jpeg',
        originalKind: p.kind,
        width: p.width,
        height: p.height,
        bytes: p.bytes,
      })),
      mails: (number) =>
        input.email
          ? [
              confirmationMail({
                to: input.email,
                lang: input.lang,
                kind: input.kind,
                number,
                registeredAt: now,
                category: category ? localName(category, input.lang) : '',
                type: type ? localName(type, input.lang) : '',
                privateUrl: `${ctx.config.publicBaseUrl}/p/${token}`,
                publicUrl: `${ctx.config.publicBaseUrl}${caseUrl(number)}`,
                name: input.name ?? null,
              }),
            ]
          : [],
    });
    if (policy.isPublic) mapChanged();
    return { id: reg.id, number: reg.number, registeredAt: now, kind: input.kind, anonymous, token };
  } catch (err) {
    // The case was not stored: its photos must not linger without an owner.
    await Promise.all(fileIds.map((f) => ctx.files.remove(`photos/${f}`).catch(() => undefined)));
    throw err;
  }
}

/** The public page address of a case. */
export function caseUrl(number: string): string {
  return `/cases/${encodeURIComponent(number)}`;
}

/** A case as pages and the API present it; `submitter` only through the private link. */
export interface CaseView {
  id: number;
  number: string;
  kind: CaseKind;
  registeredAt: Date;
  status: CaseStatus;
  subject: string | null;
  isPublic: boolean;
  unit: { bg: string; en: string } | null;
  authorId: string | null;
  unitId: number | null;
  category: { bg: string; en: string } | null;
  type: { bg: string; en: string; fields: CatalogType['fields'] } | null;
  district: { bg: string; en: string } | null;
  neighbourhood: { bg: string; en: string } | null;
  address: string | null;
  description: string;
  lat: number | null;
  lon: number | null;
  extra: Record<string, unknown>;
  anonymous: boolean;
  photos: { id: string; width: number | null; height: number | null }[];
  /** Attached documents; only in views for the author and staff. */
  documents: { id: string; filename: string; mime: string; bytes: number }[];
  history: { at: Date; type: string; statusFrom: string | null; statusTo: string | null; text: string | null; by: string | null }[];
  submitter?: { name: string | null; address: string | null; phone: string | null; email: string | null };
}

/** The columns a view is built from: the case, the names it refers to, its history and files as JSON. */
function viewColumns(withSubmitter: boolean) {
  return {
    id: cases.id,
    regNumber: cases.regNumber,
    kind: cases.kind,
    registeredAt: cases.registeredAt,
    status: cases.status,
    subject: cases.subject,
    isPublic: cases.isPublic,
    authorId: cases.authorId,
    unitId: cases.unitId,
    address: cases.address,
    description: cases.description,
    extra: cases.extra,
    anonymous: cases.anonymous,
    submitterName: cases.submitterName,
    submitterAddress: cases.submitterAddress,
    submitterPhone: cases.submitterPhone,
    submitterEmail: cases.submitterEmail,
    lon: sql<number | null>`ST_X(${cases.location})`,
    lat: sql<number | null>`ST_Y(${cases.location})`,
    catBg: categories.nameBg,
    catEn: categories.nameEn,
    typeBg: caseTypes.nameBg,
    typeEn: caseTypes.nameEn,
    typeFields: caseTypes.fields,
    dBg: districts.nameBg,
    dEn: districts.nameEn,
    nBg: neighbourhoods.nameBg,
    nEn: neighbourhoods.nameEn,
    uBg: units.nameBg,
    uEn: units.nameEn,
    // History and files in the same statement: one round trip per page instead of three.
    events: sql<EventJson[]>`(SELECT coalesce(json_agg(json_build_object('at', e.at, 'type', e.type, 'from', e.status_from, 'to', e.status_to, 'text', e.text, 'by', e.actor_label) ORDER BY e.at, e.id), '[]'::json)
      FROM case_events e WHERE e.case_id = ${cases.id}${withSubmitter ? sql`` : sql` AND e.is_public`})`,
    files: sql<FileJson[]>`(SELECT coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'width', f.width, 'height', f.height, 'filename', f.filename, 'mime', f.mime, 'bytes', f.bytes, 'eventId', f.event_id) ORDER BY f.position), '[]'::json)
      FROM case_files f WHERE f.case_id = ${cases.id} AND NOT f.hidden)`,
  };
}

interface EventJson {
  at: string;
  type: string;
  from: string | null;
  to: string | null;
  text: string | null;
  by: string | null;
}
interface FileJson {
  id: string;
  kind: string;
  width: number | null;
  height: number | null;
  filename: string | null;
  mime: string;
  bytes: number;
  eventId: number | null;
}

function viewQuery(orm: Orm, withSubmitter: boolean) {
  return orm
    .select(viewColumns(withSubmitter))
    .from(cases)
    .leftJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .leftJoin(districts, eq(districts.id, cases.districtId))
    .leftJoin(neighbourhoods, eq(neighbourhoods.id, cases.neighbourhoodId))
    .leftJoin(units, eq(units.id, cases.unitId));
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['execute']>>[number];

function toView(r: ViewRow, withSubmitter: boolean): CaseView {
  const events = (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as EventJson[];
  const files = (typeof r.files === 'string' ? JSON.parse(r.files) : r.files) as FileJson[];
  const photos = files.filter((f) => f.kind === 'photo').map((f) => ({ id: f.id, width: f.width, height: f.height }));
  // The public sees the files staff attached to a public answer; the submitter's own files stay private.
  const documents = files
    .filter((f) => f.kind === 'document' && (withSubmitter || f.eventId !== null))
    .map((f) => ({ id: f.id, filename: f.filename ?? 'document', mime: f.mime, bytes: Number(f.bytes) }));
  const view: CaseView = {
    id: Number(r.id),
    number: r.regNumber,
    kind: r.kind as CaseKind,
    registeredAt: r.registeredAt,
    status: r.status as CaseStatus,
    subject: r.subject,
    isPublic: r.isPublic,
    unit: r.uBg ? { bg: r.uBg, en: r.uEn! } : null,
    authorId: r.authorId,
    unitId: r.unitId,
    category: r.catBg ? { bg: r.catBg, en: r.catEn! } : null,
    type: r.typeBg ? { bg: r.typeBg, en: r.typeEn!, fields: r.typeFields ?? [] } : null,
    district: r.dBg ? { bg: r.dBg, en: r.dEn! } : null,
    neighbourhood: r.nBg ? { bg: r.nBg, en: r.nEn! } : null,
    address: r.address,
    description: r.description,
    lat: r.lat === null ? null : Number(r.lat),
    lon: r.lon === null ? null : Number(r.lon),
    extra: r.extra,
    anonymous: r.anonymous,
    photos,
    documents,
    history: events.map((e) => ({ at: new Date(e.at), type: e.type, statusFrom: e.from, statusTo: e.to, text: e.text, by: e.by })),
  };
  if (withSubmitter) {
    view.submitter = { name: r.submitterName, address: r.submitterAddress, phone: r.submitterPhone, email: r.submitterEmail };
  }
  return view;
}

/** Loads a case for presenting; `withSubmitter` adds personal data, internal history and documents. */
export async function loadView(orm: Orm, where: ReturnType<typeof eq>, withSubmitter: boolean): Promise<CaseView | null> {
  const [r] = await viewQuery(orm, withSubmitter).where(where).limit(1);
  return r ? toView(r, withSubmitter) : null;
}

// The public lookup by number is the hottest read (tracking, the public page, Open311): a named
// prepared statement per database, so neither drizzle nor PostgreSQL plans it again per request.
const publicByNumber = new WeakMap<Orm, ReturnType<typeof preparePublicByNumber>>();
function preparePublicByNumber(orm: Orm) {
  return viewQuery(orm, false)
    .where(
      and(
        eq(cases.registerCode, sql.placeholder('code')),
        eq(cases.regYear, sql.placeholder('year')),
        eq(cases.regSeq, sql.placeholder('seq')),
        eq(cases.isPublic, true),
        eq(cases.hidden, false),
      ),
    )
    .limit(1)
    .prepare('case_public_by_number');
}

/**
 * Finds a public document by its registration number, however old (CC-5). Malformed numbers,
 * unknown numbers, hidden and non-public documents all answer null: the caller shows "not found".
 */
export async function findPublicByNumber(orm: Orm, input: string): Promise<CaseView | null> {
  const parsed = parseRegNumber(input);
  if (!parsed) return null;
  const kind = kindOfRegister(parsed.registerCode);
  if (!kind || !KINDS[kind].isPublic) return null;
  const year = 2000 + parsed.yy;
  let q = publicByNumber.get(orm);
  if (!q) publicByNumber.set(orm, (q = preparePublicByNumber(orm)));
  const [r] = await q.execute({ code: parsed.registerCode, year, seq: parsed.seq });
  return r ? toView(r, false) : null;
}

/** Opens a document through its private link (CC-4), with the submitter's own data. */
export async function findByToken(orm: Orm, token: string): Promise<CaseView | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return loadView(orm, eq(cases.accessTokenHash, hashToken(token)), true);
}

/** The label of a status in a language. */
export function statusLabel(s: string, lang: Lang): string {
  return (STATUSES as Record<string, { bg: string; en: string }>)[s]?.[lang] ?? s;
}

/** Whether a photo may be shown publicly: its case is public and neither it nor the case is hidden. */
export async function photoVisible(orm: Orm, fileId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(fileId)) return false;
  const [r] = await orm
    .select({ id: caseFiles.id })
    .from(caseFiles)
    .innerJoin(cases, eq(cases.id, caseFiles.caseId))
    .where(and(eq(caseFiles.id, fileId), eq(caseFiles.hidden, false), eq(cases.isPublic, true), eq(cases.hidden, false)))
    .limit(1);
  return !!r;
}

