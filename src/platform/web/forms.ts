import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Orm } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { firstInWindow } from '../ratelimit/index.js';

/** Name of the hidden field a person never fills in; bots that fill every field do. */
export const HONEYPOT_FIELD = 'website';
/** Name of the hidden field that carries when the form was shown. */
export const STAMP_FIELD = 'formStamp';

const MAX_AGE_MS = 24 * 60 * 60 * 1000;

function sign(secret: string, ts: string, nonce: string): string {
  return createHmac('sha256', secret).update(`form:${ts}:${nonce}`).digest('base64url').slice(0, 22);
}

/**
 * A signed "this form was shown at" value, so the server can tell how long the person took. The
 * random part makes each shown form's stamp different (two people opening a form in the same
 * millisecond), which single use needs.
 */
export function formStamp(secret: string, now: Date): string {
  const ts = String(now.getTime());
  const nonce = randomBytes(9).toString('base64url');
  return `${ts}.${nonce}.${sign(secret, ts, nonce)}`;
}

/**
 * Bot protection without an outside service (AC-2): the honeypot is empty, the stamp is ours,
 * not older than a day, at least `minSeconds` passed since the form was shown, and the stamp was
 * not used before. A stamp is accepted once: its MAC is recorded (rate_limits, pruned after two
 * days, longer than a stamp lives), so a script cannot take one form and post it a thousand times.
 * A form refused as too fast does not use up its stamp; any other check after this one (a field
 * error, a limit) does, and the page comes back with a fresh stamp.
 *
 * Throws FORM_REJECTED (honeypot, forged, expired or reused stamp) or FORM_TOO_FAST.
 */
export async function checkHuman(orm: Orm, values: Record<string, unknown>, secret: string, now: Date, minSeconds: number): Promise<void> {
  const honey = values[HONEYPOT_FIELD];
  if (typeof honey === 'string' && honey.trim() !== '') throw new AppError('FORM_REJECTED');
  const stamp = typeof values[STAMP_FIELD] === 'string' ? values[STAMP_FIELD] : '';
  const [ts, nonce, mac, ...rest] = stamp.split('.');
  if (!ts || !nonce || !mac || rest.length || !/^\d{10,16}$/.test(ts) || !/^[A-Za-z0-9_-]{12}$/.test(nonce)) throw new AppError('FORM_REJECTED');
  const expected = Buffer.from(sign(secret, ts, nonce));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('FORM_REJECTED');
  const age = now.getTime() - Number(ts);
  if (age > MAX_AGE_MS || age < -60_000) throw new AppError('FORM_REJECTED');
  if (age < minSeconds * 1000) throw new AppError('FORM_TOO_FAST');
  if (!(await firstInWindow(orm, `form-stamp:${mac}`, now, 2 * 86400))) throw new AppError('FORM_REJECTED');
}
