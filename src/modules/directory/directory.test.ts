import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { clock, testApp } from '../../../test/harness.js';
import { post, staff } from '../../../test/accounts.factories.js';
import { auditLog } from '../../platform/audit/index.js';
import { renderFragment } from '../../platform/web/layout.js';
import { organisations, services, units } from '../catalog/catalog.tables.js';
import { announcements } from '../cases/index.js';
import { AnnouncementsBox, currentAnnouncements, listTransferContacts, seedDirectory } from './index.js';

let app: App;
let admin: Awaited<ReturnType<typeof staff>>;
let officer: Awaited<ReturnType<typeof staff>>;

const uid = () => randomBytes(4).toString('hex').toUpperCase();
const get = (url: string, cookie?: string) => app.app.inject({ url, headers: cookie ? { cookie } : {} });

async function counts() {
  const { rows } = await app.ctx.db.raw.executeSql(
    `SELECT (SELECT count(*) FROM organisations WHERE code LIKE 'EXT-%')::int AS orgs,
            (SELECT count(*) FROM services WHERE code LIKE 'DEMO-%')::int AS services,
            (SELECT count(*) FROM announcements)::int AS announcements,
            (SELECT count(*) FROM audit_log WHERE entity IN ('unit', 'organisation', 'service', 'announcement'))::int AS audits`,
    [],
  );
  return rows[0] as { orgs: number; services: number; announcements: number; audits: number };
}

function serviceForm(over: Record<string, string> = {}) {
  return {
    nameBg: 'Тестова услуга',
    nameEn: 'Test service',
    howBg: 'Подайте заявление.',
    howEn: 'Apply.',
    documentsBg: 'Заявление',
    documentsEn: 'Application',
    deadlineBg: '7 дни',
    deadlineEn: '7 days',
    priceBg: 'безплатно',
    priceEn: 'free',
    unitCode: 'DIR-ECOLOGY',
    ...over,
  };
}

function announcementForm(over: Record<string, string> = {}) {
  return {
    titleBg: `Ремонт ${uid()}`,
    titleEn: 'Road works',
    textBg: 'Ремонт на водопровод; движението е затворено.',
    textEn: 'Water main repair; the road is closed.',
    startsAt: '2031-03-01T08:00',
    endsAt: '2031-03-05T18:00',
    lat: '42,6977',
    lon: '23.3219',
    radiusM: '500',
    unitCode: 'DIR-TRANSPORT',
    ...over,
  };
}

beforeAll(async () => {
  app = await testApp();
  await seedDirectory(app.ctx.db);
  admin = await staff(app, 'admin', 'KC');
  officer = await staff(app, 'officer', 'DIR-TRANSPORT');
});

describe('seed data', () => {
  test('is idempotent and gives operators the emergency numbers and utilities in order', async () => {
    const before = await counts();
    await seedDirectory(app.ctx.db);
    expect(await counts()).toEqual(before);
    const list = await listTransferContacts(app.ctx.db.orm);
    const byName = (s: string) => list.find((o) => o.nameBg.includes(s));
    expect(byName('112')?.phone).toBe('112');
    expect(byName('Полиция')?.phone).toBe('166');
    expect(byName('Спешна медицинска помощ')?.phone).toBe('150');
    expect(byName('Пожарна')?.phone).toBe('160');
    expect(byName('Софийска вода')?.kind).toBe('utility');
    expect(byName('Оперативен дежурен')?.kind).toBe('crisis');
    const i112 = list.findIndex((o) => o.phone === '112');
    const iWater = list.findIndex((o) => o.nameBg.includes('Софийска вода'));
    expect(i112).toBeLessThan(iWater);
    const [kc] = await app.ctx.db.orm.select().from(units).where(eq(units.code, 'KC'));
    expect(kc).toMatchObject({ phone: '0700 17 310', hours: '24/7' });
    expect(kc!.address).toContain('Московска');
  });
});

