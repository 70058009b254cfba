/**
 * `<input type="datetime-local">` carries a wall-clock time without a zone; announcements are
 * entered and shown in Sofia's time, whatever the server's zone is.
 */

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Sofia',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function sofiaWall(t: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const x of parts.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** Milliseconds Sofia's clock is ahead of UTC at instant `t`. */
function offsetAt(t: number): number {
  const w = sofiaWall(t);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(t / 1000) * 1000;
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
  const w = sofiaWall(d.getTime());
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${w.y}-${p2(w.mo)}-${p2(w.d)}T${p2(w.h)}:${p2(w.mi)}`;
}
