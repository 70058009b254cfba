import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { caseFiles, cases } from './cases.tables.js';
import { clock, testApp } from '../../../test/harness.js';
import { multipart, signalBody, types } from '../../../test/factories.js';
import { citizen, docx, lastMail, linkIn, mailsTo, pdf, post, staff } from '../../../test/accounts.factories.js';
import { units } from '../catalog/catalog.tables.js';

let app: App;
let transportUnit: number;
beforeAll(async () => {
  app = await testApp();
  clock.set(null);
  transportUnit = (await app.ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.code, 'DIR-TRANSPORT')))[0]!.id;
});

async function sendDocument(cookie: string | undefined, fields: Record<string, string>, files: { filename: string; data: Buffer; type?: string }[] = []) {
  const body = await multipart(fields, files.map((f) => ({ name: 'files', ...f })));
  return app.app.inject({ method: 'POST', url: '/documents/new', payload: body.payload, headers: { ...body.headers, ...(cookie ? { cookie } : {}) } });
}

const letter = (over: Record<string, string> = {}) => ({ kind: 'letter', unitId: String(transportUnit), subject: 'Паркиране върху тротоара', description: 'Моля да бъдат поставени колчета пред бл. 12.', ...over });

describe('letters, complaints, proposals and requests (CC-8)', () => {
  test('only a logged-in user reaches the form; an anonymous post is sent to log in and registers nothing', async () => {
    const page = await app.app.inject({ url: '/documents/new' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fdocuments%2Fnew');
    const before = (await app.ctx.db.orm.select({ id: cases.id }).from(cases)).length;
    const res = await sendDocument(undefined, letter());
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/login\?next=/);
    expect((await app.ctx.db.orm.select({ id: cases.id }).from(cases)).length).toBe(before);
  });

  test('a letter with a PDF and a Word file: number from the register, email with number, date and link, listed under My signals', async () => {
    const u = await citizen(app);
    const res = await sendDocument(u.cookie, letter(), [
      { filename: 'скица.pdf', data: pdf() },
      { filename: 'писмо.docx', data: docx() },
    ]);
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/documents\/%D0%A1%D0%9E\d\d-%D0%9A%D0%A603-\d{6}\?new=1$/);
    const number = decodeURIComponent(location.split('/')[2]!.split('?')[0]!);
    const page = await app.app.inject({ url: location, headers: { cookie: u.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(number);
    expect(page.body).toContain('Дирекция „Транспорт“');
    expect(page.body).toContain('скица.pdf');

    const mail = await lastMail(app, u.email, 'document-registered');
    expect(mail?.subject).toContain(number);
    expect(mail?.text).toMatch(/Дата на регистрация: \d{1,2}\.\d{1,2}\.\d{4}/);
    expect(linkIn(mail!.text, '/documents/')).toBe(`/documents/${encodeURIComponent(number)}`);

    const mine = await app.app.inject({ url: '/my/cases', headers: { cookie: u.cookie } });
    expect(mine.body).toContain(number);
    expect(mine.body).toContain('Паркиране върху тротоара');
    const api = (await app.app.inject({ url: '/api/v1/me/cases', headers: { cookie: u.cookie } })).json();
    expect(api.items[0]).toMatchObject({ number, kind: 'letter', status: 'pending' });

    const files = await app.ctx.db.orm.select().from(caseFiles).innerJoin(cases, eq(cases.id, caseFiles.caseId)).where(eq(cases.regNumber, number));
    expect(files.map((f) => f.case_files.mime).sort()).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']);
    const download = await app.app.inject({ url: `/documents/${encodeURIComponent(number)}/files/${files.find((f) => f.case_files.mime === 'application/pdf')!.case_files.id}`, headers: { cookie: u.cookie } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(String(download.headers['content-disposition'])).toContain("filename*=UTF-8''%D1%81%D0%BA%D0%B8%D1%86%D0%B0.pdf");
  });

  test('each kind has its own register; a public-information request is numbered in ДИ01', async () => {
    const u = await citizen(app);
    const numbers: string[] = [];
    for (const kind of ['complaint', 'proposal', 'info_request']) {
      const res = await sendDocument(u.cookie, letter({ kind }));
      expect(res.statusCode, kind).toBe(303);
      numbers.push(decodeURIComponent(String(res.headers.location).split('/')[2]!.split('?')[0]!));
    }
    expect(numbers[0]).toMatch(/-КЦ04-/);
    expect(numbers[1]).toMatch(/-КЦ05-/);
    expect(numbers[2]).toMatch(/-ДИ01-/);
  });

  test('bad files and fields are named, and nothing is registered', async () => {
    const u = await citizen(app);
    const count = async () => (await app.ctx.db.orm.select({ id: cases.id }).from(cases)).length;
    const before = await count();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000)]);
    const truncatedPdf = pdf().subarray(0, 40);
    const truncatedDocx = docx().subarray(0, 120);
    const cases_: [string, Record<string, string>, { filename: string; data: Buffer }[], string, number][] = [
      ['a program renamed to .pdf', letter(), [{ filename: 'договор.pdf', data: exe }], 'не е от допустим вид', 400],
      ['plain text as .docx', letter(), [{ filename: 'a.docx', data: Buffer.from('just some text, not a document at all') }], 'не е от допустим вид', 400],
      ['a cut-off PDF', letter(), [{ filename: 'a.pdf', data: truncatedPdf }], 'повреден или непълен', 400],
      ['a cut-off Word file', letter(), [{ filename: 'a.docx', data: truncatedDocx }], 'повреден или непълен', 400],
      ['a file over 20 MB', letter(), [{ filename: 'big.pdf', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 10), Buffer.from('%%EOF')]) }], 'по-голям от 20 MB', 413],
      ['eleven files', letter(), Array.from({ length: 11 }, (_, i) => ({ filename: `${i}.pdf`, data: pdf() })), 'най-много 10 файла', 400],
      ['no subject', letter({ subject: '' }), [], 'href="#subject"', 400],
      ['an addressee not in the directory', letter({ unitId: '999999' }), [], 'Изберете стойност от списъка', 400],
      ['a kind that is not a document kind', letter({ kind: 'signal' }), [], 'href="#kind"', 400],
      ['a subject that is too long', letter({ subject: 'ж'.repeat(301) }), [], 'href="#subject"', 400],
    ];
    for (const [name, fields, files, message, status] of cases_) {
      const res = await sendDocument(u.cookie, fields, files);
      expect(res.statusCode, name).toBe(status);
      expect(res.body, name).toContain(message);
      // What the person typed is still there.
      if (fields.subject) expect(res.body, name).toContain(fields.subject.slice(0, 20));
    }
    expect(await count()).toBe(before);
  });
});

