import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../src/app.js';
import { openDatabase, type Database } from '../src/platform/db/index.js';
import { baseUrl, extraApp, testApp, testConfig, testDbUrl } from './harness.js';
import { signalBody, types } from './factories.js';
import { citizen, ip } from './accounts.factories.js';

describe('two app instances on one database', () => {
  let a: App;
  let b: App;
  let bDb: Database | null = null;
  const urls: string[] = [];

  beforeAll(async () => {
    a = await testApp();
    const url = await testDbUrl();
    // On a server the second instance has its own connection pool, as a second process would;
    // the embedded database lives in one process, so there it shares it.
    if (url) bDb = await openDatabase({ url, poolMax: 10 });
    b = bDb ? await extraApp({ db: bDb, config: testConfig({ jobsSchema: 'pgboss_b' }) }) : await extraApp({ config: testConfig({ jobsSchema: 'pgboss_b' }) });
    for (const app of [a, b]) urls.push(await baseUrl(app));
  });
  afterAll(async () => {
    await b?.close();
    await bDb?.close();
  });

  test('submissions sent to both over HTTP get unique, gap-free numbers', async () => {
    const { plain } = await types(a);
    const body = JSON.stringify(signalBody(plain));
    const res = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        // Each from its own client address (through the loopback proxy's X-Forwarded-For): not a test of the per-address limit.
        fetch(`${urls[i % 2]}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip() }, body }).then(async (r) => ({ status: r.status, body: await r.json() })),
      ),
    );
    expect(res.every((r) => r.status === 201)).toBe(true);
    const seqs = res.map((r) => Number(String(r.body.number).split('-')[2])).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(120);
    expect(seqs.at(-1)! - seqs[0]!).toBe(119);
    // Each instance sees what the other registered.
    const n = res[1]!.body.number as string;
    const seen = await fetch(`${urls[0]}/api/v1/cases/${encodeURIComponent(n)}`);
    expect(seen.status).toBe(200);
  });

  test('a session created on one instance is valid on the other, and logging out on one ends it on both', async () => {
    const p = await citizen(a);
    // As a browser on our own page: its Origin is ours (the CSRF check refuses others).
    const login = await fetch(`${urls[0]}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: urls[0]! }, body: new URLSearchParams({ login: p.username, password: p.password }) });
    expect(login.status).toBe(303);
    const cookie = login.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
    const onB = await fetch(`${urls[1]}/api/v1/me`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect((await onB.json()).username).toBe(p.username);
    await fetch(`${urls[1]}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: urls[1]! } });
    expect((await fetch(`${urls[0]}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
  });
});
