import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/index.js';

/** Name of the hidden field a person never fills in; bots that fill every field do. */
export const HONEYPOT_FIELD = 'website';
/** Name of the hidden field that carries when the form was shown. */
export const STAMP_FIELD = 'formStamp';

const MAX_AGE_MS = 24 * 60 * 60 * 1000;

function sign(secret: string, ts: string): string {
  return createHmac('sha256', secret).update(`form:${ts}`).digest('base64url').slice(0, 22);
}

/** A signed "this form was shown at" value, so the server can tell how long the person took. */
export function formStamp(secret: string, now: Date): string {
  const ts = String(now.getTime());
  return `${ts}.${sign(secret, ts)}`;
}

/**
 * Bot protection without an outside service (AC-2): the honeypot is empty, the stamp is ours
 * and not older than a day, and at least `minSeconds` passed since the form was shown.
 */
export function checkHuman(values: Record<string, unknown>, secret: string, now: Date, minSeconds: number): void {
  const honey = values[HONEYPOT_FIELD];
  if (typeof honey === 'string' && honey.trim() !== '') throw new AppError('FORM_REJECTED');
  const stamp = String(values[STAMP_FIELD] ?? '');
  const [ts, mac] = stamp.split('.');
  if (!ts || !mac || !/^\d{10,16}$/.test(ts)) throw new AppError('FORM_REJECTED');
  const expected = Buffer.from(sign(secret, ts));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('FORM_REJECTED');
  const age = now.getTime() - Number(ts);
  if (age > MAX_AGE_MS || age < -60_000) throw new AppError('FORM_REJECTED');
  if (age < minSeconds * 1000) throw new AppError('FORM_TOO_FAST');
}
