import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { and, desc, eq } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import type { App } from '../src/app.js';
import { authAccounts, users } from '../src/platform/auth/index.js';
import { mailOutbox } from '../src/platform/mail/index.js';
import { units } from '../src/modules/catalog/catalog.tables.js';
import { clock } from './harness.js';

let seq = 0;
/** A fresh address per call, so per-address limits of one test do not leak into another. */
export function ip(): string {
  seq++;
  return `10.${process.pid % 250}.${Math.floor(seq / 250) % 250}.${(seq % 250) + 1}`;
}

/** A unique person to register. */
export function person(over: Record<string, string> = {}) {
  const id = randomBytes(4).toString('hex');
  return {
    username: `u_${id}`,
    password: 'Vitosha-zalez-2026',
    password2: 'Vitosha-zalez-2026',
    firstName: 'Елена',
    lastName: 'Иванова',
    email: `elena.${id}@example.bg`,
    phone: '+359 888 123 456',
    acceptTerms: 'on',
    website: '',
    ...over,
  };
}

/** The signed "form shown at" stamp of a page, as if it was shown `secondsAgo` earlier. */
export async function stampOf(a: App, path: string, secondsAgo = 10): Promise<string> {
  const prev = clock.fixed;
  clock.set(new Date(Date.now() - secondsAgo * 1000));
  try {
    const res = await a.app.inject({ url: path });
    const m = /name="formStamp" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`no form stamp on ${path}`);
    return m[1]!;
  } finally {
    clock.set(prev);
  }
}

/**
 * Posts a url-encoded form, as a browser on our own page does (the harness adds
 * `sec-fetch-site: same-origin` unless `headers` name Origin or Sec-Fetch-Site).
 */
export function post(a: App, url: string, form: Record<string, string>, opts: { cookie?: string; ip?: string; headers?: Record<string, string> } = {}) {
  return a.app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers },
    remoteAddress: opts.ip ?? ip(),
  });
}

/** The newest email to an address, optionally of one template. */
export async function lastMail(a: App, to: string, template?: string) {
  const [m] = await a.ctx.db.orm
    .select()
    .from(mailOutbox)
    .where(template ? and(eq(mailOutbox.to, to), eq(mailOutbox.template, template)) : eq(mailOutbox.to, to))
    .orderBy(desc(mailOutbox.id))
    .limit(1);
  return m ?? null;
}

/** All emails to an address. */
export async function mailsTo(a: App, to: string) {
  return a.ctx.db.orm.select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(mailOutbox.id);
}

/** The first link to our site in an email's text that starts with `path`. */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s]+${path.replace(/[/?]/g, (c) => `\\${c}`)}[^\\s]*`).exec(text);
  if (!m) throw new Error(`no ${path} link in email`);
  return new URL(m[0]).pathname + new URL(m[0]).search;
}

/** The session cookie from a login answer, as a Cookie header. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = (Array.isArray(raw) ? raw : [raw]).filter(Boolean) as string[];
  const c = list.find((x) => x.includes('session_token='));
  if (!c) throw new Error('no session cookie');
  return c.split(';')[0]!;
}

/** Registers through the form, opens the verification link, logs in: answers the person and the cookie. */
export async function citizen(a: App, over: Record<string, string> = {}) {
  const p = person(over);
  const stamp = await stampOf(a, '/register');
  const reg = await post(a, '/register', { ...p, formStamp: stamp });
  if (reg.statusCode !== 200) throw new Error(`registration failed: ${reg.statusCode}`);
  const mail = await lastMail(a, p.email, 'account-verify');
  await a.app.inject({ url: linkIn(mail!.text, '/verify-email') });
  const cookie = await login(a, p.username, p.password);
  return { ...p, cookie };
}

/** Logs in and answers the session cookie. */
export async function login(a: App, name: string, password: string): Promise<string> {
  const res = await post(a, '/login', { login: name, password });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  return sessionCookie(res);
}

/** A staff member of a unit (by unit code), created directly as administrators will in issue 3. */
export async function staff(a: App, role: string, unitCode: string) {
  const id = randomBytes(16).toString('hex');
  const username = `staff_${randomBytes(4).toString('hex')}`;
  const password = 'Sluzhebna-parola-2026';
  const [unit] = await a.ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.code, unitCode));
  await a.ctx.db.orm.insert(users).values({ id, name: 'Служител', email: `${username}@sofia.example`, emailVerified: true, username, displayUsername: username, firstName: 'Служител', lastName: unitCode, role, unitId: unit!.id });
  await a.ctx.db.orm.insert(authAccounts).values({ id: randomBytes(16).toString('hex'), accountId: id, providerId: 'credential', userId: id, password: await hashPassword(password) });
  return { id, username, unitId: unit!.id, cookie: await login(a, username, password) };
}

/** A minimal valid PDF. */
export function pdf(text = 'Заявление'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${Buffer.from(text).toString('hex')}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** A zip of stored (uncompressed) entries, enough to make a real DOCX container. */
export function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A minimal Word document (.docx). */
export function docx(): Buffer {
  return zip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'word/document.xml': '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
  });
}
