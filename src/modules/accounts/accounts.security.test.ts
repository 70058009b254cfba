import { randomBytes } from 'node:crypto';
import { eq, inArray, or, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { App } from '../../app.js';
import { sessions, users } from '../../platform/auth/index.js';
import { mailOutbox } from '../../platform/mail/index.js';
import { rateLimits } from '../../platform/ratelimit/index.js';
import { clock, eventually, testApp } from '../../../test/harness.js';
import { citizen, ip, lastMail, linkIn, login, mailsTo, person, post, sessionCookie, stampOf } from '../../../test/accounts.factories.js';
import { signalBody, types } from '../../../test/factories.js';
import { accountsCleanup } from './accounts.jobs.js';
import { loginCounterKey } from './accounts.service.js';

// Issue 11, item 12 and defect 5: lockout per address and account, no account enumeration,
// single-use form stamps, the email change with password and undo, outbox erasure.

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterEach(() => {
  vi.useRealTimers();
  clock.set(null);
});

const me = (cookie?: string) => app.app.inject({ url: '/api/v1/me', headers: cookie ? { cookie } : {} });
const tryLogin = (name: string, password: string, from: string) => post(app, '/login', { login: name, password }, { ip: from });
const hitsOf = async (key: string) => (await app.ctx.db.orm.select().from(rateLimits).where(eq(rateLimits.key, key)))[0]?.hits ?? 0;
const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('token')!;
/** A page without its hidden per-response fields (a CSRF token, a form stamp), to compare two answers. */
const visible = (body: string) => body.replace(/<input type="hidden"[^>]*>/g, '');

/** Ten wrong passwords from one address, each after the previous one's wait: the tenth locks. */
async function lockFrom(name: string, from: string, t0: number): Promise<{ codes: number[]; t: number }> {
  let t = t0;
  const codes: number[] = [];
  for (let i = 0; i < 10; i++) {
    clock.set(new Date(t));
    codes.push((await tryLogin(name, `wrong-guess-${i}-x`, from)).statusCode);
    t += 61_000;
  }
  return { codes, t };
}

describe('lockout per address and account (issue 11)', () => {
  test('ten wrong passwords from one address lock that address out; the owner logs in from another at once; a new password lifts the lock everywhere', async () => {
    const p = await citizen(app);
    const x = ip();
    const { codes, t } = await lockFrom(p.username, x, Date.now());
    expect(codes.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(codes[9]).toBe(423);
    clock.set(new Date(t));
    const fromX = await tryLogin(p.username, p.password, x);
    expect(fromX.statusCode).toBe(423);
    expect(fromX.body).toContain('временно заключен');
    const fromY = await tryLogin(p.username, p.password, ip());
    expect(fromY.statusCode).toBe(303);
    expect((await me(sessionCookie(fromY))).statusCode).toBe(200);

    // A new password (the owner proved the mailbox) ends the lock from every address.
    await post(app, '/forgot-password', { email: p.email, formStamp: await stampOf(app, '/forgot-password') });
    const token = tokenOf(linkIn((await eventually(() => lastMail(app, p.email, 'account-reset')))!.text, '/reset-password'));
    clock.set(new Date(t + 60_000));
    expect((await post(app, '/reset-password', { token, password: 'Nova-Parola-Boyana-7', password2: 'Nova-Parola-Boyana-7' })).statusCode).toBe(200);
    expect((await tryLogin(p.username, 'Nova-Parola-Boyana-7', x)).statusCode).toBe(303);
  });

  test('the owner is told about a lock once, however often and from however many addresses the guessing relocks', async () => {
    const p = await citizen(app);
    const x = ip();
    const z = ip();
    let { t } = await lockFrom(p.username, x, Date.now());
    ({ t } = await lockFrom(p.email, z, t));
    // The first lock ended 15 minutes later; guessing from X locks again.
    ({ t } = await lockFrom(p.username, x, t + 16 * 60_000));
    clock.set(new Date(t));
    expect((await tryLogin(p.username, p.password, x)).statusCode).toBe(423);
    const notices = (await mailsTo(app, p.email)).filter((m) => m.template === 'account-locked');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(p.username);
    expect(notices[0]!.text).toContain('От други адреси можете да влизате');
  });

  test('20 parallel wrong logins from one address are all counted: at most five passwords are checked, and the pair locks', async () => {
    const p = await citizen(app);
    const x = ip();
    clock.set(new Date());
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => tryLogin(p.username, `parallel-guess-${i}`, x)));
    const codes = res.map((r) => r.statusCode);
    // Every attempt took its own number: five wrong passwords, four told to wait, the tenth locked, the rest refused.
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(4);
    expect(codes.filter((c) => c === 423)).toHaveLength(11);
    expect(await hitsOf(loginCounterKey(app.ctx.secret, p.username, x))).toBe(20);
    expect((await tryLogin(p.username, p.password, x)).statusCode).toBe(423);
    expect((await tryLogin(p.username, p.password, ip())).statusCode).toBe(303);
    expect((await mailsTo(app, p.email)).filter((m) => m.template === 'account-locked')).toHaveLength(1);
  });

  test('an unknown name gets the same answers, waits and lock as an existing account', async () => {
    const p = await citizen(app);
    const unknown = `nobody_${randomBytes(4).toString('hex')}`;
    // The same schedule for both: five quick tries, two too soon, then patient ones until the lock, then the lock.
    const schedule = [0, 1, 2, 3, 4, 4.5, 5, 6, 8, 12, 20, 40, 80, 200];
    const run = async (name: string) => {
      const from = ip();
      const t0 = Date.now();
      const out: { code: number; body: string }[] = [];
      for (const s of schedule) {
        clock.set(new Date(t0 + s * 1000));
        const r = await tryLogin(name, 'Not-the-password-2026', from);
        out.push({ code: r.statusCode, body: visible(r.body).replaceAll(name, 'NAME') });
      }
      return out;
    };
    const known = await run(p.username);
    const other = await run(unknown);
    expect(known.map((r) => r.code)).toEqual(other.map((r) => r.code));
    for (let i = 0; i < known.length; i++) expect(other[i]!.body, `attempt ${i + 1}`).toBe(known[i]!.body);
    expect(new Set(known.map((r) => r.code))).toEqual(new Set([401, 429, 423]));
  });
});

