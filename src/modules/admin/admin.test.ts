import { randomBytes } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { auditLog } from '../../platform/audit/index.js';
import { authAccounts, users } from '../../platform/auth/index.js';
import { mailOutbox } from '../../platform/mail/index.js';
import { getCatalog } from '../catalog/index.js';
import { caseTypes, categories, organisations, units } from '../catalog/catalog.tables.js';
import { serviceMessages } from '../cases/index.js';
import { testApp } from '../../../test/harness.js';
import { citizen, lastMail, linkIn, login, mailsTo, post, staff } from '../../../test/accounts.factories.js';

type Person = { id?: string; username: string; cookie: string; email?: string };

let app: App;
let admin: Awaited<ReturnType<typeof staff>>;
const uid = () => randomBytes(3).toString('hex');

const get = (url: string, cookie?: string) => app.app.inject({ url, headers: cookie ? { cookie } : {} });
const orm = () => app.ctx.db.orm;
const userRow = async (id: string) => (await orm().select().from(users).where(eq(users.id, id)))[0]!;
const unitByCode = async (code: string) => (await orm().select().from(units).where(eq(units.code, code)))[0];
const auditOf = (entity: string, entityId: string | number) =>
  orm()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, String(entityId))))
    .orderBy(auditLog.id);
const totals = async () => {
  const [[a], [m], [s]] = await Promise.all([orm().select({ n: count() }).from(auditLog), orm().select({ n: count() }).from(mailOutbox), orm().select({ n: count() }).from(serviceMessages)]);
  return { audit: a!.n, mail: m!.n, messages: s!.n };
};
/** The id of the new thing a form created, from its redirect. */
const createdId = (res: { statusCode: number; headers: Record<string, unknown> }, prefix: string) => {
  expect(res.statusCode).toBe(303);
  const m = new RegExp(`^${prefix}/([^?/]+)`).exec(String(res.headers.location));
  if (!m) throw new Error(`no id in ${String(res.headers.location)}`);
  return m[1]!;
};

/** Creates an active category and a type in it through the admin forms; answers their ids and the type's code. */
async function testType() {
  const code = `t${uid()}`;
  const cat = createdId(await post(app, '/admin/catalog/categories', { code: `c${code}`, nameBg: `Категория ${code}`, nameEn: `Category ${code}`, sort: '9999', active: 'on' }, { cookie: admin.cookie }), '/admin/catalog/categories');
  const type = createdId(await post(app, '/admin/catalog/types', { categoryId: cat, code, nameBg: `Тип ${code}`, nameEn: `Type ${code}`, sort: '0', active: 'on' }, { cookie: admin.cookie }), '/admin/catalog/types');
  return { categoryId: Number(cat), typeId: Number(type), code };
}

beforeAll(async () => {
  app = await testApp();
  admin = await staff(app, 'admin', 'KC');
});

