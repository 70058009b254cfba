import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { AppError, type FieldIssue, type Lang } from '../../platform/errors/index.js';
import { processPhoto, type ProcessedPhoto } from '../../platform/files/images.js';
import { bytesOf, type Bytes } from '../../platform/files/storage.js';
import { districts, locate } from '../../platform/geo/index.js';
import { hitLimits, type LimitHit } from '../../platform/ratelimit/index.js';
import { insertRegistered } from './cases.store.js';
import { registrationExtension } from './cases.hooks.js';
import { visibilityOf } from './cases.audience.js';
import { getCatalog, localName, type CatalogType } from '../catalog/index.js';
import { validateExtra } from './cases.extra.js';
import { sofiaDateTime } from '../../platform/i18n/index.js';
import { routeFor } from './cases.routing.js';
import { mapChanged } from './cases.map.js';
import { confirmationMail } from './cases.mail.js';
import { isVerifiedEmail, submissionHits } from './cases.limits.js';
import { KINDS, STATUSES, type CaseKind } from './cases.policy.js';
import type { SubmitCaseInput } from './cases.schemas.js';

/** An uploaded file as the edge received it. */
export interface Upload {
  field: string;
  data: Bytes;
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
  client: {
    mediaUrl?: string;
    deviceId?: string;
    accountId?: string;
    apiKeyId?: number;
    /** The client's address (web forms, JSON API): counted by the per-address limit. */
    ip?: string;
    /** The signed-in person's own verified email: not limited as a recipient, and greeted by name. */
    verifiedEmail?: string | null;
    /** The caller's own counters, passed in the same statement (an Open311 key's quota). */
    limits?: LimitHit[];
  } = {},
): Promise<Submitted> {
  const policy = KINDS[input.kind];
  const catalog = await getCatalog(ctx.db.orm);
  const issues: FieldIssue[] = [];

  const category = catalog.category(input.categoryId);
  const type: CatalogType | undefined = catalog.type(input.typeId);
  if (!category) issues.push({ field: 'categoryId', code: 'CATEGORY_UNKNOWN' });
  if (!type) issues.push({ field: 'typeId', code: 'TYPE_UNKNOWN' });
  else if (category && type.categoryId !== category.id) issues.push({ field: 'typeId', code: 'TYPE_NOT_IN_CATEGORY' });
  const extra = type ? validateExtra(type.fields, input.extra ?? {}, issues, sofiaDateTime(ctx.now()).slice(0, 10)) : {};

  const hasLat = input.lat !== undefined;
  const hasLon = input.lon !== undefined;
  if (hasLat !== hasLon) issues.push({ field: hasLat ? 'lon' : 'lat', code: 'COORDINATES_INVALID' });
  const point = hasLat && hasLon ? { lon: input.lon!, lat: input.lat! } : null;
  if (policy.place === 'required' && !point && !input.address) issues.push({ field: 'address', code: 'PLACE_REQUIRED' });
  if (photos.length > policy.maxPhotos) issues.push({ field: 'photos', code: 'TOO_MANY_PHOTOS' });
  if (issues.length) throw new AppError('VALIDATION', { issues });

  // Issue 11: limits before anything expensive (geolocation, photos, the register), so that a refused
  // submission takes no number. Operators registering a call (channel phone) are staff: not limited.
  const emailVerified = isVerifiedEmail(input.email, client.verifiedEmail);
  if (channel !== 'phone') {
    await hitLimits(ctx.db.orm, [...(client.limits ?? []), ...submissionHits({ ip: client.ip, email: input.email, emailVerified })], ctx.now());
  }

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
  // One at a time: only one original is in memory, then only its re-encoded copies.
  for (const p of photos) processed.push(await processPhoto(await bytesOf(p.data), p.field));
  const fileIds = processed.map(() => randomUUID());
  await Promise.all(
    processed.flatMap((p, i) => [
      ctx.files.put(`photos/${fileIds[i]}/large.jpg`, p.large),
      ctx.files.put(`photos/${fileIds[i]}/thumb.jpg`, p.thumb),
    ]),
  );

  const anonymous = !input.name && !input.email && !input.phone;
  const token = randomBytes(24).toString('base64url');
  try {
    // The registration moment is the database's (cases.store.ts), not this process's clock.
    const extension = await registrationExtension(ctx, { kind: input.kind, typeId: type!.id, unitId: route.unitId, anonymous, hasEmail: !!input.email, now: ctx.now() });
    const reg = await insertRegistered(ctx.db, ctx.jobs, {
      extension,
      registerCode: policy.register,
      values: {
        kind: input.kind,
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
      },
      events: [
        { type: 'registered', statusTo: 'pending', visibility: visibilityOf('registered'), actorLabel: CONTACT_CENTER.bg },
        // The public history says at once who has it (CC-9): a unit or an organisation, never a person.
        { type: 'routed', visibility: visibilityOf('routed'), actorLabel: route.label.bg, text: null },
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
      mails: (number, at) =>
        input.email
          ? [
              confirmationMail({
                to: input.email,
                lang: input.lang,
                kind: input.kind,
                number,
                registeredAt: at[input.lang],
                category: category ? localName(category, input.lang) : '',
                type: type ? localName(type, input.lang) : '',
                privateUrl: `${ctx.config.publicBaseUrl}/p/${token}`,
                publicUrl: `${ctx.config.publicBaseUrl}${caseUrl(number)}`,
                // A name typed next to someone else's address would let anyone send the city's
                // letterhead greeting "Prize Dept" to a stranger: only a verified owner is named.
                name: emailVerified ? (input.name ?? null) : null,
              }),
            ]
          : [],
    });
    if (policy.isPublic) mapChanged();
    return { id: reg.id, number: reg.number, registeredAt: reg.registeredAt, kind: input.kind, anonymous, token };
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

/** The label of a status in a language. */
export function statusLabel(s: string, lang: Lang): string {
  return (STATUSES as Record<string, { bg: string; en: string }>)[s]?.[lang] ?? s;
}
