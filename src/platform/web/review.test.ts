import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { caseFiles, cases } from '../../modules/cases/index.js';
import { testApp } from '../../../test/harness.js';
import { multipart, phonePhoto, signalBody, types } from '../../../test/factories.js';
import { ip, post, staff } from '../../../test/accounts.factories.js';

/**
 * Issue 11, found by the review of the change: each of these was a 5xx, or a whole event loop's
 * worth of work, before its fix.
 */

let app: App;
beforeAll(async () => {
  app = await testApp();
});

const enc = encodeURIComponent;

describe('inputs the review found', () => {
  test('a form of more than 1,000 name=value pairs is refused at once with 413, and a thousand repeats of one name are read as a list', async () => {
    const many = Array.from({ length: 1001 }, () => 'a=').join('&');
    const res = await app.app.inject({ method: 'POST', url: '/questions/new', payload: many, headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip() });
    expect(res.statusCode).toBe(413);
    const fine = Array.from({ length: 900 }, (_, i) => `x_tag=${i}`).join('&') + '&description=';
    const ok = await app.app.inject({ method: 'POST', url: '/questions/new', payload: fine, headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip() });
    expect(ok.statusCode).toBeLessThan(500);
  });

  test('a photo or file id that is not a UUID is “not found”, never a database error', async () => {
    for (const id of ['000000000000000000000000000000000000', '-'.repeat(36), 'x']) {
      expect((await app.app.inject({ url: `/photos/${id}/thumb.jpg` })).statusCode, id).toBe(404);
    }
    const officer = await staff(app, 'officer', 'R09-ADM');
    expect((await app.app.inject({ url: `/staff/photos/${'0'.repeat(36)}/thumb.jpg`, headers: { cookie: officer.cookie } })).statusCode).toBe(404);
  });

  test('hiding a photo by an id that is not a UUID names the field; a NUL in a multipart field of a staff answer names its field; nothing changes', async () => {
    const manager = await staff(app, 'manager', 'R09-ADM');
    const { plain } = await types(app);
    const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '09'", []);
    const sub = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { lat: Number(rows[0].lat), lon: Number(rows[0].lon) }), remoteAddress: ip() });
    expect(sub.statusCode).toBe(201);
    const number = sub.json().number as string;
    const hide = await post(app, `/staff/cases/${enc(number)}/hide`, { photoId: 'x', text: 'Обидна снимка' }, { cookie: manager.cookie });
    expect(hide.statusCode).toBe(400);
    expect(hide.body).toContain('photoId');
    const body = await multipart({ text: 'Отговор', assigneeId: 'a\u0000b', status: 'in_progress' }, [{ name: 'files', filename: 'snimka.jpg', data: await phonePhoto(100, 100) }]);
    const ans = await app.app.inject({ method: 'POST', url: `/staff/cases/${enc(number)}/answer`, payload: body.payload, headers: { ...body.headers, cookie: manager.cookie } });
    expect(ans.statusCode).toBe(400);
    expect(ans.body).toContain('assigneeId');
    const [c] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number));
    expect(c!.hidden).toBe(false);
    expect(c!.status).toBe('pending');
    expect(await app.ctx.db.orm.select().from(caseFiles).where(eq(caseFiles.caseId, c!.id))).toHaveLength(0);
  });
});