describe('privacy of documents (CC-8)', () => {
  test('another user, an anonymous visitor and staff of another unit get "not found" by id, number and link guess; it is never on the map or in lists', async () => {
    const author = await citizen(app);
    const other = await citizen(app);
    const ownStaff = await staff(app, 'officer', 'DIR-TRANSPORT');
    const foreignStaff = await staff(app, 'officer', 'DIR-WASTE');
    const res = await sendDocument(author.cookie, letter({ subject: 'Тайна жалба', description: 'Съседът ми паркира в градинката.' }), [{ filename: 'снимка.pdf', data: pdf() }]);
    const number = decodeURIComponent(String(res.headers.location).split('/')[2]!.split('?')[0]!);
    const enc = encodeURIComponent(number);
    const [row] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, number));
    const [file] = await app.ctx.db.orm.select().from(caseFiles).where(eq(caseFiles.caseId, row!.id));

    for (const [who, cookie] of [['another user', other.cookie], ['staff of another unit', foreignStaff.cookie]] as const) {
      for (const url of [`/documents/${enc}`, `/documents/${enc}/files/${file!.id}`, `/documents/${encodeURIComponent(number.toLowerCase())}`]) {
        const r = await app.app.inject({ url, headers: { cookie } });
        expect(r.statusCode, `${who} ${url}`).toBe(404);
        expect(r.body, who).not.toContain('Тайна жалба');
      }
    }
    for (const cookie of [undefined, other.cookie, foreignStaff.cookie]) {
      const headers = cookie ? { cookie } : {};
      for (const url of [`/cases/${enc}`, `/api/v1/cases/${enc}`, `/track?number=${enc}`, `/p/${'A'.repeat(32)}`, `/photos/${file!.id}/large.jpg`]) {
        const r = await app.app.inject({ url, headers });
        expect(r.statusCode, url).toBe(404);
        expect(r.body).not.toContain('Тайна жалба');
      }
    }
    const anon = await app.app.inject({ url: `/documents/${enc}` });
    expect(anon.statusCode).toBe(303);
    expect(String(anon.headers.location)).toMatch(/^\/login/);

    const map = await app.app.inject({ url: '/api/v1/signals?pageSize=100' });
    expect(map.body).not.toContain(number);
    const clusters = await app.app.inject({ url: '/api/v1/map/clusters?zoom=18' });
    expect(clusters.body).not.toContain(number);
    const home = await app.app.inject({ url: '/' });
    expect(home.body).not.toContain(number);
    const othersList = await app.app.inject({ url: '/my/cases', headers: { cookie: other.cookie } });
    expect(othersList.body).not.toContain(number);

    // The handling unit's staff see it, with the sender and the file.
    const seen = await app.app.inject({ url: `/documents/${enc}`, headers: { cookie: ownStaff.cookie } });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Тайна жалба');
    expect(seen.body).toContain(author.email);
    expect((await app.app.inject({ url: `/documents/${enc}/files/${file!.id}`, headers: { cookie: ownStaff.cookie } })).statusCode).toBe(200);
  });
});