describe('public directory (CC-15)', () => {
  test('finds a unit by a word of its functions, in Bulgarian with any case, and in English', async () => {
    const bg = await get(`/directory?q=${encodeURIComponent('СТЪЛБОВЕ')}`);
    expect(bg.statusCode).toBe(200);
    expect(bg.body).toContain('href="/directory/units/DIR-LIGHTING"');
    expect(bg.body).not.toContain('href="/directory/units/DIR-WASTE"');
    expect(bg.body).toContain('name="q"');

    const en = await get('/api/v1/directory?q=Poles&lang=en');
    expect(en.statusCode).toBe(200);
    const body = en.json();
    expect(body.units.map((u: { code: string }) => u.code)).toEqual(['DIR-LIGHTING']);
    expect(body.units[0].functions).toContain('poles');
    expect(body.units[0].name).toContain('street lighting');
  });

  test('finds a service by a word of its name in either language', async () => {
    const bg = await get(`/api/v1/directory?q=${encodeURIComponent('удостоверение')}`);
    expect(bg.json().services.map((s: { code: string }) => s.code)).toContain('DEMO-CURRENT-ADDRESS');
    const en = await get('/api/v1/directory?q=CERTIFICATE&lang=en');
    const svc = en.json().services.find((s: { code: string }) => s.code === 'DEMO-CURRENT-ADDRESS');
    expect(svc.name).toBe('Certificate of current address');
    expect(svc.unit.code).toBe('R01-ADM');
    const page = await get(`/directory?q=${encodeURIComponent('Удостоверение настоящ')}`);
    expect(page.body).toContain('href="/directory/services/DEMO-CURRENT-ADDRESS"');
  });

  test('shows a unit and a service in full, in both languages', async () => {
    const unit = await get('/directory/units/KC');
    expect(unit.statusCode).toBe(200);
    expect(unit.body).toContain('0700 17 310');
    expect(unit.body).toContain('Работно време');
    const service = await get('/directory/services/DEMO-CURRENT-ADDRESS?lang=en');
    expect(service.statusCode).toBe(200);
    for (const s of ['How to obtain it', 'Documents needed', 'Deadline', 'Price', 'Responsible unit', 'Demo content', 'href="/directory/units/R01-ADM"']) expect(service.body).toContain(s);
  });

  test('an unknown code is 404, on pages and for administrators', async () => {
    expect((await get('/directory/units/NO-SUCH-UNIT')).statusCode).toBe(404);
    expect((await get('/directory/services/NO-SUCH-SERVICE')).statusCode).toBe(404);
    expect((await get('/admin/directory/services/NO-SUCH-SERVICE', admin.cookie)).statusCode).toBe(404);
    expect((await get('/admin/directory/organisations/999999999', admin.cookie)).statusCode).toBe(404);
    expect((await get('/admin/announcements/abc', admin.cookie)).statusCode).toBe(404);
  });

  test('the JSON API is described in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).json();
    expect(doc.paths['/api/v1/directory']).toBeDefined();
    expect(doc.paths['/api/v1/announcements']).toBeDefined();
    expect((await get(`/api/v1/directory?q=${'x'.repeat(101)}`)).statusCode).toBe(400);
  });
});

describe('administration is for administrators only', () => {
  const pages = ['/admin/directory', '/admin/directory/units/KC', '/admin/directory/services/new', '/admin/directory/organisations/new', '/admin/announcements', '/admin/announcements/new'];

  test('an anonymous visitor is sent to the login page; an officer gets 403', async () => {
    for (const url of pages) {
      const anon = await get(url);
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location, url).toMatch(/^\/login\?next=/);
      expect((await get(url, officer.cookie)).statusCode, url).toBe(403);
      expect((await get(url, admin.cookie)).statusCode, url).toBe(200);
    }
  });

  test('their posts change nothing', async () => {
    const before = await counts();
    const [svc] = await app.ctx.db.orm.select().from(services).where(eq(services.code, 'DEMO-STREET-STALL'));
    const [kc] = await app.ctx.db.orm.select().from(units).where(eq(units.code, 'KC'));
    const attempts: [string, Record<string, string>][] = [
      ['/admin/directory/services/DEMO-STREET-STALL', serviceForm({ nameBg: 'Подменено' })],
      ['/admin/directory/services/DEMO-STREET-STALL/deactivate', {}],
      ['/admin/directory/services/new', serviceForm({ code: `X-${uid()}` })],
      ['/admin/directory/units/KC', { functionsBg: 'Подменено', phone: '000' }],
      ['/admin/directory/organisations/new', { nameBg: 'Нова', nameEn: 'New', kind: 'utility' }],
      ['/admin/announcements/new', announcementForm()],
    ];
    for (const [url, form] of attempts) {
      const anon = await post(app, url, form);
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location, url).toMatch(/^\/login/);
      expect((await post(app, url, form, { cookie: officer.cookie })).statusCode, url).toBe(403);
    }
    expect(await counts()).toEqual(before);
    expect((await app.ctx.db.orm.select().from(services).where(eq(services.code, 'DEMO-STREET-STALL')))[0]).toEqual(svc);
    expect((await app.ctx.db.orm.select().from(units).where(eq(units.code, 'KC')))[0]).toEqual(kc);
  });
});

