import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import type { App } from '../../app.js';
import { users } from '../../platform/auth/index.js';
import { auditLog } from '../../platform/audit/index.js';
import { buildCalendar, endOfSofiaDay, sofiaDay, type Day } from '../../platform/calendar/index.js';
import { openDatabase, type Database } from '../../platform/db/index.js';
import { formatDate } from '../../platform/i18n/index.js';
import { mailOutbox } from '../../platform/mail/index.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { caseEvents, cases, registerDocument } from '../cases/index.js';
import { caseClocks, clockNotices, DEADLINES_DIGEST, DEADLINES_SWEEP, deadlinesDigest, deadlinesSweep, runDeadlineSweep } from './index.js';
import { extraApp, setDatabaseClock, testApp, testConfig, testDbUrl } from '../../../test/harness.js';
import { post, staff } from '../../../test/accounts.factories.js';

/*
 * Issue 12, "Reminders and escalation": with a controllable clock (the database's, moved with
 * setDatabaseClock; the sweep reads it), each step reaches the right people exactly once — run
 * twice at the same moment, run again by a fresh handler as after a restart, and run by two
 * instances at once — a stopped clock gets nothing, a request paused 30 days is left without
 * consideration once, and the daily digest respects the opt-out.
 *
 * Documents are registered and acted on at the real time; only the sweeps run at moved moments
 * (a registration at a moved clock would leave its register's last moment in the future).
 */

let app: App;
/** The calendar without swaps is enough for the dates these tests pick (no swaps are entered here). */
const cal = buildCalendar([]);
const enc = encodeURIComponent;
const HOUR = 3_600_000;

/** Noon (about) in Sofia on a day. */
const noonOf = (d: Day) => new Date(endOfSofiaDay(d).getTime() - 12 * HOUR);

let municipality: number;

beforeAll(async () => {
  app = await testApp();
  const [o] = await app.ctx.db.orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.kind, 'municipality')).limit(1);
  municipality = o!.id;
});

afterEach(async () => {
  await setDatabaseClock(null);
});

/** A unit of our own (so that its managers are only ours), optionally under a parent. */
async function unit(parentId: number | null = null): Promise<{ id: number; code: string }> {
  const code = `DL${randomBytes(3).toString('hex').toUpperCase()}`;
  const [u] = await app.ctx.db.orm.insert(units).values({ organisationId: municipality, parentId, code, nameBg: `Звено ${code}`, nameEn: `Unit ${code}` }).returning({ id: units.id });
  return { id: u!.id, code };
}

type Staff = Awaited<ReturnType<typeof staff>> & { email: string };

async function member(role: string, unitCode: string, locale: 'bg' | 'en' = 'bg'): Promise<Staff> {
  const s = await staff(app, role, unitCode);
  if (locale === 'en') await app.ctx.db.orm.update(users).set({ locale: 'en' }).where(eq(users.id, s.id));
  return { ...s, email: `${s.username}@sofia.example` };
}

const SUBMITTER = { name: 'Иван Заявителов', subject: 'Разходи за осветление' };

/** A public-information request (ЗДОИ) to a unit, registered as an operator would for a caller. */
async function request(unitId: number): Promise<{ number: string; email: string; dueOn: Day }> {
  const email = `zayavitel.${randomBytes(4).toString('hex')}@example.bg`;
  const { number } = await registerDocument(
    app.ctx,
    { userId: null, name: SUBMITTER.name, email, phone: '+359 888 111 222', address: null, locale: 'bg', firstName: 'Иван' },
    { kind: 'info_request', subject: SUBMITTER.subject, description: 'Моля за информация за разходите за улично осветление.', unitId },
    [],
    'phone',
  );
  const [k] = await clocksOf(number);
  return { number, email, dueOn: k!.dueOn! };
}

