import { sofiaOffset } from '../../platform/i18n/index.js';

/**
 * `<input type="datetime-local">` carries a wall-clock time without a zone; announcements are
 * entered and shown in Sofia's time, whatever the server's zone is.
 */

/** Milliseconds Sofia's clock is ahead of UTC at instant `t`. */
function offsetAt(t: number): number {
  return sofiaOffset(new Date(t)).minutes * 60_000;
}

/** "2026-03-01T08:30" read as Sofia's wall clock → the instant; null when it is not such a value. */
export function sofiaLocalToDate(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  // Date.UTC rolls 31 February over into March: such input is not a date.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  // Two passes settle the offset across a DST change; a wall time skipped in spring lands an hour later.
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t);
}

/** The instant as Sofia's wall clock in the form a datetime-local input takes ("2026-03-01T08:30"). */
export function dateToSofiaLocal(d: Date): string {
  return new Date(d.getTime() + offsetAt(d.getTime())).toISOString().slice(0, 16);
}