describe('only administrators (AC-5)', () => {
  const OTHER_ROLES = ['operator', 'officer', 'manager', 'clerk', 'inspector'] as const;
  let others: (Person & { role: string })[];
  let victim: Awaited<ReturnType<typeof staff>>;
  let resident: Awaited<ReturnType<typeof citizen>>;
  let ids: { org: number; unit: number; category: number; type: number };

  beforeAll(async () => {
    others = [];
    for (const role of OTHER_ROLES) others.push({ ...(await staff(app, role, 'DIR-TRANSPORT')), role });
    resident = await citizen(app);
    others.push({ ...resident, role: 'citizen' });
    victim = await staff(app, 'officer', 'DIR-ECOLOGY');
    const t = await testType();
    const [so] = await orm().select().from(organisations).where(eq(organisations.code, 'SO'));
    ids = { org: so!.id, unit: (await unitByCode('KC'))!.id, category: t.categoryId, type: t.typeId };
  });
  afterAll(async () => {
    // The test category stays out of other tests' catalogue.
    await post(app, `/admin/catalog/categories/${ids.category}`, { code: `c${(await orm().select().from(caseTypes).where(eq(caseTypes.id, ids.type)))[0]!.code}`, nameBg: 'К', nameEn: 'C', sort: '9999' }, { cookie: admin.cookie });
  });

  const pages = () => {
    const residentId = resident.username;
    return [
      '/admin',
      '/admin/organisations',
      '/admin/organisations/new',
      `/admin/organisations/${ids.org}`,
      '/admin/units',
      '/admin/units/new',
      `/admin/units/${ids.unit}`,
      '/admin/staff',
      '/admin/staff/new',
      `/admin/staff/${victim.id}`,
      '/admin/catalog',
      '/admin/catalog/categories/new',
      `/admin/catalog/categories/${ids.category}`,
      '/admin/catalog/types/new',
      `/admin/catalog/types/${ids.type}`,
      `/admin/users?q=${residentId}`,
      '/admin/messages/new',
      '/admin/audit',
      '/admin/audit.csv',
    ];
  };

  test('an administrator opens every page', async () => {
    for (const url of pages()) {
      const res = await get(url, admin.cookie);
      expect(res.statusCode, url).toBe(200);
    }
    const dash = await get('/admin', admin.cookie);
    for (const href of ['/admin/organisations', '/admin/units', '/admin/staff', '/admin/catalog', '/admin/users', '/admin/messages/new', '/admin/audit', '/admin/directory', '/admin/announcements']) {
      expect(dash.body).toContain(`href="${href}"`);
    }
  });

  test('every other role and a citizen get 403 on every page; anonymous visitors go to the login page', async () => {
    for (const url of pages()) {
      for (const p of others) expect((await get(url, p.cookie)).statusCode, `${p.role} ${url}`).toBe(403);
      const anon = await get(url);
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
  });

  test('a forbidden POST changes nothing', async () => {
    const residentRow = (await orm().select().from(users).where(eq(users.username, resident.username.toLowerCase())))[0]!;
    const code = `X${uid()}`;
    const posts: [string, Record<string, string>][] = [
      ['/admin/organisations', { code, kind: 'utility', nameBg: 'Организация', nameEn: 'Organisation' }],
      [`/admin/organisations/${ids.org}`, { code: 'SO', kind: 'municipality', nameBg: 'Превзета', nameEn: 'Taken over' }],
      ['/admin/units', { organisationId: String(ids.org), code, nameBg: 'Звено', nameEn: 'Unit', active: 'on' }],
      [`/admin/units/${ids.unit}`, { organisationId: String(ids.org), code: 'KC', nameBg: 'Превзето', nameEn: 'Taken over', active: '' }],
      ['/admin/staff', { username: `x_${uid()}`, firstName: 'А', lastName: 'Б', email: `${code.toLowerCase()}@example.bg`, role: 'admin', locale: 'bg' }],
      [`/admin/staff/${victim.id}`, { role: 'admin', unitId: '' }],
      [`/admin/staff/${victim.id}/password-link`, {}],
      [`/admin/staff/${victim.id}/revoke`, {}],
      ['/admin/catalog/categories', { code: code.toLowerCase(), nameBg: 'К', nameEn: 'C', sort: '0', active: 'on' }],
      [`/admin/catalog/categories/${ids.category}`, { code: `c${uid()}`, nameBg: 'Превзета', nameEn: 'Taken', sort: '0' }],
      ['/admin/catalog/types', { categoryId: String(ids.category), code: code.toLowerCase(), nameBg: 'Т', nameEn: 'T', sort: '0', active: 'on' }],
      [`/admin/catalog/types/${ids.type}`, { categoryId: String(ids.category), code: `t${uid()}`, nameBg: 'Превзет', nameEn: 'Taken', sort: '0' }],
      [`/admin/catalog/types/${ids.type}/fields`, { 'fields.0.code': 'evil', 'fields.0.datatype': 'text', 'fields.0.labelBg': 'З', 'fields.0.labelEn': 'E' }],
      [`/admin/catalog/types/${ids.type}/route`, { routeTo: 'unit', routeUnitId: String(ids.unit) }],
      [`/admin/users/${residentRow.id}/suspend`, { reason: 'Злоупотреба, установена при проверка' }],
      [`/admin/users/${residentRow.id}/unsuspend`, {}],
      ['/admin/messages', { to: 'role', role: 'citizen', subject: 'Спам', body: 'Спам до всички' }],
    ];
    const before = await totals();
    const typeBefore = (await orm().select().from(caseTypes).where(eq(caseTypes.id, ids.type)))[0]!;
    for (const [url, form] of posts) {
      for (const p of others) expect((await post(app, url, form, { cookie: p.cookie })).statusCode, `${p.role} ${url}`).toBe(403);
      const anon = await post(app, url, form);
      expect(anon.statusCode, url).toBe(303);
      expect(String(anon.headers.location)).toMatch(/^\/login\?next=/);
    }
    expect(await totals()).toEqual(before);
    expect(await orm().select().from(organisations).where(eq(organisations.code, code))).toHaveLength(0);
    expect((await orm().select().from(organisations).where(eq(organisations.id, ids.org)))[0]!.nameBg).toBe('Столична община');
    expect(await unitByCode(code)).toBeUndefined();
    expect((await unitByCode('KC'))!.active).toBe(true);
    const v = await userRow(victim.id);
    expect([v.role, v.unitId]).toEqual(['officer', victim.unitId]);
    expect((await orm().select().from(caseTypes).where(eq(caseTypes.id, ids.type)))[0]).toEqual(typeBefore);
    expect((await userRow(residentRow.id)).suspendedAt).toBeNull();
  });
});

describe('organisations and units', () => {
  test('an organisation is created and edited, each change audited with before and after', async () => {
    const code = `ORG-${uid()}`;
    const id = createdId(await post(app, '/admin/organisations', { code, kind: 'utility', nameBg: 'Тестово дружество', nameEn: 'Test utility', phone: '', email: 'Info@Example.bg', address: '', hours: '' }, { cookie: admin.cookie }), '/admin/organisations');
    const edited = await post(app, `/admin/organisations/${id}`, { code, kind: 'utility', nameBg: 'Тестово дружество ЕАД', nameEn: 'Test utility plc', hours: 'Пн–Пт 9–17' }, { cookie: admin.cookie });
    expect(edited.statusCode).toBe(303);
    const [row] = await orm().select().from(organisations).where(eq(organisations.id, Number(id)));
    expect(row).toMatchObject({ nameBg: 'Тестово дружество ЕАД', email: null, hours: 'Пн–Пт 9–17' });
    const log = await auditOf('organisation', id);
    expect(log.map((r) => r.action)).toEqual(['organisation.create', 'organisation.update']);
    expect(log[0]!.after).toMatchObject({ email: 'info@example.bg' });
    expect(log[1]!.before).toMatchObject({ nameBg: 'Тестово дружество', hours: null });
    expect(log[1]!.after).toMatchObject({ nameBg: 'Тестово дружество ЕАД', hours: 'Пн–Пт 9–17' });
    expect(log[1]!.actorLabel).toBe(admin.username);

    // Codes are unique and well-formed; the error names the field.
    const dup = await post(app, '/admin/organisations', { code, kind: 'utility', nameBg: 'Друго', nameEn: 'Other' }, { cookie: admin.cookie });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('href="#code"');
    expect(dup.body).toContain('Този код вече се използва.');
    const bad = await post(app, '/admin/organisations', { code: 'с кирилица', kind: 'Utility!', nameBg: '', nameEn: 'x'.repeat(201) }, { cookie: admin.cookie });
    expect(bad.statusCode).toBe(400);
    for (const f of ['code', 'kind', 'nameBg', 'nameEn']) expect(bad.body).toContain(`href="#${f}"`);
  });

  test('a unit is created under a parent, shown below it, and a cycle or another organisation’s parent is refused', async () => {
    const so = (await orm().select().from(organisations).where(eq(organisations.code, 'SO')))[0]!;
    const top = `TOP-${uid()}`;
    const sub = `SUB-${uid()}`;
    const topId = createdId(await post(app, '/admin/units', { organisationId: String(so.id), parentId: '', code: top, nameBg: 'Горно звено', nameEn: 'Top unit', districtId: '', active: 'on' }, { cookie: admin.cookie }), '/admin/units');
    const subId = createdId(await post(app, '/admin/units', { organisationId: String(so.id), parentId: topId, code: sub, nameBg: 'Подзвено', nameEn: 'Sub-unit', districtId: '', active: 'on' }, { cookie: admin.cookie }), '/admin/units');
    expect((await unitByCode(sub))!.parentId).toBe(Number(topId));

    // The tree nests the sub-unit inside its parent's list item.
    const tree = await get('/admin/units', admin.cookie);
    const html = tree.body;
    const topAt = html.indexOf(`href="/admin/units/${topId}"`);
    const subAt = html.indexOf(`href="/admin/units/${subId}"`);
    expect(topAt).toBeGreaterThan(0);
    expect(subAt).toBeGreaterThan(topAt);
    expect(html.slice(topAt, subAt)).toContain('<ul class="tree">');
    expect(html.slice(topAt, subAt)).not.toContain('</li>');

    // Putting the parent under its own sub-unit (or under itself) would make a cycle.
    const cycle = await post(app, `/admin/units/${topId}`, { organisationId: String(so.id), parentId: subId, code: top, nameBg: 'Горно звено', nameEn: 'Top unit', active: 'on' }, { cookie: admin.cookie });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.body).toContain('Звеното не може да е подчинено на себе си или на свое подзвено.');
    expect(cycle.body).toContain('href="#parentId"');
    const self = await post(app, `/admin/units/${topId}`, { organisationId: String(so.id), parentId: topId, code: top, nameBg: 'Горно звено', nameEn: 'Top unit', active: 'on' }, { cookie: admin.cookie });
    expect(self.statusCode).toBe(400);
    expect((await unitByCode(top))!.parentId).toBeNull();

    // A parent of another organisation is refused.
    const other = (await unitByCode('R01-ADM'))!;
    const foreign = await post(app, `/admin/units/${subId}`, { organisationId: String(so.id), parentId: String(other.id), code: sub, nameBg: 'Подзвено', nameEn: 'Sub-unit', active: 'on' }, { cookie: admin.cookie });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).toContain('Горестоящото звено трябва да е от същата организация.');
    // Moving a unit with sub-units to another organisation would strand them.
    const move = await post(app, `/admin/units/${topId}`, { organisationId: String(other.organisationId), parentId: '', code: top, nameBg: 'Горно звено', nameEn: 'Top unit', active: 'on' }, { cookie: admin.cookie });
    expect(move.statusCode).toBe(400);
    expect(move.body).toContain('href="#organisationId"');
    expect((await unitByCode(sub))!.parentId).toBe(Number(topId));

    // Deactivating is an audited edit.
    expect((await post(app, `/admin/units/${subId}`, { organisationId: String(so.id), parentId: topId, code: sub, nameBg: 'Подзвено', nameEn: 'Sub-unit' }, { cookie: admin.cookie })).statusCode).toBe(303);
    const log = await auditOf('unit', subId);
    expect(log.map((r) => r.action)).toEqual(['unit.create', 'unit.update']);
    expect(log[1]!.before).toMatchObject({ active: true, parentId: Number(topId) });
    expect(log[1]!.after).toMatchObject({ active: false });
  });
});