async function clocksOf(number: string) {
  return app.ctx.db.orm
    .select({ id: caseClocks.id, state: caseClocks.state, dueOn: caseClocks.dueOn, pausedAt: caseClocks.pausedAt })
    .from(caseClocks)
    .innerJoin(cases, eq(cases.id, caseClocks.caseId))
    .where(eq(cases.regNumber, number))
    .orderBy(asc(caseClocks.id));
}

/** The staff emails of a step that name a document: to whom, and how many each. */
async function stepMails(step: 'before' | 'due' | 'overdue', number: string) {
  const rows = await app.ctx.db.orm
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.template, `deadline-${step}`), like(mailOutbox.text, `%${number}%`)))
    .orderBy(asc(mailOutbox.id));
  return rows;
}
const recipients = (rows: { to: string }[]) => rows.map((r) => r.to).sort();

/** Runs the sweep at a moment of the database clock as the scheduled job does: by a handler, twice (a replay), and by a fresh one (a restarted process). */
async function sweepAt(at: Date): Promise<void> {
  await setDatabaseClock(at);
  const handler = deadlinesSweep(app.ctx);
  await handler();
  await handler();
  await deadlinesSweep(app.ctx)();
}

describe('reminders and escalation', () => {
  test('two working days before the due date the unit’s managers hear once (no handler), each in their language; the email names no submitter', async () => {
    const u = await unit();
    const m1 = await member('manager', u.code);
    const m2 = await member('manager', u.code, 'en');
    const officer = await member('officer', u.code);
    const r = await request(u.id);
    // Nothing yet at registration: the due date is 14 days away.
    await sweepAt(new Date(Date.now() + 60_000));
    expect(await stepMails('before', r.number)).toHaveLength(0);

    await sweepAt(noonOf(cal.addWorkingDays(r.dueOn, -2)));
    const mails = await stepMails('before', r.number);
    expect(recipients(mails)).toEqual([m1.email, m2.email].sort());
    expect(recipients(mails)).not.toContain(officer.email);
    const bg = mails.find((m) => m.to === m1.email)!;
    expect(bg.subject).toBe(`Наближава срок: № ${r.number}`);
    expect(bg.text).toContain('Решение по заявлението (чл. 28, ал. 1 ЗДОИ)');
    expect(bg.text).toContain(formatDate(endOfSofiaDay(r.dueOn), 'bg'));
    expect(bg.text).toContain(`http://sofia.test/staff/cases/${enc(r.number)}`);
    const en = mails.find((m) => m.to === m2.email)!;
    expect(en.subject).toBe(`Deadline approaching: № ${r.number}`);
    expect(en.text).toContain('Decision on the request');
    expect(en.lang).toBe('en');
    // Staff-only and minimal: nothing of the submitter, not even the subject.
    for (const m of mails) for (const secret of [SUBMITTER.name, r.email, SUBMITTER.subject, '888 111 222']) expect(m.text + m.subject + m.html).not.toContain(secret);

    // The next sweeps that day and the next working day add nothing: the step is recorded.
    await sweepAt(new Date(noonOf(cal.addWorkingDays(r.dueOn, -2)).getTime() + 3 * HOUR));
    await sweepAt(noonOf(cal.addWorkingDays(r.dueOn, -1)));
    expect(await stepMails('before', r.number)).toHaveLength(2);
  });

  test('with a handler: before → the handler only; on the due date → the unit’s managers; the day after → the parent unit’s managers; each once', async () => {
    const parent = await unit();
    const u = await unit(parent.id);
    const head = await member('manager', parent.code);
    const m1 = await member('manager', u.code);
    const officer = await member('officer', u.code);
    const other = await member('officer', u.code);
    const r = await request(u.id);
    expect((await post(app, `/staff/cases/${enc(r.number)}/assign`, { assigneeId: officer.id }, { cookie: m1.cookie })).statusCode).toBe(303);

    await sweepAt(noonOf(cal.addWorkingDays(r.dueOn, -2)));
    expect(recipients(await stepMails('before', r.number))).toEqual([officer.email]);

    await sweepAt(noonOf(r.dueOn));
    expect(recipients(await stepMails('due', r.number))).toEqual([m1.email]);
    expect((await stepMails('due', r.number))[0]!.subject).toBe(`Срокът изтича днес: № ${r.number}`);

    // The day after: overdue, escalated up the hierarchy (not to the unit's own manager).
    await sweepAt(noonOf(cal.addCalendarDays(r.dueOn, 1)));
    const overdue = await stepMails('overdue', r.number);
    expect(recipients(overdue)).toEqual([head.email]);
    expect(overdue[0]!.subject).toBe(`Просрочен срок: № ${r.number}`);
    expect(overdue[0]!.text).toContain(`Звено ${u.code}`);

    // Later sweeps, and a sweep back at an earlier step's moment, send nothing more.
    await sweepAt(noonOf(cal.addCalendarDays(r.dueOn, 3)));
    await sweepAt(noonOf(r.dueOn));
    await sweepAt(noonOf(cal.addWorkingDays(r.dueOn, -2)));
    expect(recipients(await stepMails('before', r.number))).toEqual([officer.email]);
    expect(recipients(await stepMails('due', r.number))).toEqual([m1.email]);
    expect(recipients(await stepMails('overdue', r.number))).toEqual([head.email]);
    expect(recipients([...(await stepMails('before', r.number)), ...(await stepMails('due', r.number)), ...(await stepMails('overdue', r.number))])).not.toContain(other.email);
    const [k] = await clocksOf(r.number);
    const notices = await app.ctx.db.orm.select({ step: clockNotices.step }).from(clockNotices).where(eq(clockNotices.clockId, k!.id));
    expect(notices.map((n) => n.step).sort()).toEqual([`before:${r.dueOn}`, `due:${r.dueOn}`, `overdue:${r.dueOn}`]);
  });

  test('escalation stays with the unit’s own managers when it has no parent, or the parent has no managers', async () => {
    const top = await unit();
    const topManager = await member('manager', top.code);
    const emptyParent = await unit();
    const under = await unit(emptyParent.id);
    const underManager = await member('manager', under.code);
    const a = await request(top.id);
    const b = await request(under.id);
    await sweepAt(noonOf(cal.addCalendarDays(a.dueOn, 1)));
    if (b.dueOn !== a.dueOn) await sweepAt(noonOf(cal.addCalendarDays(b.dueOn, 1)));
    expect(recipients(await stepMails('overdue', a.number))).toEqual([topManager.email]);
    expect(recipients(await stepMails('overdue', b.number))).toEqual([underManager.email]);
  });

  test('a stopped clock (the request rejected) and a paused one (clarification asked) get no reminders', async () => {
    const u = await unit();
    const m = await member('manager', u.code);
    const officer = await member('officer', u.code);
    const stopped = await request(u.id);
    const paused = await request(u.id);
    expect((await post(app, `/staff/cases/${enc(stopped.number)}/reject`, { text: 'Информацията не е обществена.' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await post(app, `/staff/cases/${enc(paused.number)}/clarify`, { text: 'Моля, уточнете за кой период.' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await clocksOf(stopped.number))[0]!.state).toBe('stopped');
    expect((await clocksOf(paused.number))[0]!.state).toBe('paused');
    for (const at of [noonOf(cal.addWorkingDays(stopped.dueOn, -2)), noonOf(stopped.dueOn), noonOf(cal.addCalendarDays(stopped.dueOn, 1))]) await sweepAt(at);
    for (const step of ['before', 'due', 'overdue'] as const) {
      expect(await stepMails(step, stopped.number)).toHaveLength(0);
      expect(await stepMails(step, paused.number)).toHaveLength(0);
    }
    // (The unit has a manager: a reminder, had one been due, would have had someone to go to.)
    expect(m.unitId).toBe(u.id);
  });

  test('an extension moves the due date: the new date gets its own reminder, once', async () => {
    const u = await unit();
    const m = await member('manager', u.code);
    const officer = await member('officer', u.code);
    const r = await request(u.id);
    await sweepAt(noonOf(cal.addWorkingDays(r.dueOn, -2)));
    expect(recipients(await stepMails('before', r.number))).toEqual([m.email]);
    await setDatabaseClock(null);
    expect((await post(app, `/staff/cases/${enc(r.number)}/extend`, { extension: 'volume', days: '10', text: 'Голямо количество информация' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const [k] = await clocksOf(r.number);
    expect(k!.dueOn! > r.dueOn).toBe(true);
    await sweepAt(noonOf(cal.addWorkingDays(k!.dueOn!, -2)));
    const mails = await stepMails('before', r.number);
    expect(recipients(mails)).toEqual([m.email, m.email]);
    expect(mails[1]!.text).toContain(formatDate(endOfSofiaDay(k!.dueOn!), 'bg'));
  });

  test('the sweep and the digest are scheduled on the job queue, in Sofia time', async () => {
    const { rows } = await app.ctx.db.raw.executeSql(`SELECT name, cron, timezone FROM ${app.ctx.config.jobsSchema}.schedule WHERE name = ANY($1) ORDER BY name`, [[DEADLINES_DIGEST, DEADLINES_SWEEP]]);
    expect(rows).toEqual([
      { name: DEADLINES_DIGEST, cron: '0 7 * * *', timezone: 'Europe/Sofia' },
      { name: DEADLINES_SWEEP, cron: '*/15 * * * *', timezone: 'Europe/Sofia' },
    ]);
  });
});

describe('expiry: ЗДОИ art. 29(2)', () => {
  test('a request waiting 30 days for a clarification is left without consideration once: closed as rejected, public history citing the law, audit by the system, the applicant told', async () => {
    const u = await unit();
    const officer = await member('officer', u.code);
    const r = await request(u.id);
    expect((await post(app, `/staff/cases/${enc(r.number)}/clarify`, { text: 'Моля, уточнете за кой период.' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const [k] = await clocksOf(r.number);
    expect(k!.state).toBe('paused');
    // 30 days from the day of the request for clarification; a period ending on a non-working day ends on the next working day.
    const last = cal.periodEnd(cal.addCalendarDays(sofiaDay(k!.pausedAt!), 30));
    const expiryMails = () => app.ctx.db.orm.select().from(mailOutbox).where(and(eq(mailOutbox.to, r.email), eq(mailOutbox.template, 'case-left-without-consideration')));
    const caseRow = async () => (await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, r.number)))[0]!;

    // On the last day of the 30 the request still waits.
    await sweepAt(new Date(endOfSofiaDay(last).getTime() - HOUR));
    expect((await caseRow()).status).toBe('awaiting_reply');
    expect(await expiryMails()).toHaveLength(0);

    await sweepAt(new Date(endOfSofiaDay(last).getTime() + HOUR));
    const c = await caseRow();
    expect(c.status).toBe('rejected');
    expect(c.closedAt).not.toBeNull();
    expect(c.dueAt).toBeNull();
    expect((await clocksOf(r.number))[0]!.state).toBe('expired');
    const events = await app.ctx.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, 'left_without_consideration')));
    expect(events).toHaveLength(1);
    expect(events[0]!).toMatchObject({ visibility: 'public', statusFrom: 'awaiting_reply', statusTo: 'rejected', actorId: null, actorLabel: `Звено ${u.code}` });
    expect(events[0]!.text).toContain('чл. 29, ал. 2 ЗДОИ');
    const audits = await app.ctx.db.orm.select().from(auditLog).where(and(eq(auditLog.entityId, r.number), eq(auditLog.action, 'case.left_without_consideration')));
    expect(audits).toHaveLength(1);
    expect(audits[0]!).toMatchObject({ actorId: null, actorLabel: 'система' });
    const mails = await expiryMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Нов статус: Отхвърлен');
    expect(mails[0]!.text).toContain('чл. 29, ал. 2 ЗДОИ');
    expect(mails[0]!.text).toContain(`/documents/${enc(r.number)}`);

    // The staff page shows the entry; a later sweep changes nothing and sends nothing.
    expect((await app.app.inject({ url: `/staff/cases/${enc(r.number)}`, headers: { cookie: officer.cookie } })).body).toContain('Оставен без разглеждане');
    await sweepAt(new Date(endOfSofiaDay(last).getTime() + 30 * HOUR));
    expect(await expiryMails()).toHaveLength(1);
    expect(await app.ctx.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, 'left_without_consideration')))).toHaveLength(1);
  });

  test('a clarification that came in time restarts the 14 days and nothing expires', async () => {
    const u = await unit();
    const officer = await member('officer', u.code);
    const r = await request(u.id);
    expect((await post(app, `/staff/cases/${enc(r.number)}/clarify`, { text: 'Моля, уточнете за кой период.' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await post(app, `/staff/cases/${enc(r.number)}/clarified`, { text: 'За 2025 г.' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const [k] = await clocksOf(r.number);
    expect(k!.state).toBe('running');
    await sweepAt(new Date(Date.now() + 40 * 24 * HOUR));
    expect((await app.ctx.db.orm.select({ status: cases.status }).from(cases).where(eq(cases.regNumber, r.number)))[0]!.status).toBe('in_progress');
  });
});

describe('the daily digest', () => {
  test('officers and managers of a unit with something due get one digest a day; the opt-out on /account holds; inspectors and people with nothing due get none', async () => {
    const u = await unit();
    const officer = await member('officer', u.code);
    const manager = await member('manager', u.code);
    const inspector = await member('inspector', u.code);
    const idle = await unit();
    const idleOfficer = await member('officer', idle.code);
    const r = await request(u.id);
    expect((await post(app, `/staff/cases/${enc(r.number)}/assign`, { assigneeId: officer.id }, { cookie: manager.cookie })).statusCode).toBe(303);

    // The account page offers the setting, on by default; the manager turns it off.
    const page = await app.app.inject({ url: '/account', headers: { cookie: manager.cookie } });
    expect(page.body).toContain('Ежедневно резюме на сроковете');
    expect(page.body).toMatch(/name="deadlineDigest" value="on" checked/);
    const off = await post(app, '/account/digest', {}, { cookie: manager.cookie });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe('/account?done=saved');
    expect((await app.app.inject({ url: '/account', headers: { cookie: manager.cookie } })).body).not.toMatch(/name="deadlineDigest" value="on" checked/);

    const digests = (to: string) => app.ctx.db.orm.select().from(mailOutbox).where(and(eq(mailOutbox.to, to), eq(mailOutbox.template, 'deadline-digest')));
    const sevenOn = (d: Day) => new Date(endOfSofiaDay(d).getTime() + 1 - 17 * HOUR);
    // Not on a non-working day (the last one within the week before the due date).
    let rest = cal.addCalendarDays(r.dueOn, -1);
    while (cal.isWorkingDay(rest)) rest = cal.addCalendarDays(rest, -1);
    await setDatabaseClock(sevenOn(rest));
    await deadlinesDigest(app.ctx)();
    expect(await digests(officer.email)).toHaveLength(0);

    // 07:00 on a working day a few days before the due date.
    let day = cal.addCalendarDays(r.dueOn, -3);
    while (!cal.isWorkingDay(day)) day = cal.addCalendarDays(day, -1);
    const seven = sevenOn(day);
    await setDatabaseClock(seven);
    await deadlinesDigest(app.ctx)();
    await deadlinesDigest(app.ctx)();
    const mine = await digests(officer.email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe('Срокове за седмицата: 1 документ');
    expect(mine[0]!.text).toContain(r.number);
    expect(mine[0]!.text).toContain('възложен на Вас');
    expect(mine[0]!.text).not.toContain(SUBMITTER.name);
    expect(await digests(manager.email)).toHaveLength(0);
    expect(await digests(inspector.email)).toHaveLength(0);
    expect(await digests(idleOfficer.email)).toHaveLength(0);

    // A later run the same day (a retry, another tick) sends nothing more; the next working day, one more.
    await setDatabaseClock(new Date(seven.getTime() + 2 * HOUR));
    await deadlinesDigest(app.ctx)();
    expect(await digests(officer.email)).toHaveLength(1);
    let next = cal.addCalendarDays(day, 1);
    while (!cal.isWorkingDay(next)) next = cal.addCalendarDays(next, 1);
    await setDatabaseClock(sevenOn(next));
    await deadlinesDigest(app.ctx)();
    const both = await digests(officer.email);
    expect(both).toHaveLength(2);
    if (next > r.dueOn) expect(both[1]!.text).toContain('просрочен');
  });

  test('the setting is only for officers and managers; a value other than the checkbox’s is refused naming the field, nothing saved', async () => {
    const u = await unit();
    const officer = await member('officer', u.code);
    const bad = await post(app, '/account/digest', { deadlineDigest: 'yes' }, { cookie: officer.cookie });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<a href="#deadlineDigest">Ежедневно резюме на сроковете:');
    expect((await app.ctx.db.orm.select({ on: users.deadlineDigest }).from(users).where(eq(users.id, officer.id)))[0]!.on).toBe(true);
    const inspector = await member('inspector', u.code);
    expect((await app.app.inject({ url: '/account', headers: { cookie: inspector.cookie } })).body).not.toContain('Ежедневно резюме на сроковете');
    expect((await post(app, '/account/digest', {}, { cookie: inspector.cookie })).statusCode).toBe(403);
    expect((await app.ctx.db.orm.select({ on: users.deadlineDigest }).from(users).where(eq(users.id, inspector.id)))[0]!.on).toBe(true);
  });
});

describe('two instances on one database', () => {
  let b: App;
  let bDb: Database | null = null;

  beforeAll(async () => {
    const url = await testDbUrl();
    // On a server the second instance has its own pool, as a second process would; the embedded
    // database lives in one process, so there it shares it.
    if (url) bDb = await openDatabase({ url, poolMax: 10 });
    b = bDb ? await extraApp({ db: bDb, config: testConfig({ jobsSchema: 'pgboss_dl' }) }) : await extraApp({ config: testConfig({ jobsSchema: 'pgboss_dl' }) });
  });
  afterAll(async () => {
    await b?.close();
    await bDb?.close();
  });

  test('sweeping at the same moment on both sends each step once', async () => {
    const parent = await unit();
    const u = await unit(parent.id);
    const head = await member('manager', parent.code);
    const m1 = await member('manager', u.code);
    const m2 = await member('manager', u.code);
    const list = [];
    for (let i = 0; i < 12; i++) list.push(await request(u.id));
    const dueOn = list[0]!.dueOn;
    expect(list.every((r) => r.dueOn === dueOn)).toBe(true);
    // The same moment on both, given to the runs (the second instance's pool keeps its own sessions).
    for (const at of [noonOf(cal.addWorkingDays(dueOn, -2)), noonOf(dueOn), noonOf(cal.addCalendarDays(dueOn, 1))]) {
      await Promise.all([runDeadlineSweep(app.ctx, at), runDeadlineSweep(b.ctx, at), runDeadlineSweep(b.ctx, at), runDeadlineSweep(app.ctx, at)]);
    }
    const expected = { before: [m1.email, m2.email].sort(), due: [m1.email, m2.email].sort(), overdue: [head.email] };
    for (const step of ['before', 'due', 'overdue'] as const) {
      for (const r of list) expect(recipients(await stepMails(step, r.number)), `${step} ${r.number}`).toEqual(expected[step]);
    }
  });
});