describe('no account enumeration (issue 11)', () => {
  test('registering with an email that has an account answers like a new registration, and mails the owner instead', async () => {
    const p = await citizen(app);
    const fresh = person();
    const taken = person({ email: p.email.toUpperCase() });
    const a = await post(app, '/register', { ...fresh, formStamp: await stampOf(app, '/register') });
    const b = await post(app, '/register', { ...taken, formStamp: await stampOf(app, '/register') });
    expect(b.statusCode).toBe(200);
    expect(b.body).not.toContain('Вече има профил');
    expect(visible(b.body).replaceAll(p.email, 'EMAIL')).toBe(visible(a.body).replaceAll(fresh.email, 'EMAIL'));
    // Nothing created; the owner learns of it, with the way back in.
    expect(await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.username, taken.username.toLowerCase()))).toHaveLength(0);
    const told = await lastMail(app, p.email, 'account-address-in-use');
    expect(told?.text).toContain('се опита да регистрира нов профил');
    expect(told?.text).toContain('/forgot-password');
    expect(told?.text).toContain('/forgot-username');
    expect((await mailsTo(app, p.email)).filter((m) => m.template === 'account-verify')).toHaveLength(1);
    // Once a day at most: nobody can flood the address through our form.
    await post(app, '/register', { ...person({ email: p.email }), formStamp: await stampOf(app, '/register') });
    expect((await mailsTo(app, p.email)).filter((m) => m.template === 'account-address-in-use')).toHaveLength(1);
    // A taken username is still said: the person has to choose another one.
    const name = await post(app, '/register', { ...person({ username: p.username }), formStamp: await stampOf(app, '/register') });
    expect(name.statusCode).toBeGreaterThanOrEqual(400);
    expect(name.body).toContain('Това потребителско име е заето');
  });

  test('recovery pages answer the same for known and unknown addresses; the work is queued and the emails still arrive', async () => {
    const p = await citizen(app);
    const nobody = `nobody.${randomBytes(4).toString('hex')}@example.bg`;
    for (const path of ['/forgot-password', '/forgot-username']) {
      const known = await post(app, path, { email: p.email, formStamp: await stampOf(app, path) });
      const unknown = await post(app, path, { email: nobody, formStamp: await stampOf(app, path) });
      expect(known.statusCode, path).toBe(200);
      expect(unknown.statusCode, path).toBe(200);
      expect(visible(unknown.body), path).toBe(visible(known.body));
    }
    const resendKnown = await post(app, '/verify-email/resend', { email: p.email });
    const resendUnknown = await post(app, '/verify-email/resend', { email: nobody });
    expect(visible(resendUnknown.body).replaceAll(nobody, 'EMAIL')).toBe(visible(resendKnown.body).replaceAll(p.email, 'EMAIL'));

    const reset = await eventually(() => lastMail(app, p.email, 'account-reset'));
    expect(reset.text).toContain('/reset-password?token=');
    expect((await eventually(() => lastMail(app, p.email, 'account-username'))).text).toContain(p.username);
    // Every queued request is done once its row is gone (the job deletes it; the address waited nowhere else).
    await eventually(async () => {
      const { rows } = await app.ctx.db.raw.executeSql("SELECT count(*)::int AS n FROM verifications WHERE identifier LIKE 'recovery:%' AND (value LIKE $1 OR value LIKE $2)", [`%${p.email}%`, `%${nobody}%`]);
      return Number(rows[0].n) === 0;
    });
    // A verified address gets no new verification link; the unknown one gets nothing at all.
    expect((await mailsTo(app, p.email)).filter((m) => m.template === 'account-verify')).toHaveLength(1);
    expect(await mailsTo(app, nobody)).toHaveLength(0);
  });
});