describe('staff (AC-5)', () => {
  test('a new staff member gets no password, but an email with a link to set one, and can then log in', async () => {
    const username = `Sl_${uid()}`;
    const email = `${username.toLowerCase()}@sofia.example`;
    const unit = (await unitByCode('DIR-WASTE'))!;
    const res = await post(app, '/admin/staff', { username, firstName: 'Петя', lastName: 'Колева', email: email.toUpperCase(), role: 'officer', unitId: String(unit.id), locale: 'bg' }, { cookie: admin.cookie });
    const id = createdId(res, '/admin/staff');
    const row = await userRow(id);
    expect(row).toMatchObject({ username: username.toLowerCase(), displayUsername: username, email, emailVerified: true, role: 'officer', unitId: unit.id });
    expect(await orm().select().from(authAccounts).where(eq(authAccounts.userId, id))).toHaveLength(0);
    const shown = await get(String(res.headers.location), admin.cookie);
    expect(shown.body).toContain('Изпратихме на служителя връзка за задаване на парола.');

    const mail = await lastMail(app, email, 'account-reset');
    expect(mail).not.toBeNull();
    const token = new URL(linkIn(mail!.text, '/reset-password'), 'http://x').searchParams.get('token')!;
    expect((await post(app, '/reset-password', { token, password: 'Smetoizvozvane-2026', password2: 'Smetoizvozvane-2026' })).statusCode).toBe(200);
    const cookie = await login(app, username, 'Smetoizvozvane-2026');
    expect((await get('/admin', cookie)).statusCode).toBe(403);

    const [created] = await auditOf('user', id);
    expect(created).toMatchObject({ action: 'staff.create', actorId: admin.id });
    expect(created!.after).toMatchObject({ role: 'officer', unitId: unit.id, email });

    // A second link, when the first has expired.
    const before = (await mailsTo(app, email)).length;
    expect((await post(app, `/admin/staff/${id}/password-link`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    expect((await mailsTo(app, email)).length).toBe(before + 1);
  });

  test('taken usernames and emails, a missing unit and a bad role are refused naming the field', async () => {
    const taken = await staff(app, 'clerk', 'KC');
    const takenRow = await userRow(taken.id);
    const base = { firstName: 'А', lastName: 'Б', role: 'clerk', unitId: String(taken.unitId), locale: 'bg' };
    const dup = await post(app, '/admin/staff', { ...base, username: taken.username.toUpperCase(), email: takenRow.email }, { cookie: admin.cookie });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('href="#username"');
    expect(dup.body).toContain('Това потребителско име е заето.');
    expect(dup.body).toContain('href="#email"');
    const noUnit = await post(app, '/admin/staff', { ...base, username: `n_${uid()}`, email: `n${uid()}@example.bg`, unitId: '' }, { cookie: admin.cookie });
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.body).toContain('href="#unitId"');
    const badRole = await post(app, '/admin/staff', { ...base, username: `n_${uid()}`, email: `n${uid()}@example.bg`, role: 'citizen' }, { cookie: admin.cookie });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.body).toContain('href="#role"');
    const badName = await post(app, '/admin/staff', { ...base, username: 'а б', email: 'not-an-email' }, { cookie: admin.cookie });
    expect(badName.body).toContain('Потребителското име трябва да е от 3 до 30');
    expect(badName.body).toContain('Невалиден имейл адрес.');
    // An administrator needs no unit.
    const boss = await post(app, '/admin/staff', { ...base, username: `adm_${uid()}`, email: `adm${uid()}@example.bg`, role: 'admin', unitId: '' }, { cookie: admin.cookie });
    expect((await userRow(createdId(boss, '/admin/staff'))).unitId).toBeNull();
  });

  test('role and unit change and staff rights are removed, audited; an administrator cannot remove their own', async () => {
    const s = await staff(app, 'officer', 'DIR-TRANSPORT');
    const lighting = (await unitByCode('DIR-LIGHTING'))!;
    expect((await post(app, `/admin/staff/${s.id}`, { role: 'manager', unitId: String(lighting.id) }, { cookie: admin.cookie })).statusCode).toBe(303);
    expect(await userRow(s.id)).toMatchObject({ role: 'manager', unitId: lighting.id });
    // The change applies to the running session at once.
    expect(JSON.parse((await get('/api/v1/me', s.cookie)).body).role).toBe('manager');

    const list = await get(`/admin/staff?role=manager&unitId=${lighting.id}`, admin.cookie);
    expect(list.body).toContain(`/admin/staff/${s.id}`);
    const other = await get(`/admin/staff?role=clerk&unitId=${lighting.id}`, admin.cookie);
    expect(other.body).not.toContain(`/admin/staff/${s.id}`);

    expect((await post(app, `/admin/staff/${s.id}/revoke`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    expect(await userRow(s.id)).toMatchObject({ role: 'citizen', unitId: null });
    const log = await auditOf('user', s.id);
    expect(log.map((r) => r.action)).toEqual(['staff.update', 'staff.revoke']);
    expect(log[0]!.before).toMatchObject({ role: 'officer', unitId: s.unitId });
    expect(log[0]!.after).toMatchObject({ role: 'manager', unitId: lighting.id });
    expect(log[1]!.after).toMatchObject({ role: 'citizen', unitId: null });
    expect((await get(`/admin/staff/${s.id}`, admin.cookie)).statusCode).toBe(404);

    const me = await post(app, `/admin/staff/${admin.id}`, { role: 'officer', unitId: String(admin.unitId) }, { cookie: admin.cookie });
    expect(me.statusCode).toBe(400);
    expect(me.body).toContain('Не можете да отнемете собствените си администраторски права.');
    expect((await post(app, `/admin/staff/${admin.id}/revoke`, {}, { cookie: admin.cookie })).statusCode).toBe(400);
    expect((await userRow(admin.id)).role).toBe('admin');
  });
});

describe('catalogue (CC-1, CC-9)', () => {
  test('a type’s routing rule and extra fields are live at once', async () => {
    const t = await testType();
    const orm0 = orm();
    expect((await getCatalog(orm0)).typeByCode(t.code)?.route.to).toBe('district');

    const lighting = (await unitByCode('DIR-LIGHTING'))!;
    const missing = await post(app, `/admin/catalog/types/${t.typeId}/route`, { routeTo: 'unit', routeUnitId: '' }, { cookie: admin.cookie });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#routeUnitId"');
    expect((await post(app, `/admin/catalog/types/${t.typeId}/route`, { routeTo: 'unit', routeUnitId: String(lighting.id), routeOrganisationId: '' }, { cookie: admin.cookie })).statusCode).toBe(303);
    expect((await getCatalog(orm0)).typeByCode(t.code)?.route).toEqual({ to: 'unit', unitId: lighting.id, organisationId: null });
    const org = (await orm0.select().from(organisations).where(eq(organisations.code, 'R02')))[0]!;
    expect((await post(app, `/admin/catalog/types/${t.typeId}/route`, { routeTo: 'organisation', routeUnitId: String(lighting.id), routeOrganisationId: String(org.id) }, { cookie: admin.cookie })).statusCode).toBe(303);
    // Only the target the rule uses is kept.
    expect((await getCatalog(orm0)).typeByCode(t.code)?.route).toEqual({ to: 'organisation', unitId: null, organisationId: org.id });

    const fields = {
      'fields.0.pos': '2',
      'fields.0.code': 'bins',
      'fields.0.datatype': 'multi',
      'fields.0.required': 'on',
      'fields.0.labelBg': 'Какви съдове',
      'fields.0.labelEn': 'Which bins',
      'fields.0.options': 'paper|Хартия|Paper\r\nglass|Стъкло|Glass\r\n',
      'fields.1.pos': '1',
      'fields.1.code': 'plate',
      'fields.1.datatype': 'text',
      'fields.1.labelBg': 'Регистрационен номер',
      'fields.1.labelEn': 'Plate',
      'fields.1.hintBg': 'Ако се вижда',
      'fields.2.code': '',
      'fields.2.datatype': 'text',
      'fields.2.labelBg': '',
    };
    expect((await post(app, `/admin/catalog/types/${t.typeId}/fields`, fields, { cookie: admin.cookie })).statusCode).toBe(303);
    const live = (await getCatalog(orm0)).typeByCode(t.code)!;
    expect(live.fields).toEqual([
      { code: 'plate', datatype: 'text', required: false, labelBg: 'Регистрационен номер', labelEn: 'Plate', hintBg: 'Ако се вижда' },
      {
        code: 'bins',
        datatype: 'multi',
        required: true,
        labelBg: 'Какви съдове',
        labelEn: 'Which bins',
        options: [
          { key: 'paper', bg: 'Хартия', en: 'Paper' },
          { key: 'glass', bg: 'Стъкло', en: 'Glass' },
        ],
      },
    ]);
    // The edit page shows the fields as rows plus one empty row; removing one is a tick.
    const shown = await get(`/admin/catalog/types/${t.typeId}`, admin.cookie);
    expect(shown.body).toContain('name="fields.2.code"');
    expect(shown.body).not.toContain('name="fields.3.code"');
    expect(shown.body).toContain('paper|Хартия|Paper');
    const removed = { ...fields, 'fields.1.remove': 'on' };
    expect((await post(app, `/admin/catalog/types/${t.typeId}/fields`, removed, { cookie: admin.cookie })).statusCode).toBe(303);
    expect((await getCatalog(orm0)).typeByCode(t.code)!.fields.map((f) => f.code)).toEqual(['bins']);
    const log = (await auditOf('case_type', t.typeId)).map((r) => r.action);
    expect(log).toEqual(['type.create', 'type.route', 'type.route', 'type.fields', 'type.fields']);

    // Deactivating the type takes it out of the forms at once (and out of other tests' way).
    expect((await post(app, `/admin/catalog/types/${t.typeId}`, { categoryId: String(t.categoryId), code: t.code, nameBg: `Тип ${t.code}`, nameEn: `Type ${t.code}`, sort: '0' }, { cookie: admin.cookie })).statusCode).toBe(303);
    expect((await getCatalog(orm0)).typeByCode(t.code)).toBeUndefined();
    await post(app, `/admin/catalog/categories/${t.categoryId}`, { code: `c${t.code}`, nameBg: 'К', nameEn: 'C', sort: '9999' }, { cookie: admin.cookie });
  });

  test('bad field definitions are refused naming the field, and nothing changes', async () => {
    const t = await testType();
    const bad = {
      'fields.0.code': 'Bad Code',
      'fields.0.datatype': 'text',
      'fields.0.labelBg': 'Етикет',
      'fields.0.labelEn': 'Label',
      'fields.1.code': 'kind',
      'fields.1.datatype': 'single',
      'fields.1.labelBg': 'Вид',
      'fields.1.labelEn': '',
      'fields.1.options': '',
      'fields.2.code': 'kind',
      'fields.2.datatype': 'multi',
      'fields.2.labelBg': 'Пак вид',
      'fields.2.labelEn': 'Kind again',
      'fields.2.options': 'a|А|A\nno pipes here',
      'fields.3.code': 'when',
      'fields.3.datatype': 'colour',
      'fields.3.labelBg': 'Кога',
      'fields.3.labelEn': 'When',
    };
    const res = await post(app, `/admin/catalog/types/${t.typeId}/fields`, bad, { cookie: admin.cookie });
    expect(res.statusCode).toBe(400);
    for (const id of ['fields-0-code', 'fields-1-labelEn', 'fields-1-options', 'fields-2-code', 'fields-2-options', 'fields-3-datatype']) expect(res.body, id).toContain(`href="#${id}"`);
    expect(res.body).toContain('Поле 1: Код');
    expect(res.body).toContain('Полето с избор се нуждае от поне една възможност.');
    expect(res.body).toContain('Този код вече се използва.');
    // What was typed is shown again.
    expect(res.body).toContain('value="Bad Code"');
    const [row] = await orm().select().from(caseTypes).where(eq(caseTypes.id, t.typeId));
    expect(row!.fields).toEqual([]);
    expect(await auditOf('case_type', t.typeId)).toHaveLength(1);

    const dupType = await post(app, '/admin/catalog/types', { categoryId: String(t.categoryId), code: t.code, nameBg: 'Т', nameEn: 'T', sort: '1' }, { cookie: admin.cookie });
    expect(dupType.statusCode).toBe(400);
    expect(dupType.body).toContain('href="#code"');
    const badSort = await post(app, '/admin/catalog/types', { categoryId: String(t.categoryId), code: `t${uid()}`, nameBg: 'Т', nameEn: 'T', sort: 'x' }, { cookie: admin.cookie });
    expect(badSort.statusCode).toBe(400);
    expect(badSort.body).toContain('href="#sort"');
    await post(app, `/admin/catalog/categories/${t.categoryId}`, { code: `c${t.code}`, nameBg: 'К', nameEn: 'C', sort: '9999' }, { cookie: admin.cookie });
    expect((await orm().select().from(categories).where(eq(categories.id, t.categoryId)))[0]!.active).toBe(false);
  });
});

describe('suspension (CC-17)', () => {
  test('a reason of at least 10 characters is required; suspending is audited and emailed in the user’s language; lifting too', async () => {
    const c = await citizen(app, { locale: 'en' });
    const id = (await orm().select().from(users).where(eq(users.username, c.username.toLowerCase())))[0]!.id;
    const found = await get(`/admin/users?q=${encodeURIComponent(c.email.toUpperCase())}`, admin.cookie);
    expect(found.body).toContain(`/admin/users/${id}`);

    const short = await post(app, `/admin/users/${id}/suspend`, { reason: 'спам' }, { cookie: admin.cookie });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Опишете причината с поне 10 знака.');
    expect((await userRow(id)).suspendedAt).toBeNull();

    const reason = 'Многократни обидни сигнали, потвърдени при проверка';
    expect((await post(app, `/admin/users/${id}/suspend`, { reason }, { cookie: admin.cookie })).statusCode).toBe(303);
    expect(await userRow(id)).toMatchObject({ suspendedReason: reason });
    expect((await userRow(id)).suspendedAt).toBeInstanceOf(Date);
    const [rec] = await auditOf('user', id);
    expect(rec).toMatchObject({ action: 'user.suspend', actorLabel: admin.username, before: { suspendedAt: null, suspendedReason: null } });
    expect(rec!.after).toMatchObject({ suspendedReason: reason });
    const mail = await lastMail(app, c.email, 'account-suspended');
    expect(mail?.lang).toBe('en');
    expect(mail?.subject).toBe('Your account is suspended');
    expect(mail?.text).toContain(reason);

    const list = await get('/admin/users', admin.cookie);
    expect(list.body).toContain(`/admin/users/${id}`);

    expect((await post(app, `/admin/users/${id}/unsuspend`, {}, { cookie: admin.cookie })).statusCode).toBe(303);
    expect(await userRow(id)).toMatchObject({ suspendedAt: null, suspendedReason: null });
    expect((await auditOf('user', id)).map((r) => r.action)).toEqual(['user.suspend', 'user.unsuspend']);
    expect((await lastMail(app, c.email, 'account-unsuspended'))?.subject).toBe('Your account is restored');
    // Staff accounts are not suspended here.
    expect((await post(app, `/admin/users/${admin.id}/suspend`, { reason }, { cookie: admin.cookie })).statusCode).toBe(404);
  });
});

describe('service messages (CC-18)', () => {
  test('a message to one user appears at /messages of that user only, with an email', async () => {
    const a = await citizen(app);
    const b = await citizen(app);
    const subject = `Планирана профилактика ${uid()}`;
    const res = await post(app, '/admin/messages', { to: 'user', username: a.username, role: '', subject, body: 'Порталът няма да работи в неделя от 2 до 4 ч.\n\nБлагодарим за разбирането.' }, { cookie: admin.cookie });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/messages/new?sent=1');

    const mine = await get('/messages', a.cookie);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(subject);
    expect((await get('/messages', b.cookie)).body).not.toContain(subject);
    expect((await get('/messages')).statusCode).toBe(303);

    const mail = await lastMail(app, a.email, 'service-message');
    expect(mail?.subject).toBe(subject);
    expect(mail?.text).toContain('Благодарим за разбирането.');
    expect(await lastMail(app, b.email, 'service-message')).toBeNull();

    const link = linkIn(mail!.text, '/messages/');
    const opened = await get(link, a.cookie);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('Порталът няма да работи в неделя');
    const msgId = Number(link.split('/').at(-1));
    expect((await orm().select().from(serviceMessages).where(eq(serviceMessages.id, msgId)))[0]!.readAt).toBeInstanceOf(Date);
    expect((await get(link, b.cookie)).statusCode).toBe(404);

    const unknown = await post(app, '/admin/messages', { to: 'user', username: `nobody_${uid()}`, subject, body: 'x' }, { cookie: admin.cookie });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Няма потребител с това потребителско име.');
  });

  test('a message to a role reaches everyone with that role', async () => {
    const i1 = await staff(app, 'inspector', 'DIR-CONTROL');
    const i2 = await staff(app, 'inspector', 'DIR-CONTROL');
    const subject = `Нови указания ${uid()}`;
    const res = await post(app, '/admin/messages', { to: 'role', role: 'inspector', subject, body: 'Текст на указанията.' }, { cookie: admin.cookie });
    expect(res.statusCode).toBe(303);
    expect(Number(new URL(String(res.headers.location), 'http://x').searchParams.get('sent'))).toBeGreaterThanOrEqual(2);
    for (const p of [i1, i2]) expect((await get('/messages', p.cookie)).body).toContain(subject);
    expect((await get('/messages', admin.cookie)).body).not.toContain(subject);
    const [rec] = await orm().select().from(auditLog).where(and(eq(auditLog.action, 'message.send'), eq(auditLog.actorId, admin.id))).orderBy(auditLog.id);
    expect(rec).toBeDefined();
  });
});

describe('audit log (NF-4)', () => {
  test('filters, pages by id and exports the filtered rows as CSV', async () => {
    const code = `AUD-${uid()}`;
    const id = createdId(await post(app, '/admin/organisations', { code, kind: 'other', nameBg: 'Одит', nameEn: 'Audit' }, { cookie: admin.cookie }), '/admin/organisations');
    for (let i = 1; i <= 51; i++) {
      expect((await post(app, `/admin/organisations/${id}`, { code, kind: 'other', nameBg: 'Одит', nameEn: 'Audit', hours: `=HYPERLINK("x") ${i}` }, { cookie: admin.cookie })).statusCode).toBe(303);
    }
    const filter = `entity=organisation&entityId=${id}`;
    const first = await get(`/admin/audit?${filter}`, admin.cookie);
    expect(first.statusCode).toBe(200);
    expect((first.body.match(/<tr id="a\d+"/g) ?? []).length).toBe(50);
    expect(first.body).toContain('HYPERLINK(\\&quot;x\\&quot;) 51');
    const older = /href="(\/admin\/audit\?[^"]*before=\d+)"/.exec(first.body)![1]!.replaceAll('&amp;', '&');
    const second = await get(older, admin.cookie);
    expect((second.body.match(/<tr id="a\d+"/g) ?? []).length).toBe(2);
    expect(second.body).toContain('organisation.create');
    expect(second.body).toMatch(/href="\/admin\/audit\?[^"]*after=\d+"/);

    // By actor and by Sofia calendar day.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia' }).format(new Date());
    const byDay = await get(`/admin/audit?${filter}&action=organisation.create&actor=${admin.username.toUpperCase()}&from=${today}&to=${today}`, admin.cookie);
    expect((byDay.body.match(/<tr id="a\d+"/g) ?? []).length).toBe(1);
    expect((await get(`/admin/audit?${filter}&actor=someone_else`, admin.cookie)).body).not.toContain('<tr id="a');
    expect((await get(`/admin/audit?${filter}&from=2099-01-01`, admin.cookie)).body).not.toContain('<tr id="a');

    const csv = await get(`/admin/audit.csv?${filter}`, admin.cookie);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_id,actor,ip,action,entity,entity_id,before,after');
    expect(lines).toHaveLength(53);
    expect(lines.slice(1).every((l) => l.includes(`,organisation,${id},`))).toBe(true);
    expect(lines.at(-1)).toContain('organisation.create');
    // JSON cells are quoted, their quotes doubled.
    expect(lines[1]).toMatch(/,"\{""code"":""AUD-/);
    const updates = await get(`/admin/audit.csv?${filter}&action=organisation.update`, admin.cookie);
    expect(updates.body.trim().split('\r\n')).toHaveLength(52);
  });
});
