import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp, type App, type AppOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/platform/db/index.js';

/** A clock tests can set; the app reads time only through it. */
export const clock = {
  fixed: null as Date | null,
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  },
  set(d: Date | null) {
    this.fixed = d;
  },
};

let dbPromise: Promise<Database> | null = null;
let workerUrl: string | null = null;

/** On PostgreSQL: this worker's database URL, for a second instance with its own pool. */
export async function testDbUrl(): Promise<string | null> {
  await testDb();
  return workerUrl;
}

/** This worker's database: a copy of the template with migrations and reference data. */
export function testDb(): Promise<Database> {
  dbPromise ??= (async () => {
    if (inject('backend') === 'pglite') {
      const blob = new Blob([readFileSync(inject('templateFile'))]);
      return openDatabase({ loadDataDir: blob });
    }
    const url = inject('serverUrl');
    const name = `sofia_w_${process.ppid}_${process.env.VITEST_POOL_ID ?? process.pid}_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    workerUrl = u.toString();
    return openDatabase({ url: workerUrl, poolMax: 20 });
  })();
  return dbPromise;
}

/** The settings tests run with: a temporary data folder, no demo data, a fixed public address. */
export function testConfig(over: Partial<Config> = {}): Config {
  return loadConfig(
    { DATA_DIR: mkdtempSync(join(tmpdir(), 'sofia-data-')), LOG_LEVEL: 'silent', DEMO: '0', PUBLIC_BASE_URL: 'http://sofia.test' },
    over,
  );
}

const rawInjects = new WeakMap<FastifyInstance, FastifyInstance['inject']>();

/**
 * Makes app.inject behave like a browser on our own pages: real browsers send Sec-Fetch-Site on
 * every request, so a request that names neither Origin nor Sec-Fetch-Site gets
 * `sec-fetch-site: same-origin` (the CSRF check accepts it). Tests of cross-site requests send
 * their own headers, or use rawInject.
 */
function sameOriginByDefault(a: App): App {
  const raw = a.app.inject.bind(a.app) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  rawInjects.set(a.app, raw as FastifyInstance['inject']);
  const wrapped = (opts: InjectOptions | string) => {
    const o: InjectOptions = typeof opts === 'string' ? { url: opts } : { ...opts };
    const headers = { ...(o.headers ?? {}) } as Record<string, string>;
    const names = Object.keys(headers).map((k) => k.toLowerCase());
    if (!names.includes('origin') && !names.includes('sec-fetch-site')) headers['sec-fetch-site'] = 'same-origin';
    return raw({ ...o, headers });
  };
  a.app.inject = wrapped as FastifyInstance['inject'];
  return a;
}

/** app.inject exactly as given, with no browser headers added (API clients, cross-site requests). */
export function rawInject(a: App, opts: InjectOptions): Promise<LightMyRequestResponse> {
  const raw = (rawInjects.get(a.app) ?? a.app.inject.bind(a.app)) as (o: InjectOptions) => Promise<LightMyRequestResponse>;
  return raw(opts);
}

let appPromise: Promise<App> | null = null;

/**
 * This worker's app on its database, with job workers polling fast. It runs in demo mode on the
 * embedded database as far as the development mailbox is concerned; no demo data is loaded (the
 * template database is prepared once per run).
 */
export function testApp(): Promise<App> {
  appPromise ??= (async () =>
    sameOriginByDefault(await buildApp({ config: testConfig({ demo: true }), db: await testDb(), now: () => clock.now(), logger: false, pollSeconds: 0.5, runWorkers: true, prepare: false })))();
  return appPromise;
}

/** Another app instance on the same database (several instances, special settings). */
export async function extraApp(opts: Partial<AppOptions> & { config?: Config } = {}): Promise<App> {
  return sameOriginByDefault(
    await buildApp({ config: opts.config ?? testConfig(), db: await testDb(), now: () => clock.now(), logger: false, pollSeconds: 0.5, runWorkers: true, prepare: false, ...opts }),
  );
}

/** Waits until `check` returns a truthy value, polling; fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, ms = 20_000, step = 200): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, step));
  }
}

/** The app's address on loopback, listening on first use (files of one worker share the app). */
export async function baseUrl(app: App): Promise<string> {
  if (app.app.server.listening) return `http://127.0.0.1:${(app.app.server.address() as { port: number }).port}`;
  return app.app.listen({ port: 0, host: '127.0.0.1' });
}

/**
 * Sets a session setting on every connection of this worker's database, as `ALTER DATABASE … SET`
 * would for new ones (PGlite has one session; a server pool many): the database's clock offset
 * (`sofia.clock_offset`) or its TimeZone. `null` restores the default.
 */
export async function sessionSetting(name: 'sofia.clock_offset' | 'TimeZone', value: string | null): Promise<void> {
  const db = await testDb();
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
  // Restoring is an explicit SET of the value before any change, never RESET: RESET goes back to
  // the session's default, which for a connection opened while ALTER DATABASE … SET was in force is
  // the changed value itself (a moved database clock leaked into later tests that way).
  const original = (originals[name] ??= String(((await db.raw.executeSql(`SELECT current_setting('${name}', true) AS v`, [])).rows[0] as { v: string | null }).v ?? ''));
  const set = `SET ${name} = ${quote(value ?? original)}`;
  if (db.kind === 'pglite') {
    await db.raw.executeSql(set, []);
    return;
  }
  const pool = (db as unknown as { pool: pg.Pool }).pool;
  const { rows } = await pool.query('SELECT current_database() AS d');
  await pool.query(value === null ? `ALTER DATABASE ${rows[0].d} RESET ${name}` : `ALTER DATABASE ${rows[0].d} SET ${name} = ${quote(value)}`);
  // Every pooled connection, each held at once so that none is handed out twice.
  const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query(set)));
  } finally {
    for (const c of clients) c.release();
  }
}
const originals: Partial<Record<string, string>> = {};

/** Moves the database's clock so that it reads `at` now (null: the real time again). */
export async function setDatabaseClock(at: Date | null): Promise<void> {
  await sessionSetting('sofia.clock_offset', at === null ? null : `${at.getTime() - Date.now()} milliseconds`);
}