describe('recovery emails to one mailbox (issue 11)', () => {
  test('seven reset requests for one account from seven addresses send at most five emails an hour', async () => {
    const p = await citizen(app);
    for (let i = 0; i < 7; i++) {
      expect((await post(app, '/forgot-password', { email: p.email, formStamp: await stampOf(app, '/forgot-password') }, { ip: ip() })).statusCode).toBe(200);
    }
    // Every request is done once its queued row is gone.
    await eventually(async () => {
      const { rows } = await app.ctx.db.raw.executeSql("SELECT count(*)::int AS n FROM verifications WHERE identifier LIKE 'recovery:%' AND value LIKE $1", [`%${p.email}%`]);
      return Number(rows[0].n) === 0;
    });
    expect((await mailsTo(app, p.email)).filter((m) => m.template === 'account-reset')).toHaveLength(5);
  });
});

describe('single-use form stamps (issue 11)', () => {
  test('a registration stamp is accepted once: the same stamp again is refused and creates nothing', async () => {
    const stamp = await stampOf(app, '/register');
    const first = person();
    const ok = await post(app, '/register', { ...first, formStamp: stamp });
    expect(ok.statusCode).toBe(200);
    const second = person();
    const again = await post(app, '/register', { ...second, formStamp: stamp });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Формулярът не може да бъде приет');
    expect(await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.username, second.username.toLowerCase()))).toHaveLength(0);
    expect(await mailsTo(app, second.email)).toHaveLength(0);
  });

  test('a recovery stamp is accepted once too; a form refused as too fast keeps its stamp for the real send', async () => {
    const stamp = await stampOf(app, '/forgot-password');
    expect((await post(app, '/forgot-password', { email: 'a.person@example.bg', formStamp: stamp })).statusCode).toBe(200);
    const reused = await post(app, '/forgot-password', { email: 'a.person@example.bg', formStamp: stamp });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('Формулярът не може да бъде приет');

    const t = Date.now();
    clock.set(new Date(t));
    const shown = (await app.app.inject({ url: '/register' })).body.match(/name="formStamp" value="([^"]+)"/)![1]!;
    const p = person();
    clock.set(new Date(t + 1000));
    const fast = await post(app, '/register', { ...p, formStamp: shown });
    expect(fast.statusCode).toBe(400);
    expect(fast.body).toContain('твърде бързо');
    clock.set(new Date(t + 10_000));
    expect((await post(app, '/register', { ...p, formStamp: shown })).statusCode).toBe(200);
  });

  test('two forms shown in the same millisecond get different stamps', async () => {
    clock.set(new Date());
    const a = (await app.app.inject({ url: '/register' })).body.match(/name="formStamp" value="([^"]+)"/)![1]!;
    const b = (await app.app.inject({ url: '/register' })).body.match(/name="formStamp" value="([^"]+)"/)![1]!;
    expect(a).not.toBe(b);
  });
});

