import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { users } from '../../platform/auth/index.js';
import { mailOutbox } from '../../platform/mail/index.js';
import { units } from '../catalog/catalog.tables.js';
import { SubmitCaseBody, caseFiles, cases, registerDocument, submitCase } from './index.js';
import { clock, testApp } from '../../../test/harness.js';
import { multipart, phonePhoto, signalBody, types } from '../../../test/factories.js';
import { citizen, pdf, post, staff } from '../../../test/accounts.factories.js';

/**
 * Issue 11: every audience × every kind of history entry × every output, against a table written
 * out by hand here (not derived from cases.audience.ts). A marker in each entry's text is looked
 * for in each output; the submitter's email, a hidden photo and a submitter's attachment too.
 */

let app: App;
const enc = encodeURIComponent;
const unitIds = new Map<string, number>();
let lozenets: { lat: number; lon: number };

beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  for (const u of await app.ctx.db.orm.select({ id: units.id, code: units.code }).from(units)) unitIds.set(u.code, u.id);
  const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '09'", []);
  lozenets = { lat: Number(rows[0].lat), lon: Number(rows[0].lon) };
});

/** What can be looked for in an output. */
type Marker = 'status' | 'answer' | 'redirect' | 'reject' | 'note' | 'hideReason' | 'photoHideReason' | 'hiddenPhoto' | 'submitterEmail' | 'submitterPhone' | 'ownFile' | 'answerFile';
const ALL: Marker[] = ['status', 'answer', 'redirect', 'reject', 'note', 'hideReason', 'photoHideReason', 'hiddenPhoto', 'submitterEmail', 'submitterPhone', 'ownFile', 'answerFile'];
const PUBLIC_HISTORY: Marker[] = ['status', 'answer', 'redirect', 'reject'];

/** The outputs of a public signal and what each shows: the hand-written table. */
const SIGNAL_OUTPUTS: Record<string, Marker[]> = {
  // The public: the public history and the answer's file, nothing personal, nothing internal.
  'public page': [...PUBLIC_HISTORY, 'answerFile'],
  'public JSON': PUBLIC_HISTORY,
  // Open311 without extensions carries only the latest answer-like note (the rejection here).
  'Open311 request': ['reject'],
  'Open311 request with extensions': PUBLIC_HISTORY,
  'Open311 list with extensions': PUBLIC_HISTORY,
  'Open311 updates': PUBLIC_HISTORY,
  // Exports and feeds carry the case, never its history or its people.
  'Atom feed': [],
  GeoJSON: [],
  CSV: [],
  // The submitter (private link): the public history and their own contact data.
  'private page': [...PUBLIC_HISTORY, 'answerFile', 'submitterEmail', 'submitterPhone'],
  // The printable receipt carries the number, date and name, no contact data and no history.
  receipt: [],
  'submitter emails': PUBLIC_HISTORY,
  'subscriber emails': PUBLIC_HISTORY,
  // Staff of the handling unit: everything.
  'staff page': [...PUBLIC_HISTORY, 'note', 'hideReason', 'photoHideReason', 'hiddenPhoto', 'submitterEmail', 'submitterPhone', 'answerFile'],
  // The Contact Center's operators answer callers about any public signal; administrators look after abuse.
  'operator staff page': [...PUBLIC_HISTORY, 'note', 'hideReason', 'photoHideReason', 'hiddenPhoto', 'submitterEmail', 'submitterPhone', 'answerFile'],
  'admin staff page': [...PUBLIC_HISTORY, 'note', 'hideReason', 'photoHideReason', 'hiddenPhoto', 'submitterEmail', 'submitterPhone', 'answerFile'],
};

/** The outputs of a private letter. */
const LETTER_OUTPUTS: Record<string, Marker[]> = {
  'author document page': ['status', 'answer', 'reject', 'submitterEmail', 'ownFile', 'answerFile'],
  'author emails': ['status', 'answer', 'reject'],
  'staff page': ['status', 'answer', 'reject', 'note', 'submitterEmail', 'ownFile', 'answerFile'],
  // Everyone else: nothing at all (404), checked apart.
};

function found(body: string, marks: Record<Marker, string>): Marker[] {
  return ALL.filter((m) => marks[m] && body.includes(marks[m]));
}

