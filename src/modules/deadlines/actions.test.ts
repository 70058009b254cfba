import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { auditLog } from '../../platform/audit/index.js';
import { loadCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { users } from '../../platform/auth/index.js';
import { mailOutbox } from '../../platform/mail/index.js';
import { units } from '../catalog/catalog.tables.js';
import { caseEvents, cases, registerDocument } from '../cases/index.js';
import { caseClocks } from './index.js';
import { clock, testApp } from '../../../test/harness.js';
import { citizen, post, staff } from '../../../test/accounts.factories.js';

/**
 * Issue 12: the staff actions on legal clocks — who may do them (the permission matrix's rows for
 * them, written by hand), what they do to the clocks, and what the applicant is told.
 */

let app: App;
const enc = encodeURIComponent;
const unitIds = new Map<string, number>();
beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  for (const u of await app.ctx.db.orm.select({ id: units.id, code: units.code }).from(units)) unitIds.set(u.code, u.id);
});

let applicant: { email: string; id: string } | null = null;
async function zdoiTo(unitCode: string): Promise<string> {
  if (!applicant) {
    const a = await citizen(app);
    const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, a.email));
    applicant = { email: a.email, id: u!.id };
  }
  const done = await registerDocument(
    app.ctx,
    { userId: applicant.id, name: 'Елена Иванова', email: applicant.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
    { kind: 'info_request', subject: 'Достъп до договор', description: 'Моля, предоставете копие от договора.', unitId: unitIds.get(unitCode)! },
    [],
    'phone',
  );
  return done.number;
}
async function caseOf(number: string) {
  return (await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number)))[0]!;
}
async function clockOf(number: string) {
  const c = await caseOf(number);
  return (await app.ctx.db.orm.select().from(caseClocks).where(eq(caseClocks.caseId, c.id)))[0]!;
}