describe('subscriptions (CC-13)', () => {
  test('subscribe from the signal page, see it under My subscriptions, unsubscribe from the email link', async () => {
    const u = await citizen(app);
    const { plain } = await types(app);
    const sig = (await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain) })).json();
    const url = `/cases/${encodeURIComponent(sig.number)}`;

    const anonPage = await app.app.inject({ url });
    expect(anonPage.body).toContain(`/login?next=${encodeURIComponent(url)}`);
    const page = await app.app.inject({ url, headers: { cookie: u.cookie } });
    expect(page.body).toContain('Абонирай се');

    const sub = await post(app, `${url}/subscription`, { action: 'subscribe' }, { cookie: u.cookie });
    expect(sub.statusCode).toBe(303);
    await post(app, `${url}/subscription`, { action: 'subscribe' }, { cookie: u.cookie });
    expect((await app.app.inject({ url, headers: { cookie: u.cookie } })).body).toContain('Прекрати абонамента');
    const list = await app.app.inject({ url: '/my/subscriptions', headers: { cookie: u.cookie } });
    expect(list.body).toContain(sig.number);
    const mails = (await mailsTo(app, u.email)).filter((m) => m.template === 'subscription-started');
    expect(mails).toHaveLength(1);

    const link = linkIn(mails[0]!.text, '/unsubscribe/');
    const tampered = link.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await app.app.inject({ url: tampered })).statusCode).toBe(404);
    const ask = await app.app.inject({ url: link });
    expect(ask.body).toContain(sig.number);
    // Opening the link alone changes nothing (mail scanners open links); the button does.
    expect((await app.app.inject({ url: '/my/subscriptions', headers: { cookie: u.cookie } })).body).toContain(sig.number);
    const done = await post(app, link, {});
    expect(done.body).toContain('Абонаментът е прекратен');
    expect((await app.app.inject({ url: '/my/subscriptions', headers: { cookie: u.cookie } })).body).not.toContain(sig.number);
  });

  test("someone else's subscription cannot be removed, and a private document cannot be followed", async () => {
    const a = await citizen(app);
    const b = await citizen(app);
    const { plain } = await types(app);
    const sig = (await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain) })).json();
    await post(app, `/cases/${encodeURIComponent(sig.number)}/subscription`, { action: 'subscribe' }, { cookie: a.cookie });
    const list = await app.app.inject({ url: '/my/subscriptions', headers: { cookie: a.cookie } });
    const id = /\/my\/subscriptions\/(\d+)\/delete/.exec(list.body)![1];
    await post(app, `/my/subscriptions/${id}/delete`, {}, { cookie: b.cookie });
    expect((await app.app.inject({ url: '/my/subscriptions', headers: { cookie: a.cookie } })).body).toContain(sig.number);

    const doc = await sendDocument(a.cookie, letter());
    const number = String(doc.headers.location).split('/')[2]!.split('?')[0]!;
    const r = await post(app, `/cases/${number}/subscription`, { action: 'subscribe' }, { cookie: b.cookie });
    expect(r.statusCode).toBe(404);
  });
});