describe('audiences (issue 11): each output shows what its audience receives, and nothing else', () => {
  test('a public signal: every kind of history entry in every output, for the public, the submitter, a subscriber and staff', async () => {
    const tag = randomBytes(4).toString('hex');
    const marks = {
      status: `СТАТУС-${tag}`,
      answer: `ОТГОВОР-${tag}`,
      redirect: `ПРЕНАСОЧВАНЕ-${tag}`,
      reject: `ОТХВЪРЛЯНЕ-${tag}`,
      note: `Вътрешна бележка — никога не е публична ${tag}`,
      hideReason: `СКРИВАНЕ-${tag}`,
      photoHideReason: `СНИМКА-${tag}`,
      hiddenPhoto: '',
      submitterEmail: `podatel.${tag}@example.bg`,
      submitterPhone: `+359 88 ${String(parseInt(tag, 16) % 1_000_000).padStart(6, "0")}`,
      ownFile: '',
      answerFile: `protokol-${tag}.pdf`,
    } as Record<Marker, string>;
    const officer = await staff(app, 'officer', 'R09-ADM');
    const follower = await citizen(app);
    const { plain } = await types(app);

    // Submitted with two photos; one will be hidden.
    const body = signalBody(plain, { ...lozenets, email: marks.submitterEmail, phone: marks.submitterPhone, name: 'Иван Петров' });
    const photo = await phonePhoto();
    const done = await submitCase(app.ctx, SubmitCaseBody.parse({ ...body, lang: 'bg' }), [
      { field: 'photos[0]', data: photo },
      { field: 'photos[1]', data: photo },
    ]);
    const number = done.number;
    const [c] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number));
    expect(c!.unitId).toBe(officer.unitId);
    const photos = await app.ctx.db.orm.select({ id: caseFiles.id }).from(caseFiles).where(eq(caseFiles.caseId, c!.id)).orderBy(caseFiles.position);
    marks.hiddenPhoto = photos[1]!.id;
    expect((await post(app, `/cases/${enc(number)}/subscription`, { action: 'subscribe' }, { cookie: follower.cookie })).statusCode).toBe(303);

    const manager = await staff(app, 'manager', 'R09-ADM');
    const act = async (action: string, form: Record<string, string>) => {
      const res = await post(app, `/staff/cases/${enc(number)}/${action}`, form, { cookie: manager.cookie });
      expect(res.statusCode, `${action}: ${res.body.slice(0, 300)}`).toBe(303);
    };
    await act('status', { status: 'in_progress', text: marks.status });
    await act('note', { text: marks.note });
    await act('assign', { assigneeId: officer.id });
    await act('hide', { photoId: marks.hiddenPhoto, text: marks.photoHideReason });
    await act('hide', { text: marks.hideReason });
    await act('hide', { hide: '0' });
    const answer = await multipart({ text: marks.answer, status: 'awaiting_reply' }, [{ name: 'files', filename: marks.answerFile, data: pdf() }]);
    const ans = await app.app.inject({ method: 'POST', url: `/staff/cases/${enc(number)}/answer`, payload: answer.payload, headers: { ...answer.headers, cookie: officer.cookie } });
    expect(ans.statusCode).toBe(303);
    await act('reject', { text: marks.reject });
    await act('redirect', { unitId: String(unitIds.get('R24-ADM')), text: marks.redirect });

    const manager24 = await staff(app, 'manager', 'R24-ADM');
    const operator = await staff(app, 'operator', 'KC');
    const admin = await staff(app, 'admin', 'KC');
    await app.ctx.db.orm.update(users).set({ unitId: null }).where(eq(users.id, admin.id));
    const get = async (url: string, cookie?: string) => {
      const res = await app.app.inject({ url, headers: cookie ? { cookie } : {} });
      expect(res.statusCode, url).toBe(200);
      return res.body;
    };
    const day = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const token = done.token;
    const mails = await app.ctx.db.orm.select().from(mailOutbox).orderBy(mailOutbox.id);
    const mailText = (to: string) => mails.filter((m) => m.to === to && m.template.startsWith('case-update')).map((m) => `${m.subject}\n${m.text}\n${m.html}`).join('\n');

    const outputs: Record<string, string> = {
      'public page': await get(`/cases/${enc(number)}`),
      'public JSON': await get(`/api/v1/cases/${enc(number)}`),
      'Open311 request': await get(`/open311/v2/requests/${enc(number)}.json`),
      'Open311 request with extensions': await get(`/open311/v2/requests/${enc(number)}.json?extensions=true`),
      'Open311 list with extensions': await get(`/open311/v2/requests.json?extensions=true&start_date=${from}`),
      'Open311 updates': await get(`/open311/v2/servicerequestupdates.json?start_date=${from}`),
      'Atom feed': await get('/feeds/signals.atom?district=09'),
      GeoJSON: await get(`/exports/signals.geojson?from=${day}`),
      CSV: await get(`/exports/signals.csv?from=${day}`),
      'private page': await get(`/p/${token}`),
      receipt: await get(`/p/${token}/receipt`),
      'submitter emails': mailText(marks.submitterEmail),
      'subscriber emails': mailText(follower.email),
      // After the redirect the case is the other unit's: its manager sees everything.
      'staff page': await get(`/staff/cases/${enc(number)}`, manager24.cookie),
      'operator staff page': await get(`/staff/cases/${enc(number)}`, operator.cookie),
      'admin staff page': await get(`/staff/cases/${enc(number)}`, admin.cookie),
    };
    const failures: string[] = [];
    for (const [output, expected] of Object.entries(SIGNAL_OUTPUTS)) {
      const got = found(outputs[output]!, marks);
      const want = [...expected].sort();
      if (JSON.stringify(got.sort()) !== JSON.stringify(want)) failures.push(`${output}: shows [${got.join(', ')}], should show [${want.join(', ')}]`);
    }
    expect(failures).toEqual([]);
    // The note, in particular, is never on the pages and emails of citizens (defect 1).
    for (const o of ['private page', 'public page', 'submitter emails', 'subscriber emails']) expect(outputs[o]).not.toContain('Вътрешна бележка');
    // The hidden photo is served to no one but staff.
    expect((await app.app.inject({ url: `/photos/${marks.hiddenPhoto}/large.jpg` })).statusCode).toBe(404);
    expect((await app.app.inject({ url: `/p/${token}/photos/${marks.hiddenPhoto}/large.jpg` })).statusCode).toBe(404);
    expect((await app.app.inject({ url: `/staff/photos/${marks.hiddenPhoto}/large.jpg`, headers: { cookie: manager24.cookie } })).statusCode).toBe(200);
    const visible = await app.app.inject({ url: `/photos/${photos[0]!.id}/thumb.jpg` });
    expect(visible.statusCode).toBe(200);
    expect(visible.headers['cache-control']).toMatch(/max-age=60\b/);
  }, 120_000);

  test('a private letter: its author sees the public entries and their own files, staff everything, everyone else nothing', async () => {
    const tag = randomBytes(4).toString('hex');
    const author = await citizen(app);
    const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, author.email));
    const marks = {
      status: `СТАТУС-${tag}`,
      answer: `ОТГОВОР-${tag}`,
      reject: `ОТХВЪРЛЯНЕ-${tag}`,
      note: `Вътрешна бележка ${tag}`,
      submitterEmail: author.email,
      ownFile: `priloga-${tag}.pdf`,
      answerFile: `otgovor-${tag}.pdf`,
    } as Record<Marker, string>;
    const done = await registerDocument(
      app.ctx,
      { userId: u!.id, name: 'Елена Иванова', email: author.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
      { kind: 'letter', subject: `Писмо ${tag}`, description: 'Текст на писмото', unitId: unitIds.get('R09-ADM')! },
      [{ field: 'files[0]', filename: marks.ownFile, data: pdf() }],
      'web',
    );
    const number = done.number;
    const officer = await staff(app, 'officer', 'R09-ADM');
    const act = async (action: string, form: Record<string, string>) => expect((await post(app, `/staff/cases/${enc(number)}/${action}`, form, { cookie: officer.cookie })).statusCode).toBe(303);
    await act('status', { status: 'in_progress', text: marks.status });
    await act('note', { text: marks.note });
    const answer = await multipart({ text: marks.answer }, [{ name: 'files', filename: marks.answerFile, data: pdf() }]);
    expect((await app.app.inject({ method: 'POST', url: `/staff/cases/${enc(number)}/answer`, payload: answer.payload, headers: { ...answer.headers, cookie: officer.cookie } })).statusCode).toBe(303);
    await act('reject', { text: marks.reject });

    const page = async (url: string, cookie?: string) => app.app.inject({ url, headers: cookie ? { cookie } : {} });
    const mails = await app.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, author.email));
    const outputs: Record<string, string> = {
      'author document page': (await page(`/documents/${enc(number)}`, author.cookie)).body,
      'author emails': mails.filter((m) => m.template.startsWith('case-update')).map((m) => `${m.subject}\n${m.text}`).join('\n'),
      'staff page': (await page(`/staff/cases/${enc(number)}`, officer.cookie)).body,
    };
    const failures: string[] = [];
    for (const [output, expected] of Object.entries(LETTER_OUTPUTS)) {
      const got = found(outputs[output]!, marks).sort();
      if (JSON.stringify(got) !== JSON.stringify([...expected].sort())) failures.push(`${output}: shows [${got.join(', ')}], should show [${[...expected].sort().join(', ')}]`);
    }
    expect(failures).toEqual([]);
    // Administrators are no audience of a letter: the audit log keeps who did what and when, not its texts.
    const { rows: audits } = await app.ctx.db.raw.executeSql("SELECT after::text AS a FROM audit_log WHERE entity = 'case' AND entity_id = $1", [number]);
    expect(audits.length).toBeGreaterThanOrEqual(4);
    for (const m of [marks.note, marks.answer, marks.reject, marks.answerFile]) expect(JSON.stringify(audits), m).not.toContain(m);
    // Its email subject agrees with the kind: "Писмо … е регистрирано", a complaint "… е регистрирана".
    const registered = mails.find((m) => m.template === 'document-registered')!;
    expect(registered.subject).toBe(`Писмо № ${number} е регистрирано`);

    // Everyone else gets the same "not found" as for a number that does not exist: pages, files, public routes.
    const other = await citizen(app);
    const officer15 = await staff(app, 'officer', 'R15-ADM');
    const inspector = await staff(app, 'inspector', 'R09-ADM');
    const files = (await app.ctx.db.orm.select({ id: caseFiles.id }).from(caseFiles).innerJoin(cases, eq(cases.id, caseFiles.caseId)).where(eq(cases.regNumber, number))).map((f) => f.id);
    for (const who of [other.cookie, officer15.cookie, inspector.cookie]) {
      expect((await page(`/documents/${enc(number)}`, who)).statusCode).toBe(404);
      for (const f of files) expect((await page(`/documents/${enc(number)}/files/${f}`, who)).statusCode).toBe(404);
    }
    expect((await page(`/cases/${enc(number)}`)).statusCode).toBe(404);
    expect((await page(`/api/v1/cases/${enc(number)}`)).statusCode).toBe(404);
    for (const f of files) expect((await page(`/cases/${enc(number)}/files/${f}`)).statusCode).toBe(404);
  }, 120_000);

  test('a complaint’s confirmation agrees with its gender: “Жалба № … е регистрирана”', async () => {
    const author = await citizen(app);
    const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, author.email));
    const done = await registerDocument(
      app.ctx,
      { userId: u!.id, name: 'Елена Иванова', email: author.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
      { kind: 'complaint', subject: 'Жалба', description: 'Текст на жалбата', unitId: unitIds.get('R09-ADM')! },
      [],
      'web',
    );
    const all = await app.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, author.email));
    expect(all.map((x) => x.subject)).toContain(`Жалба № ${done.number} е регистрирана`);
  });

  test('a hidden signal tells its followers nothing more, while its submitter still hears; a duplicate tells both the main number', async () => {
    const manager = await staff(app, 'manager', 'R09-ADM');
    const follower = await citizen(app);
    const { plain } = await types(app);
    const tag = randomBytes(4).toString('hex');
    const submitter = `skrit.${tag}@example.bg`;
    const make = async (email: string) => (await submitCase(app.ctx, SubmitCaseBody.parse({ ...signalBody(plain, { ...lozenets, email }), lang: 'bg' }), [])).number;
    const act = async (number: string, action: string, form: Record<string, string>) => expect((await post(app, `/staff/cases/${enc(number)}/${action}`, form, { cookie: manager.cookie })).statusCode).toBe(303);
    const updates = async (to: string) => (await app.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, to))).filter((m) => m.template.startsWith('case-update')).map((m) => m.text).join('\n');

    const hidden = await make(submitter);
    await post(app, `/cases/${enc(hidden)}/subscription`, { action: 'subscribe' }, { cookie: follower.cookie });
    await act(hidden, 'hide', { text: `Обидно съдържание ${tag}` });
    await act(hidden, 'answer', { text: `ОТГОВОР-СЛЕД-СКРИВАНЕ-${tag}` });
    expect(await updates(submitter)).toContain(`ОТГОВОР-СЛЕД-СКРИВАНЕ-${tag}`);
    expect(await updates(follower.email)).not.toContain(`ОТГОВОР-СЛЕД-СКРИВАНЕ-${tag}`);
    // Neither ever reads why it was hidden.
    expect(await updates(submitter)).not.toContain(`Обидно съдържание ${tag}`);

    const main = await make(`glaven.${tag}@example.bg`);
    const dup = await make(`dubl.${tag}@example.bg`);
    await post(app, `/cases/${enc(dup)}/subscription`, { action: 'subscribe' }, { cookie: follower.cookie });
    await act(dup, 'duplicate', { mainNumber: main });
    expect(await updates(`dubl.${tag}@example.bg`)).toContain(main);
    expect(await updates(follower.email)).toContain(main);
    // The public history of the duplicate names the main signal.
    expect((await app.app.inject({ url: `/api/v1/cases/${enc(dup)}` })).json().history.map((h: { type: string; text: string | null }) => `${h.type}:${h.text}`)).toContain(`duplicate:${main}`);
  });
});
