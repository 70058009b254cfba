import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { users } from '../../platform/auth/index.js';
import { units } from '../catalog/catalog.tables.js';
import { SubmitCaseBody, caseFiles, cases, registerDocument, submitCase } from './index.js';
import { clock, testApp } from '../../../test/harness.js';
import { multipart, phonePhoto, signalBody, types } from '../../../test/factories.js';
import { citizen, pdf, post, staff } from '../../../test/accounts.factories.js';

/**
 * Issue 11, AC-5, CC-8: who may read what, across every route that shows a case, a document, its
 * files and photos, or a private link — the reading half of the permission matrix (the staff
 * actions are in backoffice.test.ts). The table is written out by hand.
 */

let app: App;
const enc = encodeURIComponent;
const unitIds = new Map<string, number>();
const P: Record<string, { lat: number; lon: number }> = {};

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  for (const u of await app.ctx.db.orm.select({ id: units.id, code: units.code }).from(units)) unitIds.set(u.code, u.id);
  const { rows } = await app.ctx.db.raw.executeSql("SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code IN ('09', '15')", []);
  for (const r of rows as { code: string; lat: number; lon: number }[]) P[r.code] = { lat: Number(r.lat), lon: Number(r.lon) };
});

const WHO = ['anonymous', 'author', 'other citizen', 'officer', 'manager', 'clerk', 'officer of another unit', 'operator', 'inspector', 'admin'] as const;
type Who = (typeof WHO)[number];
/** Expected answers in WHO's order; L = sent to the login page (303 to /login), R = redirected to the public page. */
type Row = readonly (200 | 403 | 404 | 'L' | 'R')[];

const A = 200;
const EXPECTED: Record<string, Record<string, Row>> = {
  // A public signal of the officers' own unit, submitted by `author`, with a photo and a public answer with a file.
  'public signal': {
    '/cases/N': [A, A, A, A, A, A, A, A, A, A],
    '/api/v1/cases/N': [A, A, A, A, A, A, A, A, A, A],
    '/cases/N/files/F': [A, A, A, A, A, A, A, A, A, A],
    '/photos/PH/thumb.jpg': [A, A, A, A, A, A, A, A, A, A],
    '/documents/N': ['L', 'R', 404, A, A, A, 404, A, 404, A],
    '/staff/cases/N': ['L', 403, 403, A, A, A, 404, A, 403, A],
    '/staff/cases/N/files/F': ['L', 403, 403, A, A, A, 404, A, 403, A],
    '/staff/photos/PH/thumb.jpg': ['L', 403, 403, A, A, A, 404, A, 403, A],
  },
  // The same, hidden by staff (CC-17): gone from every public route; its author still sees it.
  'hidden signal': {
    '/cases/N': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/api/v1/cases/N': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/cases/N/files/F': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/photos/PH/thumb.jpg': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/documents/N': ['L', A, 404, A, A, A, 404, A, 404, A],
    '/staff/cases/N': ['L', 403, 403, A, A, A, 404, A, 403, A],
    '/staff/cases/N/files/F': ['L', 403, 403, A, A, A, 404, A, 403, A],
    '/staff/photos/PH/thumb.jpg': ['L', 403, 403, A, A, A, 404, A, 403, A],
  },
  // A letter to the officers' unit (CC-8): its author and that unit's staff, nobody else — not operators, not administrators.
  letter: {
    '/cases/N': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/api/v1/cases/N': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/cases/N/files/F': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    '/documents/N': ['L', A, 404, A, A, A, 404, 404, 404, 404],
    '/documents/N/files/F': ['L', A, 404, A, A, A, 404, 404, 404, 404],
    '/staff/cases/N': ['L', 403, 403, A, A, A, 404, 404, 403, 404],
    '/staff/cases/N/files/F': ['L', 403, 403, A, A, A, 404, 404, 403, 404],
  },
};