describe('staff actions on legal clocks (issue 12)', () => {
  const INPUT: Record<string, Record<string, string>> = {
    extend: { extension: 'volume', days: '5', text: 'Голям обем документи за копиране' },
    clarify: { text: 'Уточнете за кой договор става дума' },
    clarified: { text: 'Уточнението дойде по пощата' },
  };
  // Written by hand: own unit = Lozenets administration.
  const ALLOWED: Record<string, Record<'own' | 'other', string[]>> = {
    officer: { own: ['extend', 'clarify', 'clarified'], other: [] },
    manager: { own: ['extend', 'clarify', 'clarified'], other: [] },
    clerk: { own: ['clarified'], other: [] },
    operator: { own: [], other: [] },
    inspector: { own: [], other: [] },
    admin: { own: [], other: [] },
    citizen: { own: [], other: [] },
  };

  test('every role against extend, clarify and clarified on its own unit’s and another unit’s request: forbidden answers 403 and changes nothing', async () => {
    const people: Record<string, { cookie: string }> = {
      officer: await staff(app, 'officer', 'R09-ADM'),
      manager: await staff(app, 'manager', 'R09-ADM'),
      clerk: await staff(app, 'clerk', 'R09-ADM'),
      operator: await staff(app, 'operator', 'KC'),
      inspector: await staff(app, 'inspector', 'R09-ADM'),
      admin: await staff(app, 'admin', 'KC'),
      citizen: await citizen(app),
    };
    const prepManager = await staff(app, 'manager', 'R09-ADM');
    const prepOther = await staff(app, 'manager', 'R15-ADM');
    /** A fresh request where the action can apply: "clarified" needs one awaiting a clarification. */
    const fresh = async (target: 'own' | 'other', action: string) => {
      const n = await zdoiTo(target === 'own' ? 'R09-ADM' : 'R15-ADM');
      if (action === 'clarified') expect((await post(app, `/staff/cases/${enc(n)}/clarify`, INPUT.clarify!, { cookie: (target === 'own' ? prepManager : prepOther).cookie })).statusCode).toBe(303);
      return n;
    };
    const snapshot = async (n: string) => {
      const c = await caseOf(n);
      const k = await clockOf(n);
      const [ev] = await app.ctx.db.orm.select({ n: count() }).from(caseEvents).where(eq(caseEvents.caseId, c.id));
      const [au] = await app.ctx.db.orm.select({ n: count() }).from(auditLog).where(and(eq(auditLog.entity, 'case'), eq(auditLog.entityId, n)));
      return JSON.stringify({ status: c.status, due: c.dueAt, clock: [k.state, k.dueOn, k.extendedDays], events: ev!.n, audit: au!.n });
    };
    const failures: string[] = [];
    for (const [role, who] of Object.entries(people)) {
      for (const target of ['own', 'other'] as const) {
        for (const action of ['extend', 'clarify', 'clarified']) {
          const n = await fresh(target, action);
          const before = await snapshot(n);
          const res = await post(app, `/staff/cases/${enc(n)}/${action}`, INPUT[action]!, { cookie: who.cookie });
          const after = await snapshot(n);
          const allowed = ALLOWED[role]![target].includes(action);
          if (allowed && (res.statusCode !== 303 || after === before)) failures.push(`${role} ${action} ${target}: ${res.statusCode}, changed: ${after !== before}`);
          if (!allowed && (res.statusCode !== 403 || after !== before)) failures.push(`${role} ${action} ${target}: ${res.statusCode} ≠ 403 or changed`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  test('asking for a clarification stops the 14 days; the clarification starts them again, whole; the applicant is told each time', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoiTo('R09-ADM');
    const cal = await loadCalendar(app.ctx.db.orm);
    const today = sofiaDay(new Date());
    expect(await clockOf(n)).toMatchObject({ state: 'running', dueOn: cal.periodEnd(cal.addCalendarDays(today, 14)) });

    expect((await post(app, `/staff/cases/${enc(n)}/clarify`, { text: 'Уточнете периода на договора' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect(await clockOf(n)).toMatchObject({ state: 'paused' });
    const paused = await caseOf(n);
    expect(paused.status).toBe('awaiting_reply');
    // Nothing runs while it waits: no due moment for the inbox.
    expect(paused.dueAt).toBeNull();
    // Asking twice is refused: nothing runs that a clarification could stop.
    const twice = await post(app, `/staff/cases/${enc(n)}/clarify`, { text: 'Още едно уточнение' }, { cookie: officer.cookie });
    expect(twice.statusCode).toBe(400);

    expect((await post(app, `/staff/cases/${enc(n)}/clarified`, { text: '' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const k = await clockOf(n);
    expect(k).toMatchObject({ state: 'running', startedOn: today, dueOn: cal.periodEnd(cal.addCalendarDays(today, 14)) });
    expect((await caseOf(n)).dueAt?.getTime()).toBe(k.dueAt!.getTime());

    const mails = (await app.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, applicant!.email))).filter((m) => m.template === 'case-update');
    expect(mails.map((m) => m.text).join('\n')).toContain('Уточнете периода на договора');
    // A clarification recorded when none was asked for is refused.
    const again = await post(app, `/staff/cases/${enc(n)}/clarified`, {}, { cookie: officer.cookie });
    expect(again.statusCode).toBe(400);
  });

  test('an extension moves the due date within the law’s limit and tells the applicant the reason and the new date; bad input changes nothing', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoiTo('R09-ADM');
    const before = await clockOf(n);
    const cal = await loadCalendar(app.ctx.db.orm);
    expect((await post(app, `/staff/cases/${enc(n)}/extend`, { extension: 'third_party', days: '14', text: 'Нужно е съгласието на изпълнителя по договора' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const after = await clockOf(n);
    expect(after.dueOn).toBe(cal.periodEnd(cal.addCalendarDays(before.dueOn!, 14)));
    expect(after).toMatchObject({ extendedDays: 14, extensions: 1 });
    const c = await caseOf(n);
    expect(c.dueAt!.getTime()).toBe(after.dueAt!.getTime());
    const [ev] = await app.ctx.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, 'extended')));
    expect(ev!.text).toContain('чл. 31, ал. 2 ЗДОИ');
    expect(ev!.text).toContain('Нужно е съгласието на изпълнителя');
    const told = (await app.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, applicant!.email))).filter((m) => m.template === 'case-update').map((m) => m.text).join('\n');
    expect(told).toContain('Нужно е съгласието на изпълнителя');

    // Bad input: each a 400 naming the field; nothing changes.
    for (const [form, field] of [
      [{ extension: 'volume', days: '5', text: '' }, 'text'],
      [{ extension: 'volume', days: '11', text: 'Голям обем документи' }, 'days'],
      [{ extension: 'volume', days: 'пет', text: 'Голям обем документи' }, 'days'],
      [{ extension: 'weather', days: '5', text: 'Голям обем документи' }, 'extension'],
    ] as const) {
      const res = await post(app, `/staff/cases/${enc(n)}/extend`, form, { cookie: officer.cookie });
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.body, JSON.stringify(form)).toContain(`#${field}`);
    }
    // Art. 31 is granted once; art. 30 is still there to give.
    const again = await post(app, `/staff/cases/${enc(n)}/extend`, { extension: 'third_party', days: '3', text: 'Още едно съгласие' }, { cookie: officer.cookie });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('#extension');
    expect(await clockOf(n)).toMatchObject({ dueOn: after.dueOn, extendedDays: 14 });
    expect((await post(app, `/staff/cases/${enc(n)}/extend`, { extension: 'volume', days: '10', text: 'Голям обем документи' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect(await clockOf(n)).toMatchObject({ extendedDays: 24, extensionCodes: ['third_party', 'volume'] });
  });

  test('an answer stops the clock; answered before its end it counts as on time', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoiTo('R09-ADM');
    expect((await post(app, `/staff/cases/${enc(n)}/answer`, { text: 'Предоставяме достъп до договора.', status: 'closed' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const k = await clockOf(n);
    expect(k.state).toBe('stopped');
    expect(k.stoppedAt!.getTime()).toBeLessThanOrEqual(k.dueAt!.getTime());
    expect((await caseOf(n)).dueAt).toBeNull();
  });
});

describe('found by the review of issue 12', () => {
  test('with cold caches a staff action still completes (PGlite runs one query at a time: a cold read outside the transaction waited on it forever)', async () => {
    const { policiesChanged } = await import('./index.js');
    const { calendarChanged } = await import('../../platform/calendar/index.js');
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoiTo('R09-ADM');
    policiesChanged();
    calendarChanged();
    const answered = post(app, `/staff/cases/${enc(n)}/answer`, { text: 'Отговор при студен кеш', status: 'closed' }, { cookie: officer.cookie });
    const res = await Promise.race([answered, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    expect(res?.statusCode).toBe(303);
    expect((await clockOf(n)).state).toBe('stopped');
  });

  test('an overdue request can be neither extended nor suspended: that would hide the breach', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const n = await zdoiTo('R09-ADM');
    const c = await caseOf(n);
    const past = new Date(Date.now() - 2 * 86_400_000);
    await app.ctx.db.orm.update(caseClocks).set({ dueAt: past, dueOn: sofiaDay(past) }).where(eq(caseClocks.caseId, c.id));
    const ext = await post(app, `/staff/cases/${enc(n)}/extend`, { extension: 'volume', days: '5', text: 'Голям обем документи' }, { cookie: officer.cookie });
    expect(ext.statusCode).toBe(400);
    expect(ext.body).toContain('#extension');
    const cla = await post(app, `/staff/cases/${enc(n)}/clarify`, { text: 'Уточнете заявлението' }, { cookie: officer.cookie });
    expect(cla.statusCode).toBe(400);
    expect(await clockOf(n)).toMatchObject({ state: 'running', extendedDays: 0 });
  });

  test('a bridge holiday on a due date moves the stored due date to the next working day, and back when removed; a holiday cannot be made a working day', async () => {
    const admin = await staff(app, 'admin', 'KC');
    const n = await zdoiTo('R09-ADM');
    const cal = await loadCalendar(app.ctx.db.orm);
    const due = (await clockOf(n)).dueOn!;
    expect(cal.isWorkingDay(due)).toBe(true);
    const swap = await post(app, '/admin/calendar', { day: due, kind: 'holiday', reference: 'РМС № 1/2026 (тест)' }, { cookie: admin.cookie });
    try {
      expect(swap.statusCode).toBe(303);
      const after = await loadCalendar(app.ctx.db.orm);
      const moved = await clockOf(n);
      expect(moved.dueOn).toBe(after.periodEnd(due));
      expect(moved.dueOn).not.toBe(due);
      expect((await caseOf(n)).dueAt?.getTime()).toBe(moved.dueAt!.getTime());
    } finally {
      expect((await post(app, `/admin/calendar/swaps/${due}/remove`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    }
    expect((await clockOf(n)).dueOn).toBe(due);
    const bad = await post(app, '/admin/calendar', { day: '2027-03-03', kind: 'working', reference: 'РМС № 2/2027 (тест)' }, { cookie: admin.cookie });
    expect(bad.statusCode).toBe(400);
  });
});