describe('administrators edit the directory', () => {
  test('an edited service shows on the public page and leaves an audit record with before and after', async () => {
    const code = `T-${uid()}`;
    const created = await post(app, '/admin/directory/services/new', serviceForm({ code: code.toLowerCase() }), { cookie: admin.cookie });
    expect(created.statusCode, created.body).toBe(303);
    expect((await get(`/directory/services/${code}`)).body).toContain('Тестова услуга');

    const edited = await post(app, `/admin/directory/services/${code}`, serviceForm({ nameBg: 'Разрешение за пчелин', priceBg: '12 €', unitCode: 'DIR-WASTE' }), { cookie: admin.cookie });
    expect(edited.statusCode, edited.body).toBe(303);
    const page = await get(`/directory/services/${code}`);
    expect(page.body).toContain('Разрешение за пчелин');
    expect(page.body).toContain('12 €');
    expect(page.body).toContain('href="/directory/units/DIR-WASTE"');
    const found = await get(`/api/v1/directory?q=${encodeURIComponent('ПЧЕЛИН')}`);
    expect(found.json().services.map((s: { code: string }) => s.code)).toEqual([code]);

    const [row] = await app.ctx.db.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'service'), eq(auditLog.entityId, code), eq(auditLog.action, 'service.update')))
      .orderBy(desc(auditLog.id));
    expect(row!.actorId).toBe(admin.id);
    expect(row!.before).toMatchObject({ nameBg: 'Тестова услуга', priceBg: 'безплатно' });
    expect(row!.after).toMatchObject({ nameBg: 'Разрешение за пчелин', priceBg: '12 €' });

    const off = await post(app, `/admin/directory/services/${code}/deactivate`, {}, { cookie: admin.cookie });
    expect(off.statusCode).toBe(303);
    expect((await get(`/directory/services/${code}`)).statusCode).toBe(404);
    const audits = await app.ctx.db.orm.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entity, 'service'), eq(auditLog.entityId, code)));
    expect(audits.map((a) => a.action).sort()).toEqual(['service.create', 'service.deactivate', 'service.update']);
  });

  test('a unit’s directory data and an outside organisation are edited and audited', async () => {
    const phone = `02 ${Math.floor(Math.random() * 900 + 100)} ${Math.floor(Math.random() * 9000 + 1000)}`;
    const res = await post(app, '/admin/directory/units/R24-ADM', { functionsBg: 'Тестови функции на района', functionsEn: 'Test functions', address: 'с. Тест', hours: 'пон.–пет. 9:00–17:00', phone, email: 'r24@example.bg' }, { cookie: admin.cookie });
    expect(res.statusCode, res.body).toBe(303);
    const page = await get('/directory/units/R24-ADM');
    expect(page.body).toContain(phone);
    expect(page.body).toContain('Тестови функции на района');
    const [a] = await app.ctx.db.orm.select().from(auditLog).where(and(eq(auditLog.entity, 'unit'), eq(auditLog.entityId, 'R24-ADM'))).orderBy(desc(auditLog.id));
    expect(a!.after).toMatchObject({ phone });

    const name = `Тестово дружество ${uid()}`;
    const org = await post(app, '/admin/directory/organisations/new', { nameBg: name, nameEn: 'Test utility', kind: 'utility', phone: '', hours: '24/7', sort: '5' }, { cookie: admin.cookie });
    expect(org.statusCode, org.body).toBe(303);
    const listed = (await listTransferContacts(app.ctx.db.orm)).find((o) => o.nameBg === name);
    expect(listed).toMatchObject({ kind: 'utility', phone: null, hours: '24/7' });
    const off = await post(app, `/admin/directory/organisations/${listed!.id}/deactivate`, {}, { cookie: admin.cookie });
    expect(off.statusCode).toBe(303);
    expect((await listTransferContacts(app.ctx.db.orm)).some((o) => o.id === listed!.id)).toBe(false);
    const trail = await app.ctx.db.orm.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entity, 'organisation'), eq(auditLog.entityId, String(listed!.id))));
    expect(trail.map((t) => t.action).sort()).toEqual(['organisation.create', 'organisation.deactivate']);
    // Municipal organisations are not edited as transfer destinations.
    const [so] = await app.ctx.db.orm.select({ id: organisations.id }).from(organisations).where(eq(organisations.code, 'SO'));
    expect((await get(`/admin/directory/organisations/${so!.id}`, admin.cookie)).statusCode).toBe(404);
  });
});

