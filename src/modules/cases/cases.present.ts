import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Orm, Tx } from '../../platform/db/index.js';
import { districts, neighbourhoods } from '../../platform/geo/index.js';
import { isFileId } from '../../platform/files/storage.js';
import { parseRegNumber } from '../../platform/register/index.js';
import { caseTypes, categories, units } from '../catalog/catalog.tables.js';
import type { CatalogType } from '../catalog/index.js';
import { AUDIENCE, eventsFor, filesFor, type Audience } from './cases.audience.js';
import type { CaseScope } from './cases.access.js';
import { KINDS, kindOfRegister, type CaseKind, type CaseStatus } from './cases.policy.js';
import { hashToken } from './cases.service.js';
import { caseFiles, cases, type EventVisibility } from './cases.tables.js';

/**
 * A case as one audience receives it (cases.audience.ts decides what that is). Pages, JSON,
 * Open311, emails and exports present this, never a row of their own.
 */
export interface CaseView {
  audience: Audience;
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
  /** Photos; hidden ones (with the reason) only for audiences that receive hidden files. */
  photos: { id: string; width: number | null; height: number | null; hidden: boolean; hiddenReason: string | null }[];
  /** Attached documents: the submitter's own for audiences that receive them, and those of answers this audience reads. */
  documents: { id: string; filename: string; mime: string; bytes: number }[];
  history: { at: Date; type: string; statusFrom: string | null; statusTo: string | null; text: string | null; by: string | null; visibility: EventVisibility }[];
  /** The submitter's data, for audiences that receive them (PR-1). */
  submitter?: { name: string | null; address: string | null; phone: string | null; email: string | null };
  /** Internal fields, for staff audiences only. */
  internal?: { hidden: boolean; hiddenReason: string | null; assigneeId: string | null; organisationId: number | null; duplicateOfId: number | null };
}

interface EventJson {
  at: string;
  type: string;
  from: string | null;
  to: string | null;
  text: string | null;
  by: string | null;
  v: EventVisibility;
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
  hidden: boolean;
  hiddenReason: string | null;
}

/** The columns of a view for an audience: the case, the names it refers to, and the history and files that audience receives, as JSON. */
function viewColumns(audience: Audience) {
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
    hidden: cases.hidden,
    hiddenReason: cases.hiddenReason,
    assigneeId: cases.assigneeId,
    organisationId: cases.organisationId,
    duplicateOfId: cases.duplicateOfId,
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
    events: sql<EventJson[]>`(SELECT coalesce(json_agg(json_build_object('at', e.at, 'type', e.type, 'from', e.status_from, 'to', e.status_to, 'text', e.text, 'by', e.actor_label, 'v', e.visibility) ORDER BY e.at, e.id), '[]'::json)
      FROM case_events e WHERE e.case_id = ${cases.id} AND ${eventsFor(audience, 'e')})`,
    files: sql<FileJson[]>`(SELECT coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'width', f.width, 'height', f.height, 'filename', f.filename, 'mime', f.mime, 'bytes', f.bytes, 'eventId', f.event_id, 'hidden', f.hidden, 'hiddenReason', f.hidden_reason) ORDER BY f.position), '[]'::json)
      FROM case_files f WHERE f.case_id = ${cases.id} AND ${filesFor(audience, 'f')})`,
  };
}