describe('the reading half of the permission matrix (issue 11)', () => {
  test('every principal against every route of a public signal, a hidden one and a letter, with their files, photos and links', async () => {
    const author = await citizen(app);
    const [a] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, author.email));
    const people: Record<Who, string | null> = {
      anonymous: null,
      author: author.cookie,
      'other citizen': (await citizen(app)).cookie,
      officer: (await staff(app, 'officer', 'R09-ADM')).cookie,
      manager: (await staff(app, 'manager', 'R09-ADM')).cookie,
      clerk: (await staff(app, 'clerk', 'R09-ADM')).cookie,
      'officer of another unit': (await staff(app, 'officer', 'R15-ADM')).cookie,
      operator: (await staff(app, 'operator', 'KC')).cookie,
      inspector: (await staff(app, 'inspector', 'R09-ADM')).cookie,
      admin: null,
    };
    const admin = await staff(app, 'admin', 'KC');
    // Administrators usually have no unit.
    await app.ctx.db.orm.update(users).set({ unitId: null }).where(eq(users.id, admin.id));
    people.admin = admin.cookie;
    const manager = people.manager!;

    const { plain } = await types(app);
    const photo = await phonePhoto();
    const signal = async () => {
      const done = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, P['09']!), email: author.email, lang: 'bg' }), [{ field: 'photos[0]', data: photo }], 'web', a!.id);
      const body = await multipart({ text: 'Отговор с протокол' }, [{ name: 'files', filename: 'protokol.pdf', data: pdf() }]);
      expect((await app.app.inject({ method: 'POST', url: `/staff/cases/${enc(done.number)}/answer`, payload: body.payload, headers: { ...body.headers, cookie: manager } })).statusCode).toBe(303);
      return done;
    };
    const pub = await signal();
    const hidden = await signal();
    expect((await post(app, `/staff/cases/${enc(hidden.number)}/hide`, { text: 'Обидно съдържание' }, { cookie: manager })).statusCode).toBe(303);
    const letter = await registerDocument(
      app.ctx,
      { userId: a!.id, name: 'Елена Иванова', email: author.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
      { kind: 'letter', subject: 'Писмо', description: 'Текст', unitId: unitIds.get('R09-ADM')! },
      [{ field: 'files[0]', filename: 'priloga.pdf', data: pdf() }],
      'web',
    );

    const filesOf = async (number: string) => {
      const rows = await app.ctx.db.orm.select({ id: caseFiles.id, kind: caseFiles.kind }).from(caseFiles).innerJoin(cases, eq(cases.id, caseFiles.caseId)).where(eq(cases.regNumber, number));
      return { file: rows.find((r) => r.kind === 'document')!.id, photo: rows.find((r) => r.kind === 'photo')?.id ?? '' };
    };
    const targets: Record<string, string> = { 'public signal': pub.number, 'hidden signal': hidden.number, letter: letter.number };
    const failures: string[] = [];
    for (const [target, routes] of Object.entries(EXPECTED)) {
      const number = targets[target]!;
      const { file, photo: ph } = await filesOf(number);
      for (const [route, row] of Object.entries(routes)) {
        const url = route.replace('N', enc(number)).replace('/F', `/${file}`).replace('PH', ph);
        for (const [i, who] of WHO.entries()) {
          const cookie = people[who];
          const res = await app.app.inject({ url, headers: cookie ? { cookie } : {} });
          const want = row[i]!;
          const loc = String(res.headers.location ?? '');
          const got = res.statusCode === 303 && loc.startsWith('/login') ? 'L' : res.statusCode === 303 && loc.startsWith('/cases/') ? 'R' : res.statusCode;
          if (got !== want) failures.push(`${who} GET ${route} of the ${target}: ${got} ≠ ${want}`);
        }
      }
    }
    expect(failures).toEqual([]);

    // The private link opens its own case for whoever holds it, nothing else; a guessed one nothing.
    for (const done of [pub, hidden]) {
      expect((await app.app.inject({ url: `/p/${done.token}` })).statusCode).toBe(200);
      expect((await app.app.inject({ url: `/p/${done.token}/receipt` })).statusCode).toBe(200);
    }
    const { photo: otherPhoto } = await filesOf(hidden.number);
    expect((await app.app.inject({ url: `/p/${pub.token}/photos/${otherPhoto}/thumb.jpg` })).statusCode).toBe(404);
    expect((await app.app.inject({ url: `/p/${'x'.repeat(32)}` })).statusCode).toBe(404);
  }, 180_000);

  test('a staff action re-checks its right under the row lock: a case redirected away meanwhile is refused and unchanged', async () => {
    // Two officers act at once; the redirect commits first, then the other's answer must not land on a case no longer theirs.
    const officer = await staff(app, 'officer', 'R09-ADM');
    const { plain } = await types(app);
    const done = await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, P['09']!), lang: 'bg' }), []);
    const { act } = await import('../backoffice/backoffice.service.js');
    const { principalOf } = await import('./index.js');
    const [u] = await app.ctx.db.orm.select().from(users).where(eq(users.id, officer.id));
    const principal = await principalOf(app.ctx.db.orm, { id: u!.id, username: u!.username!, email: u!.email, emailVerified: true, firstName: '', lastName: '', phone: null, address: null, locale: 'bg', role: 'officer', unitId: u!.unitId, suspendedReason: null });
    // Hold the row as a concurrent redirect would, move the case, then let the answer run into the lock.
    const moved = app.ctx.db.orm.transaction(async (tx) => {
      await tx.select().from(cases).where(eq(cases.regNumber, done.number)).for('update');
      await new Promise((r) => setTimeout(r, 300));
      await tx.update(cases).set({ unitId: unitIds.get('R15-ADM')! }).where(eq(cases.regNumber, done.number));
    });
    await new Promise((r) => setTimeout(r, 50));
    const answering = act(app.ctx, principal, done.number, 'answer', { text: 'Отговор' }).then(
      () => null,
      (err: unknown) => err,
    );
    await moved;
    expect(await answering).toMatchObject({ code: 'FORBIDDEN' });
    const [c] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, done.number));
    expect(c!.firstAnswerAt).toBeNull();
  });
});