describe('bad input is refused, naming the field', () => {
  test('an empty name, a bad phone or a code in use', async () => {
    const code = `E-${uid()}`;
    const empty = await post(app, '/admin/directory/services/new', serviceForm({ code, nameBg: '   ' }), { cookie: admin.cookie });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#nameBg"');
    expect(empty.body).toContain('Полето е задължително.');
    expect(await app.ctx.db.orm.select().from(services).where(eq(services.code, code))).toHaveLength(0);

    const taken = await post(app, '/admin/directory/services/new', serviceForm({ code: 'DEMO-STREET-STALL' }), { cookie: admin.cookie });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('href="#code"');

    const org = await post(app, '/admin/directory/organisations/new', { nameBg: 'Име', nameEn: '', kind: 'utility', phone: 'обади се' }, { cookie: admin.cookie });
    expect(org.statusCode).toBe(400);
    expect(org.body).toContain('href="#nameEn"');
    expect(org.body).toContain('href="#phone"');

    const unit = await post(app, '/admin/directory/units/KC', { email: 'not-an-email', functionsBg: 'x'.repeat(4001) }, { cookie: admin.cookie });
    expect(unit.statusCode).toBe(400);
    expect(unit.body).toContain('href="#email"');
    expect(unit.body).toContain('href="#functionsBg"');
  });

  test('an announcement with radius 0, a centre in Plovdiv, an end before its start, or too long a text', async () => {
    const before = await counts();
    const cases: [Record<string, string>, string[]][] = [
      [{ radiusM: '0' }, ['radiusM']],
      [{ lat: '42.1354', lon: '24.7453' }, ['lat', 'lon']],
      [{ startsAt: '2031-03-05T08:00', endsAt: '2031-03-01T08:00' }, ['endsAt']],
      [{ textBg: 'т'.repeat(2001) }, ['textBg']],
      [{ titleEn: '' }, ['titleEn']],
      [{ lat: '', lon: '23.3', radiusM: '' }, ['lat', 'radiusM']],
      [{ startsAt: 'утре' }, ['startsAt']],
    ];
    for (const [over, fields] of cases) {
      const res = await post(app, '/admin/announcements/new', announcementForm(over), { cookie: admin.cookie });
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      for (const f of fields) expect(res.body, `${JSON.stringify(over)} → ${f}`).toContain(`href="#${f}"`);
    }
    const far = await post(app, '/admin/announcements/new', announcementForm({ lat: '42.1354', lon: '24.7453' }), { cookie: admin.cookie });
    expect(far.body).toContain('извън територията на Столична община');
    const long = await post(app, '/admin/announcements/new', announcementForm({ textBg: 'т'.repeat(2001) }), { cookie: admin.cookie });
    expect(long.body).toContain('Текстът е твърде дълъг: най-много 2000 знака.');
    expect(await counts()).toEqual(before);
  });
});