describe('changing the email (issue 11, defect 5)', () => {
  const base = { firstName: 'Елена', lastName: 'Петкова', phone: '+359 2 123 4567', address: '', locale: 'bg' };

  test('needs the current password: without it or with a wrong one the form says so at the field and nothing changes', async () => {
    const p = await citizen(app);
    const newEmail = `moved.${randomBytes(4).toString('hex')}@example.bg`;
    const none = await post(app, '/account/profile', { ...base, email: newEmail }, { cookie: p.cookie });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#currentPassword"');
    const wrong = await post(app, '/account/profile', { ...base, email: newEmail, currentPassword: 'not-my-password-1' }, { cookie: p.cookie });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#currentPassword"');
    expect(wrong.body).toContain('Текущата парола не е вярна');
    // Nothing changed: not the names sent with it, not the email, no link anywhere.
    expect((await me(p.cookie)).json()).toMatchObject({ email: p.email, lastName: 'Иванова' });
    expect(await mailsTo(app, newEmail)).toHaveLength(0);
    expect(await lastMail(app, p.email, 'account-email-change-old')).toBeNull();
    // Names alone need no password.
    const names = await post(app, '/account/profile', { ...base, email: p.email }, { cookie: p.cookie });
    expect(names.headers.location).toBe('/account?done=saved');
    expect(((await me(p.cookie)).json() as { lastName: string }).lastName).toBe('Петкова');
  });

  test('the old address can undo the change after it took effect: the old email is back, every session ends, the person is told to change the password', async () => {
    const p = await citizen(app);
    const other = await login(app, p.username, p.password);
    const newEmail = `taken.over.${randomBytes(4).toString('hex')}@example.bg`;
    const req = await post(app, '/account/profile', { ...base, email: newEmail, currentPassword: p.password }, { cookie: p.cookie });
    expect(req.headers.location).toBe('/account?done=emailPending');
    const warning = (await lastMail(app, p.email, 'account-email-change-old'))!;
    expect(warning.text).toContain(newEmail);
    const firstUndo = linkIn(warning.text, '/account/email/undo');

    const confirm = linkIn((await lastMail(app, newEmail, 'account-email-change'))!.text, '/account/email/confirm');
    expect((await app.app.inject({ url: confirm })).statusCode).toBe(303);
    expect((await me(p.cookie)).json().email).toBe(newEmail);
    const changed = (await lastMail(app, p.email, 'account-email-changed'))!;
    const undo = linkIn(changed.text, '/account/email/undo');

    // Opening the link only asks (a mail scanner following links changes nothing).
    const ask = await app.app.inject({ url: undo });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Върни стария имейл');
    expect((await me(p.cookie)).json().email).toBe(newEmail);

    const q = new URL(undo, 'http://x').searchParams;
    const done = await post(app, '/account/email/undo', { u: q.get('u')!, token: q.get('token')! });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`отново е ${p.email}`);
    expect(done.body).toContain('/forgot-password');
    const [row] = await app.ctx.db.orm.select().from(users).where(eq(users.username, p.username.toLowerCase()));
    expect(row).toMatchObject({ email: p.email, emailVerified: true });
    expect((await me(p.cookie)).statusCode).toBe(401);
    expect((await me(other)).statusCode).toBe(401);
    expect(await app.ctx.db.orm.select().from(sessions).where(eq(sessions.userId, row!.id))).toHaveLength(0);
    expect((await lastMail(app, p.email, 'account-email-restored'))?.text).toContain('Задайте нова парола');
    await login(app, p.email, p.password);

    // Single use, and the other undo link of the same change is void too.
    const again = new URL(undo, 'http://x').searchParams;
    expect((await post(app, '/account/email/undo', { u: again.get('u')!, token: again.get('token')! })).statusCode).toBe(400);
    expect((await app.app.inject({ url: firstUndo })).statusCode).toBe(400);
  });

  test('undone while still pending: the confirmation link to the new address no longer works', async () => {
    const p = await citizen(app);
    const newEmail = `pending.${randomBytes(4).toString('hex')}@example.bg`;
    await post(app, '/account/profile', { ...base, email: newEmail, currentPassword: p.password }, { cookie: p.cookie });
    const q = new URL(linkIn((await lastMail(app, p.email, 'account-email-change-old'))!.text, '/account/email/undo'), 'http://x').searchParams;
    expect((await post(app, '/account/email/undo', { u: q.get('u')!, token: q.get('token')! })).statusCode).toBe(200);
    const confirm = linkIn((await lastMail(app, newEmail, 'account-email-change'))!.text, '/account/email/confirm');
    expect((await app.app.inject({ url: confirm })).statusCode).toBe(400);
    const [row] = await app.ctx.db.orm.select().from(users).where(eq(users.username, p.username.toLowerCase()));
    expect(row!.email).toBe(p.email);
    expect((await me(p.cookie)).statusCode).toBe(401);
  });

  test('the undo link lives 7 days; meanwhile nobody can register the old address', async () => {
    const p = await citizen(app);
    const newEmail = `week.${randomBytes(4).toString('hex')}@example.bg`;
    await post(app, '/account/profile', { ...base, email: newEmail, currentPassword: p.password }, { cookie: p.cookie });
    await app.app.inject({ url: linkIn((await lastMail(app, newEmail, 'account-email-change'))!.text, '/account/email/confirm') });
    const undo = linkIn((await lastMail(app, p.email, 'account-email-changed'))!.text, '/account/email/undo');

    const squatter = person({ email: p.email });
    expect((await post(app, '/register', { ...squatter, formStamp: await stampOf(app, '/register') })).statusCode).toBe(200);
    expect(await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.username, squatter.username.toLowerCase()))).toHaveLength(0);

    clock.set(new Date(Date.now() + 7 * 86400_000 + 60_000));
    expect((await app.app.inject({ url: undo })).statusCode).toBe(400);
    const q = new URL(undo, 'http://x').searchParams;
    expect((await post(app, '/account/email/undo', { u: q.get('u')!, token: q.get('token')! })).statusCode).toBe(400);
  });
});