function viewQuery(orm: Orm | Tx, audience: Audience) {
  return orm
    .select(viewColumns(audience))
    .from(cases)
    .leftJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(caseTypes, eq(caseTypes.id, cases.typeId))
    .leftJoin(districts, eq(districts.id, cases.districtId))
    .leftJoin(neighbourhoods, eq(neighbourhoods.id, cases.neighbourhoodId))
    .leftJoin(units, eq(units.id, cases.unitId));
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['execute']>>[number];

function toView(r: ViewRow, audience: Audience): CaseView {
  const rights = AUDIENCE[audience];
  const events = (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as EventJson[];
  const files = (typeof r.files === 'string' ? JSON.parse(r.files) : r.files) as FileJson[];
  // The SQL already chose this audience's files; the answer files' entries must be among its events too.
  const photos = files
    .filter((f) => f.kind === 'photo')
    .map((f) => ({ id: f.id, width: f.width, height: f.height, hidden: f.hidden, hiddenReason: rights.hiddenFiles ? f.hiddenReason : null }));
  const documents = files
    .filter((f) => f.kind === 'document')
    .map((f) => ({ id: f.id, filename: f.filename ?? 'document', mime: f.mime, bytes: Number(f.bytes) }));
  const view: CaseView = {
    audience,
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
    history: events.map((e) => ({ at: new Date(e.at), type: e.type, statusFrom: e.from, statusTo: e.to, text: e.text, by: e.by, visibility: e.v })),
  };
  if (rights.submitter) view.submitter = { name: r.submitterName, address: r.submitterAddress, phone: r.submitterPhone, email: r.submitterEmail };
  if (rights.internal) view.internal = { hidden: r.hidden, hiddenReason: r.hiddenReason, assigneeId: r.assigneeId, organisationId: r.organisationId, duplicateOfId: r.duplicateOfId };
  return view;
}

/** Loads a case as an audience receives it; null when there is no such case. */
export async function loadView(orm: Orm | Tx, where: SQL, audience: Audience): Promise<CaseView | null> {
  const [r] = await viewQuery(orm, audience).where(where).limit(1);
  return r ? toView(r, audience) : null;
}

/** The condition that finds a case by its registration number, or null when the number is malformed or of no register. */
export function whereNumber(number: string): SQL | null {
  const parsed = parseRegNumber(number);
  if (!parsed || !kindOfRegister(parsed.registerCode)) return null;
  return and(eq(cases.registerCode, parsed.registerCode), eq(cases.regYear, 2000 + parsed.yy), eq(cases.regSeq, parsed.seq))!;
}

/** What the access policy needs of a case, by number; null when there is none. */
export async function caseScopeByNumber(orm: Orm | Tx, number: string): Promise<(CaseScope & { id: number }) | null> {
  const where = whereNumber(number);
  if (!where) return null;
  const [r] = await orm
    .select({ id: cases.id, unitId: cases.unitId, isPublic: cases.isPublic, hidden: cases.hidden, authorId: cases.authorId })
    .from(cases)
    .where(where)
    .limit(1);
  return r ? { ...r, id: Number(r.id) } : null;
}

/** The case a photo belongs to, as the access policy needs it; null when there is no such photo. */
export async function caseScopeOfPhoto(orm: Orm, fileId: string): Promise<(CaseScope & { id: number; photoHidden: boolean }) | null> {
  if (!isFileId(fileId)) return null;
  const [r] = await orm
    .select({ id: cases.id, unitId: cases.unitId, isPublic: cases.isPublic, hidden: cases.hidden, authorId: cases.authorId, photoHidden: caseFiles.hidden })
    .from(caseFiles)
    .innerJoin(cases, eq(cases.id, caseFiles.caseId))
    .where(and(eq(caseFiles.id, fileId), eq(caseFiles.kind, 'photo')))
    .limit(1);
  return r ? { ...r, id: Number(r.id) } : null;
}

// The public lookup by number is the hottest read (tracking, the public page, Open311): a named
// prepared statement per database, so neither drizzle nor PostgreSQL plans it again per request.
const publicByNumber = new WeakMap<Orm, ReturnType<typeof preparePublicByNumber>>();
function preparePublicByNumber(orm: Orm) {
  return viewQuery(orm, 'public')
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
 * Finds a public document by its registration number, however old (CC-5), as the public sees
 * it. Malformed numbers, unknown numbers, hidden and non-public documents all answer null: the
 * caller shows "not found".
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
  return r ? toView(r, 'public') : null;
}

/** Opens a document through its private link (CC-4), as its submitter receives it. */
export async function findByToken(orm: Orm, token: string): Promise<CaseView | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return loadView(orm, eq(cases.accessTokenHash, hashToken(token)), 'submitter');
}