describe('announcements (CC-16)', () => {
  test('are current only within their period (Sofia time), shown publicly, and end on request', async () => {
    const form = announcementForm();
    const res = await post(app, '/admin/announcements/new', form, { cookie: admin.cookie });
    expect(res.statusCode, res.body).toBe(303);
    const [row] = await app.ctx.db.orm.select({ id: announcements.id }).from(announcements).where(eq(announcements.titleBg, form.titleBg));
    const id = row!.id;
    const orm = app.ctx.db.orm;
    const at = async (iso: string) => (await currentAnnouncements(orm, new Date(iso))).some((x) => x.id === id);
    // 08:00 in Sofia on 1 March is 06:00 UTC (EET, UTC+2); 18:00 on 5 March is 16:00 UTC.
    expect(await at('2031-03-01T05:59:59Z')).toBe(false);
    expect(await at('2031-03-01T06:00:00Z')).toBe(true);
    expect(await at('2031-03-05T15:59:59Z')).toBe(true);
    expect(await at('2031-03-05T16:00:00Z')).toBe(false);

    const [item] = (await currentAnnouncements(orm, new Date('2031-03-02T12:00:00Z'))).filter((x) => x.id === id);
    expect(item).toMatchObject({ title: { bg: form.titleBg, en: 'Road works' }, radiusM: 500 });
    expect(item!.lat).toBeCloseTo(42.6977, 6);
    expect(item!.lon).toBeCloseTo(23.3219, 6);
    const box = renderFragment(AnnouncementsBox({ lang: 'bg', items: [item!] })!);
    expect(box).toContain('Текущи ремонти и проблеми');
    expect(box).toContain('href="/?at=42.697700,23.321900#signal-map"');
    expect(box).toContain('на картата');
    expect(renderFragment(AnnouncementsBox({ lang: 'en', items: [item!] })!)).toContain('Current works and problems');
    expect(AnnouncementsBox({ lang: 'bg', items: [] })).toBeNull();

    const [created] = await orm.select().from(auditLog).where(and(eq(auditLog.entity, 'announcement'), eq(auditLog.entityId, String(id))));
    expect(created!.after).toMatchObject({ titleBg: form.titleBg, startsAt: '2031-03-01T06:00:00.000Z', radiusM: 500 });

    const prev = clock.fixed;
    try {
      clock.set(new Date('2031-03-02T12:00:00Z'));
      const pub = await get('/announcements');
      expect(pub.body).toContain(form.titleBg);
      const api = (await get('/api/v1/announcements?lang=en')).json();
      expect(api.items.find((x: { id: number }) => x.id === id)).toMatchObject({ title: 'Road works', area: { radiusM: 500 }, unit: { code: 'DIR-TRANSPORT' } });
      const edit = await get(`/admin/announcements/${id}`, admin.cookie);
      expect(edit.body).toContain('value="2031-03-01T08:00"');

      const ended = await post(app, `/admin/announcements/${id}/end`, {}, { cookie: admin.cookie });
      expect(ended.statusCode).toBe(303);
      expect(await at('2031-03-02T12:00:01Z')).toBe(false);
      expect(await at('2031-03-01T12:00:00Z')).toBe(true);
      const after = await get('/announcements');
      expect(after.body.indexOf(form.titleBg)).toBeGreaterThan(after.body.indexOf('Наскоро приключили'));
    } finally {
      clock.set(prev);
    }
    const trail = await orm.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entity, 'announcement'), eq(auditLog.entityId, String(id))));
    expect(trail.map((t) => t.action).sort()).toEqual(['announcement.create', 'announcement.end']);
  });

  test('an edit is saved and audited; an announcement without an area has no map link', async () => {
    const form = announcementForm({ lat: '', lon: '', radiusM: '', unitCode: '' });
    await post(app, '/admin/announcements/new', form, { cookie: admin.cookie });
    const [row] = await app.ctx.db.orm.select({ id: announcements.id }).from(announcements).where(eq(announcements.titleBg, form.titleBg));
    const res = await post(app, `/admin/announcements/${row!.id}`, { ...form, titleEn: 'Edited', endsAt: '2031-03-10T18:00' }, { cookie: admin.cookie });
    expect(res.statusCode, res.body).toBe(303);
    const [item] = (await currentAnnouncements(app.ctx.db.orm, new Date('2031-03-08T12:00:00Z'))).filter((x) => x.id === row!.id);
    expect(item).toMatchObject({ title: { en: 'Edited' }, lat: null, lon: null, radiusM: null });
    expect(renderFragment(AnnouncementsBox({ lang: 'bg', items: [item!] })!)).not.toContain('signal-map');
    const [a] = await app.ctx.db.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'announcement'), eq(auditLog.entityId, String(row!.id)), eq(auditLog.action, 'announcement.update')));
    expect(a!.before).toMatchObject({ titleEn: 'Road works', endsAt: '2031-03-05T16:00:00.000Z' });
    expect(a!.after).toMatchObject({ titleEn: 'Edited', endsAt: '2031-03-10T16:00:00.000Z' });
  });
});

describe('announcements on the home page (CC-16)', () => {
  test('a current announcement is on the home page in both languages; a past one is not', async () => {
    const app = await testApp();
    const tag = randomBytes(3).toString('hex');
    const now = Date.now();
    await app.ctx.db.orm.insert(announcements).values([
      { titleBg: `Ремонт на бул. „Витоша“ ${tag}`, titleEn: `Works on Vitosha Blvd ${tag}`, textBg: 'Затворено платно', textEn: 'Lane closed', startsAt: new Date(now - 86400_000), endsAt: new Date(now + 86400_000) },
      { titleBg: `Минал ремонт ${tag}`, titleEn: `Past works ${tag}`, textBg: 'Приключил', textEn: 'Done', startsAt: new Date(now - 5 * 86400_000), endsAt: new Date(now - 86400_000) },
    ]);
    const bg = await app.app.inject({ url: '/' });
    expect(bg.body).toContain(`Ремонт на бул. „Витоша“ ${tag}`);
    expect(bg.body).not.toContain(`Минал ремонт ${tag}`);
    const en = await app.app.inject({ url: '/?lang=en' });
    expect(en.body).toContain(`Works on Vitosha Blvd ${tag}`);
  });
});
