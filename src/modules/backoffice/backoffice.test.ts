import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { auditLog } from '../../platform/audit/index.js';
import { users } from '../../platform/auth/index.js';
import { caseEvents, caseFiles, cases, subscriptions } from '../cases/index.js';
import { organisations, units } from '../catalog/catalog.tables.js';
import { clock, testApp } from '../../../test/harness.js';
import { multipart, phonePhoto, signalBody, types } from '../../../test/factories.js';
import { citizen, ip, lastMail, mailsTo, pdf, post, stampOf, staff } from '../../../test/accounts.factories.js';
import { getCatalog } from '../catalog/index.js';

let app: App;
const unitIds = new Map<string, number>();
/** A point surely inside each district, from the district polygons themselves. */
const P: Record<string, { lat: number; lon: number }> = {};
beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  for (const u of await app.ctx.db.orm.select({ id: units.id, code: units.code }).from(units)) unitIds.set(u.code, u.id);
  const { rows } = await app.ctx.db.raw.executeSql("SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code IN ('09', '15', '19')", []);
  for (const r of rows as { code: string; lat: number; lon: number }[]) P[r.code] = { lat: Number(r.lat), lon: Number(r.lon) };
});

const enc = encodeURIComponent;
async function caseOf(number: string) {
  return (await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number)))[0]!;
}
async function signalAt(point: { lat: number; lon: number }, over: Record<string, unknown> = {}) {
  const { plain } = await types(app);
  // Each from its own address: these tests are not about the per-address limit (issue 11).
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { ...point, ...over }), remoteAddress: ip() });
  expect(res.statusCode).toBe(201);
  return res.json().number as string;
}
async function letterTo(unitCode: string) {
  const u = await citizen(app);
  const body = await multipart({ kind: 'letter', unitId: String(unitIds.get(unitCode)), subject: 'Писмо до звеното', description: 'Текст на писмото' });
  const res = await app.app.inject({ method: 'POST', url: '/documents/new', payload: body.payload, headers: { ...body.headers, cookie: u.cookie } });
  return decodeURIComponent(String(res.headers.location).split('/')[2]!.split('?')[0]!);
}

