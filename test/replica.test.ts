import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../src/app.js';
import { openDatabase, type Database } from '../src/platform/db/index.js';
import { extraApp, testApp, testConfig, testDbUrl } from './harness.js';
import { signalBody, types } from './factories.js';

const server = !!process.env.TEST_DATABASE_URL;
if (!server) console.warn('SKIPPED: replica tests — they need a PostgreSQL server (TEST_DATABASE_URL); the embedded database has no replicas');

// No replica runs beside the test server: a read-only session on the same database stands in for
// one. What it proves is what matters for a real replica: the routes sent there never write.
describe.skipIf(!server)('read-only public routes on a replica (DATABASE_READ_URL)', () => {
  let primary: App;
  let app: App;
  let db: Database;

  beforeAll(async () => {
    primary = await testApp();
    const url = new URL((await testDbUrl())!);
    const readOnly = new URL(url);
    readOnly.searchParams.set('options', '-c default_transaction_read_only=on');
    db = await openDatabase({ url: url.toString(), readUrl: readOnly.toString(), poolMax: 4 });
    app = await extraApp({ db, config: testConfig({ jobsSchema: 'pgboss_replica' }), runWorkers: false });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  test('the read connection really refuses writes', async () => {
    await expect(db.read.execute(sql.raw('CREATE TABLE replica_probe (x int)'))).rejects.toMatchObject({ cause: { message: expect.stringMatching(/read-only transaction/) } });
    // …while the primary of the same instance writes.
    expect((await db.orm.execute(sql.raw('SELECT 1 AS one'))).rows).toHaveLength(1);
  });

  test('map, list, overview, exports, feeds, Open311 reads and the directory answer from it; submitting and tracking use the primary', async () => {
    const { plain } = await types(primary);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { description: 'Сигнал през инстанция с реплика' }) });
    expect(res.statusCode).toBe(201);
    const number = res.json().number as string;
    // Read back at once: tracking and Open311 by number go to the primary, never behind a replica's lag.
    expect((await app.app.inject({ url: `/api/v1/cases/${encodeURIComponent(number)}` })).statusCode).toBe(200);
    expect((await app.app.inject({ url: `/open311/v2/requests/${encodeURIComponent(number)}.json` })).statusCode).toBe(200);
    for (const url of [
      '/api/v1/map/clusters?zoom=11',
      '/api/v1/map/clusters?zoom=17&bbox=23.31,42.68,23.33,42.70',
      '/api/v1/signals',
      '/',
      '/overview',
      '/api/v1/overview',
      '/exports/signals.geojson',
      '/exports/signals.csv',
      '/feeds/signals.atom',
      '/open311/v2/services.json',
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      '/open311/v2/servicerequestupdates.json',
      '/directory',
      '/api/v1/directory?q=район',
    ]) {
      const r = await app.app.inject({ url });
      expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBe(200);
    }
  });
});