describe('outbox erasure (issue 11, AC-6)', () => {
  test('closing an account erases, at once, every outbox email to it: no address, name or token is left', async () => {
    const lastName = `Тестова${randomBytes(3).toString('hex')}`;
    const p = await citizen(app, { firstName: 'Радослава', lastName });
    const { pothole } = await types(app);
    const sig = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(pothole, { name: `Радослава ${lastName}`, email: p.email }) });
    expect(sig.statusCode).toBe(201);
    // An anonymous form keeps the address as typed: it is the same mailbox.
    const shouted = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(pothole, { name: `Радослава ${lastName}`, email: p.email.toUpperCase() }), remoteAddress: ip() });
    expect(shouted.statusCode).toBe(201);
    await post(app, '/forgot-password', { email: p.email, formStamp: await stampOf(app, '/forgot-password') });
    const reset = await eventually(() => lastMail(app, p.email, 'account-reset'));
    const newEmail = `elsewhere.${randomBytes(4).toString('hex')}@example.bg`;
    await post(app, '/account/profile', { firstName: 'Радослава', lastName, phone: '+359 2 123 4567', email: newEmail, currentPassword: p.password, locale: 'bg' }, { cookie: p.cookie });
    const secrets = [
      tokenOf(linkIn(reset.text, '/reset-password')),
      tokenOf(linkIn((await lastMail(app, newEmail, 'account-email-change'))!.text, '/account/email/confirm')),
      tokenOf(linkIn((await lastMail(app, p.email, 'account-email-change-old'))!.text, '/account/email/undo')),
      ...[...(await mailsTo(app, p.email)).map((m) => m.text).join('\n').matchAll(/\/p\/([A-Za-z0-9_-]{16,})/g)].map((m) => m[1]!),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const before = (await app.ctx.db.orm.select().from(mailOutbox).where(or(eq(mailOutbox.to, p.email), eq(mailOutbox.to, newEmail)))).map((m) => ({ id: m.id, template: m.template, createdAt: m.createdAt }));
    expect(before.length).toBeGreaterThanOrEqual(5);

    expect((await post(app, '/account/close', { password: p.password }, { cookie: p.cookie })).statusCode).toBe(200);

    const needles = [p.email, newEmail, lastName, p.username, ...secrets];
    for (const n of needles) {
      const { rows } = await app.ctx.db.raw.executeSql('SELECT id, template FROM mail_outbox WHERE strpos(lower("to" || subject || text || html), lower($1)) > 0', [n]);
      expect(rows, n).toEqual([]);
    }
    // The rows stay as a record: same ids, templates and dates, no body.
    const after = await app.ctx.db.orm.select().from(mailOutbox).where(inArray(mailOutbox.id, before.map((b) => b.id)));
    expect(after.map((m) => ({ id: m.id, template: m.template, createdAt: m.createdAt })).sort((a, b) => a.id - b.id)).toEqual(before.sort((a, b) => a.id - b.id));
    expect(after.every((m) => m.text === '' && m.html === '' && m.to.endsWith('@closed.invalid'))).toBe(true);
  });

  test('the clean-up erases the bodies of emails delivered more than 30 days ago, and of those never delivered in 30 days', async () => {
    const t = new Date();
    const days = (n: number) => new Date(t.getTime() - n * 86400_000);
    const body = `Здравейте, Тодор Тодоров. Личната Ви връзка: /p/${randomBytes(12).toString('base64url')}`;
    const row = (status: string, created: Date, sent: Date | null) => ({ to: `old.${randomBytes(4).toString('hex')}@example.bg`, subject: 'Тема', text: body, html: `<p>${body}</p>`, template: 'test-old', status, createdAt: created, sentAt: sent });
    const inserted = await app.ctx.db.orm
      .insert(mailOutbox)
      .values([row('sent', days(32), days(31)), row('sent', days(30), days(29)), row('kept', days(31), days(31)), row('queued', days(31), null), row('queued', days(2), null)])
      .returning({ id: mailOutbox.id });
    const ids = inserted.map((r) => r.id);
    await accountsCleanup(app.ctx.db, () => t)();
    const rows = await app.ctx.db.orm.select().from(mailOutbox).where(inArray(mailOutbox.id, ids)).orderBy(mailOutbox.id);
    expect(rows.map((r) => [r.status, r.text === '' && r.html === ''])).toEqual([
      ['sent', true],
      ['sent', false],
      ['kept', true],
      ['expired', true],
      ['queued', false],
    ]);
    // What stays: address, subject, template, dates.
    expect(rows[0]).toMatchObject({ subject: 'Тема', template: 'test-old' });
    expect(rows[0]!.sentAt?.getTime()).toBe(days(31).getTime());
    await app.ctx.db.orm.delete(mailOutbox).where(sql`${mailOutbox.id} IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`);
  });
});