describe('routing by competence (CC-9)', () => {
  test('a signal in each of three districts reaches that district’s administration, and the public history says so', async () => {
    for (const [point, code, name] of [
      [P['09']!, 'R09-ADM', 'Лозенец'],
      [P['15']!, 'R15-ADM', 'Младост'],
      [P['19']!, 'R19-ADM', 'Люлин'],
    ] as const) {
      const number = await signalAt(point);
      expect((await caseOf(number)).unitId, code).toBe(unitIds.get(code));
      const pub = (await app.app.inject({ url: `/api/v1/cases/${enc(number)}` })).json();
      expect(pub.history.map((h: { type: string }) => h.type)).toEqual(['registered', 'routed']);
      expect(pub.history[1].by).toContain(name);
    }
  });

  test('a type with a fixed unit reaches it wherever the point is; an outside organisation rule goes to that organisation', async () => {
    const catalog = await getCatalog(app.ctx.db.orm);
    const lighting = catalog.categories.find((c) => c.nameBg === 'Улично осветление')!.types[0]!;
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(lighting, P['15']!) });
    expect((await caseOf(res.json().number)).unitId).toBe(unitIds.get('DIR-LIGHTING'));

    // A rule is data: point one type at an outside organisation and the next signal goes there.
    const { plain } = await types(app);
    const [org] = await app.ctx.db.orm.insert(organisations).values({ code: `UT-${Date.now()}`, kind: 'utility', nameBg: 'Водоснабдителна компания (тест)', nameEn: 'Water company (test)' }).returning();
    const { caseTypes } = await import('../catalog/catalog.tables.js');
    const { invalidateCatalog } = await import('../catalog/index.js');
    await app.ctx.db.orm.update(caseTypes).set({ routeTo: 'organisation', routeOrganisationId: org!.id }).where(eq(caseTypes.id, plain.id));
    invalidateCatalog();
    try {
      const n = await signalAt(P['09']!);
      const c = await caseOf(n);
      expect(c.organisationId).toBe(org!.id);
      expect(c.unitId).toBe(unitIds.get('KC'));
      const pub = (await app.app.inject({ url: `/api/v1/cases/${enc(n)}` })).json();
      expect(pub.history[1].by).toBe('Водоснабдителна компания (тест)');
    } finally {
      await app.ctx.db.orm.update(caseTypes).set({ routeTo: 'district', routeOrganisationId: null }).where(eq(caseTypes.id, plain.id));
      invalidateCatalog();
    }
  });

  test('a redirect moves the case to another unit with its history, and the public sees the unit and the reason, never a name', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const mladost = await staff(app, 'officer', 'R15-ADM');
    const number = await signalAt(P['09']!);
    const res = await post(app, `/staff/cases/${enc(number)}/redirect`, { unitId: String(unitIds.get('R15-ADM')), text: 'Обектът е на територията на район Младост' }, { cookie: officer.cookie });
    expect(res.statusCode).toBe(303);
    expect((await caseOf(number)).unitId).toBe(unitIds.get('R15-ADM'));
    const pub = (await app.app.inject({ url: `/api/v1/cases/${enc(number)}` })).json();
    const last = pub.history.at(-1);
    expect(last.type).toBe('redirected');
    expect(last.by).toContain('Младост');
    expect(last.text).toContain('Обектът е на територията');
    expect(JSON.stringify(pub)).not.toContain(officer.username);
    // The old unit lost it, the new one has it, with the whole history.
    expect((await app.app.inject({ url: `/staff/cases/${enc(number)}`, headers: { cookie: officer.cookie } })).statusCode).toBe(404);
    const page = await app.app.inject({ url: `/staff/cases/${enc(number)}`, headers: { cookie: mladost.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Обектът е на територията');
    const inboxPage = await app.app.inject({ url: `/staff?q=${enc(number)}`, headers: { cookie: mladost.cookie } });
    expect(inboxPage.body).toContain(number);
  });
});

