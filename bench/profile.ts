/**
 * One scenario of the bench against an already loaded server database, for a CPU profile of the
 * app under the same 50-connection load: the findings in docs/performance.md come from it.
 * Usage: BENCH_DATABASE_URL=postgres://…/db node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts <json|html|overview|o311|o311x|city|home|submit> [seconds]
 */
import { openDatabase } from '../src/platform/db/index.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { CLIENT_TOKEN, startLoadGenerator } from './load.js';
const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL must name a database loaded by the bench (see bench/dataset.ts)');
const db = await openDatabase({ url });
const config = loadConfig({ DATA_DIR: '/tmp/sofia-profile', LOG_LEVEL: 'silent', DEMO: '0', DATABASE_URL: url });
const app = await buildApp({ config, db, logger: false });
const origin = await app.app.listen({ host: '127.0.0.1', port: 0 });
const { rows } = await db.raw.executeSql('SELECT reg_number FROM cases TABLESAMPLE SYSTEM (1) WHERE is_public AND NOT hidden LIMIT 1000', []);
const which = process.argv[2] ?? 'json';
const fixed: Record<string, string> = { overview: '/overview', o311: '/open311/v2/requests.json', o311x: '/open311/v2/requests.xml', city: '/api/v1/map/clusters?zoom=11', home: '/' };
const paths = fixed[which] ? [fixed[which]] : rows.map((r) => (which === 'json' ? '/api/v1/cases/' : '/cases/') + encodeURIComponent(r.reg_number));
const load = startLoadGenerator();
if (which === 'inbox') {
  const { hashPassword } = await import('better-auth/crypto');
  const { rows: [u] } = await db.raw.executeSql("SELECT unit_id, count(*)::int AS n FROM cases WHERE closed_at IS NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1", []);
  const id = `prof_officer_${Date.now()}`;
  await db.raw.executeSql("INSERT INTO users (id, name, email, email_verified, username, display_username, role, unit_id) VALUES ($1, 'П', $2, true, $1, $1, 'officer', $3)", [id, `${id}@x.bg`, u.unit_id]);
  await db.raw.executeSql("INSERT INTO auth_accounts (id, account_id, provider_id, user_id, password) VALUES ($1, $2, 'credential', $2, $3)", [`${id}-c`, id, await hashPassword('Profile-pass-2026')]);
  const res = await fetch(`${origin}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams({ login: id, password: 'Profile-pass-2026' }) });
  if (res.status !== 303) throw new Error(`login ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
  await load.run({ origin, method: 'GET', path: '/staff', headers: { cookie }, connections: 50, seconds: 2 });
  const r = await load.run({ origin, method: 'GET', path: '/staff', headers: { cookie }, connections: 50, seconds: Number(process.argv[3] ?? 10) });
  console.log(which, Math.round(r.rps), 'req/s p50', r.p50, 'p99', r.p99, r.statuses, `unit with ${u.n} open`);
  await load.close(); await app.close(); await db.close(); process.exit(0);
}
if (which === 'submit') {
  const { rows: t } = await db.raw.executeSql("SELECT t.id, t.category_id FROM case_types t WHERE t.fields='[]'::jsonb AND t.active ORDER BY t.id LIMIT 1", []);
  // Each request its own citizen (address and email), as the submission limits of issue 11 expect.
  const body = JSON.stringify({ kind: 'signal', categoryId: t[0].category_id, typeId: t[0].id, description: 'Дупка на пътя (профил)', lat: 42.6977, lon: 23.3219, email: `p.${CLIENT_TOKEN}@bench.example`, extra: {} });
  await load.run({ origin, method: 'POST', path: '/api/v1/cases', body, connections: 50, seconds: 2, perClient: true });
  const r = await load.run({ origin, method: 'POST', path: '/api/v1/cases', body, connections: 50, seconds: Number(process.argv[3] ?? 10), perClient: true });
  console.log(which, Math.round(r.rps), 'req/s p50', r.p50, 'p99', r.p99, r.statuses);
  await load.close(); await app.close(); await db.close(); process.exit(0);
}
await load.run({ origin, method: 'GET', paths, connections: 50, seconds: 2 });
const r = await load.run({ origin, method: 'GET', paths, connections: 50, seconds: Number(process.argv[3] ?? 10) });
console.log(which, Math.round(r.rps), 'req/s p50', r.p50, 'p99', r.p99, r.statuses);
await load.close();
await app.close(); await db.close();
process.exit(0);
