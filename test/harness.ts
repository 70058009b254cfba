import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
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

let appPromise: Promise<App> | null = null;

/** This worker's app on its database, with job workers polling fast. */
export function testApp(): Promise<App> {
  appPromise ??= (async () => buildApp({ config: testConfig(), db: await testDb(), now: () => clock.now(), logger: false, pollSeconds: 0.5, runWorkers: true }))();
  return appPromise;
}

/** Another app instance on the same database (several instances, special settings). */
export async function extraApp(opts: Partial<AppOptions> & { config?: Config } = {}): Promise<App> {
  return buildApp({ config: opts.config ?? testConfig(), db: await testDb(), now: () => clock.now(), logger: false, pollSeconds: 0.5, runWorkers: true, ...opts });
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