describe('the permission matrix (AC-5, CC-8)', () => {
  type Target = 'own public' | 'other public' | 'own private' | 'other private';
  const ACTIONS = ['status', 'answer', 'note', 'assign', 'redirect', 'hide', 'reject', 'duplicate'] as const;
  // Written out by hand, not derived from the code under test. Own unit = Lozenets administration.
  const ALLOWED: Record<string, Partial<Record<Target, readonly string[]>>> = {
    officer: { 'own public': ['status', 'answer', 'note', 'redirect', 'hide', 'reject', 'duplicate'], 'own private': ['status', 'answer', 'note', 'redirect', 'reject'] },
    manager: { 'own public': ['status', 'answer', 'note', 'assign', 'redirect', 'hide', 'reject', 'duplicate'], 'own private': ['status', 'answer', 'note', 'assign', 'redirect', 'reject'] },
    clerk: { 'own public': ['note', 'redirect'], 'own private': ['note', 'redirect'] },
    operator: {},
    inspector: {},
    admin: { 'own public': ['hide'], 'other public': ['hide'] },
    citizen: {},
  };
  const VIEW: Record<string, readonly Target[]> = {
    officer: ['own public', 'own private'],
    manager: ['own public', 'own private'],
    clerk: ['own public', 'own private'],
    operator: ['own public', 'other public'],
    admin: ['own public', 'other public'],
    inspector: [],
    citizen: [],
  };

  test('every role against every staff action, on its own unit’s and another unit’s public and private documents: forbidden answers 403 and changes nothing', async () => {
    const people: Record<string, { cookie: string; id?: string }> = {
      officer: await staff(app, 'officer', 'R09-ADM'),
      manager: await staff(app, 'manager', 'R09-ADM'),
      clerk: await staff(app, 'clerk', 'R09-ADM'),
      operator: await staff(app, 'operator', 'KC'),
      inspector: await staff(app, 'inspector', 'R09-ADM'),
      admin: await staff(app, 'admin', 'KC'),
      citizen: await citizen(app),
    };
    // The administrator of this matrix has no unit, as administrators usually have.
    await app.ctx.db.orm.update(users).set({ unitId: null }).where(eq(users.id, (people.admin as { id: string }).id));
    const colleague = await staff(app, 'officer', 'R09-ADM');
    const fresh = async (t: Target) => (t === 'own public' ? signalAt(P['09']!) : t === 'other public' ? signalAt(P['15']!) : t === 'own private' ? letterTo('R09-ADM') : letterTo('R15-ADM'));
    const main = { own: await signalAt(P['09']!), other: await signalAt(P['15']!) };
    const input = (a: string, t: Target): Record<string, string> => {
      switch (a) {
        case 'status':
          return { status: 'in_progress' };
        case 'answer':
          return { text: 'Отговор на звеното' };
        case 'note':
          return { text: 'Вътрешна бележка' };
        case 'assign':
          return { assigneeId: colleague.id };
        case 'redirect':
          return { unitId: String(unitIds.get('R24-ADM')), text: 'Не е в нашия район' };
        case 'hide':
          return { text: 'Обидно съдържание' };
        case 'reject':
          return { text: 'Извън компетентността на общината' };
        default:
          return { mainNumber: t.startsWith('own') ? main.own : main.other };
      }
    };
    const snapshot = async (number: string) => {
      const c = await caseOf(number);
      const [ev] = await app.ctx.db.orm.select({ n: count() }).from(caseEvents).where(eq(caseEvents.caseId, c.id));
      const [au] = await app.ctx.db.orm.select({ n: count() }).from(auditLog).where(and(eq(auditLog.entity, 'case'), eq(auditLog.entityId, number)));
      return JSON.stringify({ status: c.status, unit: c.unitId, hidden: c.hidden, assignee: c.assigneeId, dup: c.duplicateOfId, events: ev!.n, audit: au!.n });
    };
    const shared: Record<Target, string> = { 'own public': await fresh('own public'), 'other public': await fresh('other public'), 'own private': await fresh('own private'), 'other private': await fresh('other private') };
    const failures: string[] = [];
    for (const [role, who] of Object.entries(people)) {
      for (const target of Object.keys(shared) as Target[]) {
        const view = await app.app.inject({ url: `/staff/cases/${enc(shared[target])}`, headers: { cookie: who.cookie } });
        const canView = VIEW[role]!.includes(target);
        const expectedView = canView ? 200 : role === 'citizen' || role === 'inspector' ? 403 : 404;
        if (view.statusCode !== expectedView) failures.push(`${role} view ${target}: ${view.statusCode} ≠ ${expectedView}`);
        for (const action of ACTIONS) {
          if (action === 'duplicate' && target.endsWith('private')) continue;
          const allowed = (ALLOWED[role]![target] ?? []).includes(action);
          const number = allowed ? await fresh(target) : shared[target];
          const before = await snapshot(number);
          const res = await post(app, `/staff/cases/${enc(number)}/${action}`, input(action, target), { cookie: who.cookie });
          const after = await snapshot(number);
          if (allowed) {
            if (res.statusCode !== 303) failures.push(`${role} ${action} ${target}: ${res.statusCode} ≠ 303`);
            if (after === before) failures.push(`${role} ${action} ${target}: nothing changed`);
          } else {
            if (res.statusCode !== 403) failures.push(`${role} ${action} ${target}: ${res.statusCode} ≠ 403`);
            if (after !== before) failures.push(`${role} ${action} ${target}: changed ${before} → ${after}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // An anonymous visitor is sent to log in, and nothing changes.
    const before = await snapshot(shared['own public']);
    const anon = await post(app, `/staff/cases/${enc(shared['own public'])}/status`, { status: 'closed' });
    expect(anon.statusCode).toBe(303);
    expect(String(anon.headers.location)).toMatch(/^\/login/);
    expect(await snapshot(shared['own public'])).toBe(before);
  }, 240_000);
});

describe('working a case (CC-10)', () => {
  test('a public answer closes the signal; the public page shows it, the submitter and each subscriber get one email in their language', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const follower = await citizen(app, { });
    const english = await citizen(app);
    await app.ctx.db.orm.update(users).set({ locale: 'en' }).where(eq(users.username, english.username));
    const sameAsSubmitter = await citizen(app);
    const number = await signalAt(P['09']!, { email: sameAsSubmitter.email, lang: 'bg' });
    for (const u of [follower, english, sameAsSubmitter]) await post(app, `/cases/${enc(number)}/subscription`, { action: 'subscribe' }, { cookie: u.cookie });

    const note = await post(app, `/staff/cases/${enc(number)}/note`, { text: 'Екипът ще мине в четвъртък' }, { cookie: officer.cookie });
    expect(note.statusCode).toBe(303);
    const body = await multipart({ text: 'Дупката е запълнена на 20.11.', status: 'closed' }, [{ name: 'files', filename: 'протокол.pdf', data: pdf() }]);
    const ans = await app.app.inject({ method: 'POST', url: `/staff/cases/${enc(number)}/answer`, payload: body.payload, headers: { ...body.headers, cookie: officer.cookie } });
    expect(ans.statusCode).toBe(303);

    const pub = (await app.app.inject({ url: `/api/v1/cases/${enc(number)}` })).json();
    expect(pub.status).toBe('closed');
    expect(pub.history.map((h: { text: string | null }) => h.text)).toContain('Дупката е запълнена на 20.11.');
    expect(JSON.stringify(pub)).not.toContain('четвъртък');
    const page = await app.app.inject({ url: `/cases/${enc(number)}` });
    expect(page.body).toContain('Дупката е запълнена');
    expect(page.body).not.toContain('четвъртък');
    const c = await caseOf(number);
    expect(c.closedAt).toBeInstanceOf(Date);
    expect(c.firstAnswerAt).toBeInstanceOf(Date);
    const [file] = await app.ctx.db.orm.select().from(caseFiles).where(and(eq(caseFiles.caseId, c.id), eq(caseFiles.kind, 'document')));
    expect(file?.filename).toBe('протокол.pdf');
    // The answer's attachment is public with the answer; the download serves the file itself.
    expect(page.body).toContain('протокол.pdf');
    const dl = await app.app.inject({ url: `/cases/${enc(number)}/files/${file!.id}` });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const toSubmitter = (await mailsTo(app, sameAsSubmitter.email)).filter((m) => m.template.startsWith('case-update'));
    expect(toSubmitter).toHaveLength(1);
    expect(toSubmitter[0]!.text).toContain('Дупката е запълнена');
    const toFollower = (await mailsTo(app, follower.email)).filter((m) => m.template === 'case-update-subscriber');
    expect(toFollower).toHaveLength(1);
    expect(toFollower[0]!.text).toContain('/unsubscribe/');
    const toEnglish = await lastMail(app, english.email, 'case-update-subscriber');
    expect(toEnglish?.subject).toMatch(/^Update on signal/);
    expect(toEnglish?.text).toContain('Closed');
    const audit = await app.ctx.db.orm.select().from(auditLog).where(and(eq(auditLog.entityId, number), eq(auditLog.action, 'case.answer')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorLabel).toBe(officer.username);
    expect(audit[0]!.before).toMatchObject({ status: 'pending' });
  });

  test('bad input is named and changes nothing: an unknown status, an empty answer, a redirect without a reason, a duplicate of itself', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const number = await signalAt(P['09']!);
    const cases_: [string, Record<string, string>, string][] = [
      ['status', { status: 'done-and-dusted' }, 'Изберете стойност от списъка'],
      ['answer', { text: '   ' }, 'Полето е задължително'],
      ['answer', { text: 'ж'.repeat(8001) }, 'твърде дълъг'],
      ['redirect', { unitId: String(unitIds.get('R15-ADM')), text: '' }, 'Полето е задължително'],
      ['redirect', { unitId: '999999', text: 'Някаква причина' }, 'Изберете стойност от списъка'],
      ['duplicate', { mainNumber: number }, 'Няма документ с такъв номер'],
      ['duplicate', { mainNumber: 'СО26-КЦ01-999999' }, 'Няма документ с такъв номер'],
      ['assign', { assigneeId: 'someone-else' }, 'Изберете стойност от списъка'],
    ];
    const manager = await staff(app, 'manager', 'R09-ADM');
    const before = await caseOf(number);
    for (const [action, form, message] of cases_) {
      const res = await post(app, `/staff/cases/${enc(number)}/${action}`, form, { cookie: action === 'assign' ? manager.cookie : officer.cookie });
      expect(res.statusCode, `${action} ${JSON.stringify(form).slice(0, 60)}`).toBe(400);
      expect(res.body).toContain(message);
    }
    const after = await caseOf(number);
    expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
  });

  test('a duplicate: the submitter is told, followers and photos move to the main signal', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const follower = await citizen(app);
    const main = await signalAt(P['09']!);
    const { plain } = await types(app);
    const body = await multipart(
      { typeId: String(plain.id), categoryId: String(plain.categoryId), description: 'Същата дупка', lat: String(P['09']!.lat), lon: String(P['09']!.lon), email: 'dup.submitter@example.bg', formStamp: await stampOf(app, '/signals/new') },
      [{ name: 'photos', filename: 'p.jpg', data: await phonePhoto(), type: 'image/jpeg' }],
    );
    const sub = await app.app.inject({ method: 'POST', url: '/signals/new', payload: body.payload, headers: body.headers });
    const privateUrl = String(sub.headers.location);
    const dupNumber = (await app.ctx.db.orm.select({ n: cases.regNumber }).from(cases).where(eq(cases.submitterEmail, 'dup.submitter@example.bg')))[0]!.n;
    await post(app, `/cases/${enc(dupNumber)}/subscription`, { action: 'subscribe' }, { cookie: follower.cookie });

    const res = await post(app, `/staff/cases/${enc(dupNumber)}/duplicate`, { mainNumber: main }, { cookie: officer.cookie });
    expect(res.statusCode).toBe(303);
    const dup = await caseOf(dupNumber);
    const m = await caseOf(main);
    expect(dup.status).toBe('duplicate');
    expect(dup.duplicateOfId).toBe(m.id);
    expect(m.photoCount).toBe(1);
    const photos = await app.ctx.db.orm.select().from(caseFiles).where(eq(caseFiles.caseId, m.id));
    expect(photos).toHaveLength(1);
    const followed = await app.ctx.db.orm.select().from(subscriptions).where(eq(subscriptions.caseId, m.id));
    expect(followed.length).toBe(1);
    const mail = await lastMail(app, 'dup.submitter@example.bg', 'case-update');
    expect(mail?.text).toContain(main);
    expect(mail?.text).toContain('Съвпадащ с друг сигнал');
    expect((await app.app.inject({ url: privateUrl })).body).toContain('Съвпадащ с друг сигнал');
  });
});

describe('abuse (CC-17)', () => {
  test('a hidden signal and a hidden photo leave every public view; a rejection shows its reason; a suspended user cannot submit', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const { plain } = await types(app);
    const body = await multipart(
      { typeId: String(plain.id), categoryId: String(plain.categoryId), description: 'Сигнал със снимка', lat: String(P['09']!.lat), lon: String(P['09']!.lon), email: 'hide.me@example.bg', formStamp: await stampOf(app, '/signals/new') },
      [{ name: 'photos', filename: 'p.jpg', data: await phonePhoto(), type: 'image/jpeg' }],
    );
    await app.app.inject({ method: 'POST', url: '/signals/new', payload: body.payload, headers: body.headers });
    const number = (await app.ctx.db.orm.select({ n: cases.regNumber }).from(cases).where(eq(cases.submitterEmail, 'hide.me@example.bg')))[0]!.n;
    const c = await caseOf(number);
    const [photo] = await app.ctx.db.orm.select().from(caseFiles).where(eq(caseFiles.caseId, c.id));
    expect((await app.app.inject({ url: `/photos/${photo!.id}/thumb.jpg` })).statusCode).toBe(200);

    expect((await post(app, `/staff/cases/${enc(number)}/hide`, { photoId: photo!.id, text: 'Лице на дете' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await app.app.inject({ url: `/photos/${photo!.id}/thumb.jpg` })).statusCode).toBe(404);
    expect((await app.app.inject({ url: `/cases/${enc(number)}` })).body).not.toContain(photo!.id);
    // Staff still see it, marked.
    expect((await app.app.inject({ url: `/staff/photos/${photo!.id}/thumb.jpg`, headers: { cookie: officer.cookie } })).statusCode).toBe(200);

    expect((await post(app, `/staff/cases/${enc(number)}/hide`, { text: 'Обидно съдържание' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await app.app.inject({ url: `/cases/${enc(number)}` })).statusCode).toBe(404);
    expect((await app.app.inject({ url: `/api/v1/signals?pageSize=100` })).body).not.toContain(number);
    expect((await post(app, `/staff/cases/${enc(number)}/hide`, { hide: '0' }, { cookie: officer.cookie })).statusCode).toBe(303);
    expect((await app.app.inject({ url: `/cases/${enc(number)}` })).statusCode).toBe(200);

    expect((await post(app, `/staff/cases/${enc(number)}/reject`, { text: 'Сигналът е извън компетентността на общината' }, { cookie: officer.cookie })).statusCode).toBe(303);
    const pub = (await app.app.inject({ url: `/api/v1/cases/${enc(number)}` })).json();
    expect(pub.status).toBe('rejected');
    expect(pub.history.at(-1).text).toBe('Сигналът е извън компетентността на общината');
    expect((await lastMail(app, 'hide.me@example.bg', 'case-update'))?.text).toContain('извън компетентността');

    const bad = await citizen(app);
    await app.ctx.db.orm.update(users).set({ suspendedAt: new Date(), suspendedReason: 'Многократни обидни сигнали' }).where(eq(users.username, bad.username));
    const res = await post(app, '/signals/new', { typeId: String(plain.id), categoryId: String(plain.categoryId), description: 'Още един', lat: String(P['09']!.lat), lon: String(P['09']!.lon) }, { cookie: bad.cookie });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Профилът е спрян');
    expect(res.body).toContain('Многократни обидни сигнали');
  });
});

describe('the operator console (CC-14)', () => {
  test('an operator registers a phone signal for a caller, tells the number, and finds it by phone, email and address; records a transfer', async () => {
    const op = await staff(app, 'operator', 'KC');
    const { plain } = await types(app);
    const res = await post(
      app,
      '/staff/console/register',
      { kind: 'signal', typeId: String(plain.id), description: 'Обаждане: паднал клон', address: 'бул. „Черни връх“ 51', latlon: `${P['09']!.lat}, ${P['09']!.lon}`, name: 'Стефан Колев', phone: '+359 887 112 233', email: 'stefan.kolev@example.bg' },
      { cookie: op.cookie },
    );
    expect(res.statusCode).toBe(303);
    const number = decodeURIComponent(String(res.headers.location).split('registered=')[1]!);
    const console_ = await app.app.inject({ url: String(res.headers.location), headers: { cookie: op.cookie } });
    expect(console_.body).toContain(number);
    const c = await caseOf(number);
    expect(c).toMatchObject({ channel: 'phone', submitterName: 'Стефан Колев', unitId: unitIds.get('R09-ADM') });
    for (const q of ['phone=0887112233', 'phone=%2B359%20887%20112%20233', 'email=Stefan.Kolev%40example.bg', `address=${enc('Черни връх 51')}`, `number=${enc(number)}`]) {
      const found = await app.app.inject({ url: `/staff/console?${q}`, headers: { cookie: op.cookie } });
      expect(found.body, q).toContain(number);
    }
    const letter = await post(app, '/staff/console/register', { kind: 'complaint', unitId: String(unitIds.get('DIR-WASTE')), subject: 'Неизвозен боклук', description: 'От седмица', name: 'Стефан Колев', phone: '0887112233' }, { cookie: op.cookie });
    const letterNumber = decodeURIComponent(String(letter.headers.location).split('registered=')[1]!);
    expect(letterNumber).toMatch(/-КЦ04-/);
    expect((await caseOf(letterNumber)).isPublic).toBe(false);
    // The operator's unit does not handle it, so the private complaint is not theirs to find.
    expect((await app.app.inject({ url: '/staff/console?phone=0887112233', headers: { cookie: op.cookie } })).body).not.toContain(letterNumber);

    const bad = await post(app, '/staff/console/register', { kind: 'signal', typeId: '', description: '' }, { cookie: op.cookie });
    expect(bad.statusCode).toBe(400);

    const [org] = await app.ctx.db.orm.insert(organisations).values({ code: `T112-${Date.now()}`, kind: 'emergency', nameBg: 'Единен европейски номер 112', nameEn: 'European emergency number 112', phone: '112', hours: '24/7', callTransfer: true }).returning();
    const tr = await post(app, '/staff/console/transfer', { organisationId: String(org!.id), callerName: 'Анна', callerPhone: '0888', note: 'пожар' }, { cookie: op.cookie });
    expect(tr.statusCode).toBe(303);
    const after = await app.app.inject({ url: '/staff/console', headers: { cookie: op.cookie } });
    expect(after.body).toContain('Единен европейски номер 112 – 112');
    expect(after.body).toContain('пожар');
    const notTransferable = await post(app, '/staff/console/transfer', { organisationId: String(unitIds.get('KC')) }, { cookie: op.cookie });
    expect(notTransferable.statusCode).toBe(400);
    const officer = await staff(app, 'officer', 'R09-ADM');
    expect((await post(app, '/staff/console/transfer', { organisationId: String(org!.id) }, { cookie: officer.cookie })).statusCode).toBe(403);
  });

  test('the inbox: counts per status, filters, search by number and words, oldest first', async () => {
    const officer = await staff(app, 'officer', 'R19-ADM');
    const a = await signalAt(P['19']!, { description: 'Счупена пейка в парка' });
    const b = await signalAt(P['19']!, { description: 'Липсващ капак на шахта' });
    await post(app, `/staff/cases/${enc(b)}/status`, { status: 'in_progress' }, { cookie: officer.cookie });
    const all = await app.app.inject({ url: '/staff?sort=oldest', headers: { cookie: officer.cookie } });
    expect(all.statusCode).toBe(200);
    expect(all.body.indexOf(a)).toBeLessThan(all.body.indexOf(b));
    const inProgress = await app.app.inject({ url: '/staff?status=in_progress', headers: { cookie: officer.cookie } });
    expect(inProgress.body).toContain(b);
    expect(inProgress.body).not.toContain(a);
    const words = await app.app.inject({ url: `/staff?q=${enc('капак на шахта')}`, headers: { cookie: officer.cookie } });
    expect(words.body).toContain(b);
    expect(words.body).not.toContain(a);
    // Open work by default; a closed case leaves it, is counted among the recently closed, and is one click away.
    const c = await signalAt(P['19']!, { description: 'Изгоряла лампа' });
    const before = await app.app.inject({ url: '/staff', headers: { cookie: officer.cookie } });
    const closedBefore = Number(/Приключени за последните 30 дни<\/a>: (\d+)/.exec(before.body)?.[1]);
    await post(app, `/staff/cases/${enc(c)}/status`, { status: 'closed' }, { cookie: officer.cookie });
    const open = await app.app.inject({ url: '/staff', headers: { cookie: officer.cookie } });
    expect(open.body).toContain(a);
    expect(open.body).not.toContain(c);
    expect(Number(/Приключени за последните 30 дни<\/a>: (\d+)/.exec(open.body)?.[1])).toBe(closedBefore + 1);
    expect((await app.app.inject({ url: '/staff?state=closed', headers: { cookie: officer.cookie } })).body).toContain(c);
    const both = await app.app.inject({ url: '/staff?state=all', headers: { cookie: officer.cookie } });
    expect(both.body).toContain(c);
    expect(both.body).toContain(a);
    // A number is found whatever its state.
    expect((await app.app.inject({ url: `/staff?q=${enc(c)}`, headers: { cookie: officer.cookie } })).body).toContain('Намерени: 1');
    // The open counts are kept by the database as cases change: after a submission, a status
    // change, a closing, a reopening and a redirect they equal a count of the cases themselves.
    await post(app, `/staff/cases/${enc(c)}/status`, { status: 'in_progress' }, { cookie: officer.cookie });
    const moved = await post(app, `/staff/cases/${enc(c)}/redirect`, { unitId: String(unitIds.get('R15-ADM')), text: 'Друг район' }, { cookie: officer.cookie });
    expect(moved.statusCode).toBe(303);
    const { rows: kept } = await app.ctx.db.raw.executeSql('SELECT unit_id, status, n FROM unit_open_counts WHERE n <> 0 ORDER BY 1, 2', []);
    const { rows: actual } = await app.ctx.db.raw.executeSql(
      'SELECT unit_id, status, count(*)::int AS n FROM cases WHERE closed_at IS NULL AND unit_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2',
      [],
    );
    expect(kept).toEqual(actual);
    const junk = await app.app.inject({ url: '/staff?status=%27;drop&state=nope&category=abc&older=-5&page=0', headers: { cookie: officer.cookie } });
    expect(junk.statusCode).toBe(200);
    const other = await staff(app, 'officer', 'R09-ADM');
    expect((await app.app.inject({ url: `/staff?q=${enc(a)}`, headers: { cookie: other.cookie } })).body).toContain('Намерени: 0');
  });
});

describe('duplicates while submitting', () => {
  test('the form and the API offer public signals of the same category within 50 m from the last 30 days', async () => {
    const { plain, otherCategory } = await types(app);
    const base = { lat: P['19']!.lat + 0.0003, lon: P['19']!.lon };
    const near = await signalAt(base, { description: 'Близо' });
    // ~80 m north: too far.
    const far = await signalAt({ lat: base.lat + 0.0007, lon: base.lon });
    const otherCat = (await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(otherCategory, base) })).json().number;
    const at = `lat=${base.lat + 0.0001}&lon=${base.lon}`;
    const res = await app.app.inject({ url: `/api/v1/signals/nearby?typeId=${plain.id}&${at}` });
    expect(res.statusCode).toBe(200);
    const numbers = res.json().items.map((i: { number: string }) => i.number);
    expect(numbers).toContain(near);
    expect(numbers).not.toContain(far);
    expect(numbers).not.toContain(otherCat);
    expect(res.json().items[0].metres).toBeLessThanOrEqual(50);

    // Hidden ones and old ones are not offered.
    const officer = await staff(app, 'officer', 'R19-ADM');
    await post(app, `/staff/cases/${enc(near)}/hide`, { text: 'Обидно съдържание' }, { cookie: officer.cookie });
    expect((await app.app.inject({ url: `/api/v1/signals/nearby?typeId=${plain.id}&${at}` })).json().items.map((i: { number: string }) => i.number)).not.toContain(near);

    // Without JavaScript: the "Continue" step shows the list.
    const again = await signalAt(base, { description: 'Пак близо' });
    const page = await post(app, '/signals/new', { step: 'type', typeId: String(plain.id), lat: String(base.lat), lon: String(base.lon) });
    expect(page.body).toContain('Може би вече е подаден');
    expect(page.body).toContain(again);
    expect((await app.app.inject({ url: `/api/v1/signals/nearby?typeId=abc&${at}` })).statusCode).toBe(400);
    expect((await app.app.inject({ url: `/api/v1/signals/nearby?typeId=999999&${at}` })).statusCode).toBe(400);
  });
});
