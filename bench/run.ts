/**
 * Load benchmark of the platform at city scale on PostgreSQL and/or PGlite: loads a register with
 * COPY (bench/dataset.ts), then measures the real routes against bare ceilings measured in the same
 * run on the same database, and writes docs/performance.md.
 * Usage: npm run bench -- --db=both --cases=1000000 --pglite-cases=100000 --seconds=10
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashPassword } from 'better-auth/crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp, prepareData } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, pgliteExecutor, type Database } from '../src/platform/db/index.js';
import { hashKey, seedDemoApiKey } from '../src/modules/open311/index.js';
import { OVERDUE_LOOKBACK_DAYS } from '../src/modules/deadlines/deadlines.jobs.js';
import { loadDataset, type DatasetReport } from './dataset.js';
import { sweepProbe } from './sweep.js';
import { CLIENT_TOKEN, startLoadGenerator, type LoadGenerator, type LoadResult, type LoadSpec } from './load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs', 'performance.md');
const FINDINGS_MARK = '<!-- findings -->';
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// Central Sofia around the Largo/Sveta Nedelya: 0.01° × 0.006°, about 800 m × 670 m.
const STREET_BBOX = '23.315,42.693,23.325,42.699';
const POINT = { lat: 42.6977, lon: 23.3219 };
// Over this share of failed requests a scenario measures failures, not throughput.
const MAX_ERROR_RATE = 0.01;
const OFFICER_PASSWORD = 'Bench-officer-2026';
/** On PGlite the issue allows 4× the server's latencies. */
const PGLITE_FACTOR = 4;
/** Issue 12: finding all clocks due for a reminder takes < 1 s with this many open documents. */
const SWEEP_OPEN = 100_000;
const SWEEP_TARGET_MS = 1000;

type Kind = 'pglite' | 'postgres';

/** Command-line options of the bench. */
export interface BenchOptions {
  dbs: Kind[];
  cases: number;
  pgliteCases: number;
  users: number;
  seconds: number;
  submitSeconds: number;
  warmup: number;
  connections: number;
  pgUrl: string;
}

type Baseline = 'constant' | 'select' | 'insert' | 'inbox';

/** What a scenario must reach on the server (PGlite: latencies × 4). */
interface Goal {
  p99?: number;
  /** Share of its baseline's req/s. */
  ratio?: number;
  rps?: number;
}

interface Scenario {
  name: string;
  target: 'app' | 'bare';
  method: 'GET' | 'POST';
  path?: string;
  paths?: string[];
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The status every answer must have (default 2xx). */
  expect?: number;
  seconds?: number;
  /** The bare baseline this scenario is compared with, besides the constant route. */
  vs?: Baseline;
  /** Which baseline this scenario is, when it is one. */
  is?: Baseline;
  goal?: Goal;
  /** Each request from its own client address and with its own email (see LoadSpec.perClient). */
  perClient?: boolean;
}

interface Row {
  scenario: Scenario;
  r: LoadResult;
  /**
   * The same requests paced at a steady rate: half the saturated rate for reads (latency at a
   * realistic utilisation), the target rate for submissions (sustained for --submit-seconds).
   */
  paced?: { rate: number; r: LoadResult };
  errorRate: number;
}

interface Probe {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
}

interface DbReport {
  kind: Kind;
  title: string;
  versions: string;
  dataset: DatasetReport;
  rssPeak: number;
  rows: Row[];
  probes: Probe[];
  numbering: { count: number; max: number; ok: boolean };
  failures: string[];
}

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

/** Reads argv; --db defaults to both when the server answers, else pglite. */
export async function parseOptions(argv: string[]): Promise<BenchOptions> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      cases: { type: 'string' },
      'pglite-cases': { type: 'string' },
      users: { type: 'string' },
      seconds: { type: 'string' },
      'submit-seconds': { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'pg-url': { type: 'string' },
    },
    strict: true,
  });
  const pgUrl = values['pg-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL;
  const db = values.db ?? ((await serverAnswers(pgUrl)) ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(db)) throw new Error(`--db must be pglite, postgres or both, got ${db}`);
  // The server first: PGlite's WebAssembly heap is not returned to the OS on close and would inflate the server's RSS figures.
  const dbs: Kind[] = db === 'both' ? ['postgres', 'pglite'] : [db as Kind];
  if (dbs.includes('postgres') && !(await serverAnswers(pgUrl))) throw new Error(`no PostgreSQL server answers at ${pgUrl}`);
  const seconds = Math.max(1, positiveInt('seconds', values.seconds, 10));
  return {
    dbs,
    cases: positiveInt('cases', values.cases, 1_000_000),
    pgliteCases: positiveInt('pglite-cases', values['pglite-cases'], 100_000),
    users: positiveInt('users', values.users, 50_000),
    seconds,
    submitSeconds: Math.max(1, positiveInt('submit-seconds', values['submit-seconds'], 60)),
    warmup: positiveInt('warmup', values.warmup, 1),
    connections: Math.max(1, positiveInt('connections', values.connections, 50)),
    pgUrl,
  };
}

async function serverAnswers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** A staff member of a unit with a password, logged in through the real login form: answers the session cookie. */
async function officerCookie(db: Database, origin: string, unitId: number): Promise<string> {
  const id = `bench-officer-${randomBytes(4).toString('hex')}`;
  const username = id.replace(/-/g, '_');
  await db.raw.executeSql(
    `INSERT INTO users (id, name, email, email_verified, username, display_username, first_name, last_name, role, unit_id)
     VALUES ($1, 'Служител', $2, true, $3, $3, 'Служител', 'Бенч', 'officer', $4)`,
    [id, `${username}@bench.example`, username, unitId],
  );
  await db.raw.executeSql(`INSERT INTO auth_accounts (id, account_id, provider_id, user_id, password) VALUES ($1, $2, 'credential', $2, $3)`, [
    `${id}-cred`,
    id,
    await hashPassword(OFFICER_PASSWORD),
  ]);
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    // The login form refuses a post without our Origin (login CSRF).
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ login: username, password: OFFICER_PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='));
  if (res.status !== 303 || !cookie) throw new Error(`officer login answered ${res.status}`);
  return cookie.split(';')[0]!;
}

/**
 * An export downloaded by the load generator's process while this one (the server) samples its
 * own memory: the answer's size and how much the server's process grew to send it.
 */
async function exportProbe(load: LoadGenerator, origin: string, path: string): Promise<{ features: number; bytes: number; seconds: number; rssGrowth: number; heapGrowth: number }> {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed + before.external;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
  }, 20);
  try {
    const d = await load.download(origin + path);
    if (d.status !== 200) throw new Error(`${path} answered ${d.status}`);
    return { features: d.features, bytes: d.bytes, seconds: d.seconds, rssGrowth: peakRss - before.rss, heapGrowth: peakHeap - (before.heapUsed + before.external) };
  } finally {
    clearInterval(sampler);
  }
}

/** The platform started again on the same embedded database, in its own process. */
async function secondStart(dataDir: string, load: LoadGenerator, numbers: string[], o: BenchOptions): Promise<{ readySeconds: number; rss: number; peak: number }> {
  const child = fork(fileURLToPath(new URL('./start-probe.ts', import.meta.url)), [dataDir], { execArgv: process.execArgv, stdio: 'inherit' });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`start probe exited with ${code}`)));
    });
  try {
    const ready = await next<{ origin: string; readySeconds: number }>('ready');
    // A short mixed load, so the memory figure is of a working server, not an idle one.
    const paths = numbers.slice(0, 200).map((n) => `/cases/${encodeURIComponent(n)}`);
    await load.run({ origin: ready.origin, method: 'GET', paths, connections: o.connections, seconds: 3 });
    await load.run({ origin: ready.origin, method: 'GET', path: '/api/v1/map/clusters?zoom=11', connections: o.connections, seconds: 3 });
    child.send({ type: 'rss' });
    const mem = await next<{ rss: number; peak: number }>('rss');
    return { readySeconds: ready.readySeconds, rss: mem.rss, peak: mem.peak };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
  }
}

/** Loads a fresh database, serves the app and the bare baselines on it, and loads every scenario. */
export async function benchDatabase(kind: Kind, o: BenchOptions, load: LoadGenerator): Promise<DbReport> {
  const tmp = mkdtempSync(join(os.tmpdir(), `sofia-bench-${kind}-`));
  // Undone in reverse: servers before the pools they use, pools before the database is dropped.
  const undo: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  const probes: Probe[] = [];
  const factor = kind === 'pglite' ? PGLITE_FACTOR : 1;
  let rssPeak = process.memoryUsage().rss;
  const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 500);
  let dataDir: string | null = null;
  let secondStartInput: { numbers: string[] } | null = null;
  try {
    let db: Database;
    let serverUrl: string | undefined;
    if (kind === 'pglite') {
      dataDir = join(tmp, 'data');
      db = await openDatabase({ dataDir: join(dataDir, 'pglite'), cacheDir: join(dataDir, 'cache') });
    } else {
      const admin = new pg.Client({ connectionString: o.pgUrl });
      await admin.connect();
      const name = `bench_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      undo.push(async () => {
        // Whatever is still connected here was not closed by its owner: say so before forcing it out.
        const { rows } = await admin.query(
          'SELECT application_name AS app, state, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1, 2',
          [name],
        );
        if (rows.length) log(`${kind}: still connected after close: ${rows.map((r) => `${r.n} × ${r.app || '?'} (${r.state})`).join(', ')}`);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      });
      const u = new URL(o.pgUrl);
      u.pathname = `/${name}`;
      serverUrl = u.toString();
      db = await openDatabase({ url: serverUrl });
    }
    let dbOpen = true;
    undo.push(() => (dbOpen ? db.close() : Promise.resolve()));
    const sql = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.raw.executeSql(text, values)).rows as T[];

    const [v] = await sql<{ pg: string; gis: string }>('SELECT version() AS pg, postgis_version() AS gis');
    const pgVersion = String(v!.pg).split(/ on | \(/)[0];
    const title =
      kind === 'pglite'
        ? `PGlite ${packageVersion('@electric-sql/pglite')} + pglite-postgis ${packageVersion('@electric-sql/pglite-postgis')}`
        : `PostgreSQL server (${pgVersion})`;
    const versions = `${String(v!.pg).split(', compiled by')[0]}; PostGIS ${v!.gis}`;

    await prepareData(db, { demo: false, demoSignals: 0 });
    const apiKey = await seedDemoApiKey(db);
    // The load generator stands for a whole city's Open311 clients behind one key: no hourly quota
    // (issue 11) may stop it; an administrator's page allows at most 100,000, the bench sets it directly.
    await db.raw.executeSql('UPDATE api_keys SET hourly_quota = 2000000000 WHERE key_hash = $1', [hashKey(apiKey)]);
    const n = kind === 'pglite' ? o.pgliteCases : o.cases;
    log(`${kind}: loading ${n} cases…`);
    const dataset = await loadDataset(db, { cases: n, years: 7, users: o.users, subscriptions: 2000 }, (m) => log(`${kind}: ${m}`));
    log(`${kind}: loaded ${dataset.cases} cases (+${dataset.events} events, ${dataset.files} photo records) in ${dataset.seconds.toFixed(1)} s`);

    await sql('CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, body text, at timestamptz DEFAULT now())');
    // Numbers of every age: tracking "however old" (CC-5) reads cold pages as well as hot ones.
    const numbers = (await sql<{ reg_number: string }>('SELECT reg_number FROM cases TABLESAMPLE SYSTEM (1) WHERE is_public AND NOT hidden LIMIT 1000')).map((r) => r.reg_number);
    if (numbers.length < 100) throw new Error('too few public cases to track: load more');
    const [type] = await sql<{ id: number; category_id: number; code: string }>(
      `SELECT t.id, t.category_id, t.code FROM case_types t JOIN categories c ON c.id = t.category_id
       WHERE t.fields = '[]'::jsonb AND t.active AND c.active ORDER BY t.id LIMIT 1`,
    );
    if (!type) throw new Error('no catalogue type without extra fields');
    const signal = JSON.stringify({
      kind: 'signal',
      categoryId: Number(type.category_id),
      typeId: Number(type.id),
      description: 'Дупка на пътя пред входа (натоварващ тест)',
      // Each submission its own citizen (LoadSpec.perClient): an email of its own, an address of its own.
      email: `bench.citizen.${CLIENT_TOKEN}@bench.example`,
      ...POINT,
      extra: {},
    });
    const open311Post = new URLSearchParams({
      api_key: apiKey,
      service_code: type.code,
      lat: String(POINT.lat),
      long: String(POINT.lon),
      email: `bench.client.${CLIENT_TOKEN}@bench.example`,
      description: 'Дупка на пътя пред входа (натоварващ тест през Open311)',
    }).toString();

    const config = loadConfig({ DATA_DIR: dataDir ?? tmp, LOG_LEVEL: 'silent', DEMO: '0', PUBLIC_BASE_URL: 'http://bench.local' });
    const app = await buildApp({ config, db, logger: false });
    let appOpen = true;
    undo.push(() => (appOpen ? app.close() : Promise.resolve()));
    const appOrigin = await app.app.listen({ host: '127.0.0.1', port: 0 });
    const officer = await officerCookie(db, appOrigin, dataset.busiestUnit.id);

    let insertOne: (body: string) => Promise<void>;
    const INSERT = 'INSERT INTO bench_insert (body) VALUES ($1)';
    if (kind === 'pglite') {
      const pglite = (db as unknown as { pglite: { transaction<T>(fn: (tx: never) => Promise<T>): Promise<T> } }).pglite;
      insertOne = async (body) => {
        await pglite.transaction(async (tx) => {
          await pgliteExecutor(tx).executeSql(INSERT, [body]);
        });
      };
    } else {
      const pool = new pg.Pool({ connectionString: serverUrl, max: 20 });
      pool.on('error', () => {
        // An idle client dropped by the server; the next checkout replaces it.
      });
      undo.push(() => pool.end());
      insertOne = async (body) => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query(INSERT, [body]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          c.release();
        }
      };
    }
    const bare = Fastify({ logger: false });
    bare.get('/bare', async () => ({ ok: true }));
    bare.get<{ Params: { n: string } }>('/bare-select/:n', async (req, reply) => {
      const [row] = await sql<{ id: unknown; status: string }>('SELECT id, status FROM cases WHERE reg_number = $1', [req.params.n]);
      if (!row) return reply.code(404).send({ ok: false });
      return { id: String(row.id), status: row.status };
    });
    bare.post('/bare-insert', async (req) => {
      await insertOne(JSON.stringify(req.body));
      return { ok: true };
    });
    undo.push(() => bare.close());
    const bareOrigin = await bare.listen({ host: '127.0.0.1', port: 0 });

    const enc = (prefix: string, suffix = '') => numbers.map((x) => `${prefix}${encodeURIComponent(x)}${suffix}`);
    const form = 'application/x-www-form-urlencoded';
    const scenarios: Scenario[] = [
      { name: 'bare constant', target: 'bare', method: 'GET', path: '/bare', is: 'constant' },
      { name: 'bare indexed SELECT', target: 'bare', method: 'GET', paths: enc('/bare-select/'), is: 'select' },
      { name: 'tracking JSON', target: 'app', method: 'GET', paths: enc('/api/v1/cases/'), vs: 'select', goal: { p99: 10, ratio: 0.6 } },
      { name: 'tracking form (/track → 303)', target: 'app', method: 'GET', paths: enc('/track?number='), expect: 303, vs: 'select', goal: { p99: 10, ratio: 0.6 } },
      { name: 'public signal page HTML', target: 'app', method: 'GET', paths: enc('/cases/'), vs: 'select', goal: { p99: 20 } },
      { name: 'map whole city (zoom 11)', target: 'app', method: 'GET', path: '/api/v1/map/clusters?zoom=11', vs: 'select', goal: { p99: 50 } },
      { name: 'map street level (zoom 17)', target: 'app', method: 'GET', path: `/api/v1/map/clusters?zoom=17&bbox=${STREET_BBOX}`, vs: 'select', goal: { p99: 50 } },
      { name: `unit inbox, first page (${dataset.busiestUnit.open.toLocaleString('en')} open)`, target: 'app', method: 'GET', path: '/staff', headers: { cookie: officer }, vs: 'select', is: 'inbox', goal: { p99: 30 } },
      // Issue 12: sorted by due date and filtered to overdue, within 1.2× of the inbox above (≥ 0.83 × its req/s).
      { name: 'unit inbox, due soonest, overdue only', target: 'app', method: 'GET', path: '/staff?sort=due&due=overdue', headers: { cookie: officer }, vs: 'inbox', goal: { p99: 36, ratio: 0.83 } },
      { name: 'public overview page', target: 'app', method: 'GET', path: '/overview', vs: 'select', goal: { p99: 100 } },
      { name: 'bare INSERT in a transaction', target: 'bare', method: 'POST', path: '/bare-insert', body: signal, is: 'insert', perClient: true },
      { name: 'submit signal (POST JSON)', target: 'app', method: 'POST', path: '/api/v1/cases', body: signal, vs: 'insert', goal: { rps: 500, p99: 100, ratio: 0.5 }, perClient: true },
      { name: 'submit signal (Open311 POST)', target: 'app', method: 'POST', path: '/open311/v2/requests.json', body: open311Post, contentType: form, vs: 'insert', goal: { rps: 500, p99: 100, ratio: 0.5 }, perClient: true },
      { name: 'Open311 GET requests.json (1,000)', target: 'app', method: 'GET', path: '/open311/v2/requests.json', vs: 'select', goal: { p99: 200 } },
      { name: 'Open311 GET requests.xml (1,000)', target: 'app', method: 'GET', path: '/open311/v2/requests.xml', vs: 'select', goal: { p99: 200 } },
    ];

    const rows: Row[] = [];
    for (const s of scenarios) {
      const origin = s.target === 'app' ? appOrigin : bareOrigin;
      await preflight(origin, s);
      const spec: LoadSpec = {
        origin,
        method: s.method,
        path: s.path,
        paths: s.paths,
        body: s.body,
        contentType: s.contentType,
        headers: s.headers,
        perClient: s.perClient,
        connections: o.connections,
        seconds: s.seconds ?? o.seconds,
      };
      // A short unreported run first, so that JIT, plan caches and buffers are warm for every scenario alike.
      if (o.warmup > 0) await load.run({ ...spec, seconds: o.warmup });
      const r = await load.run(spec);
      const bad = (x: LoadResult) => x.errors + Object.entries(x.statuses).reduce((sum, [code, c]) => sum + (s.expect ? (Number(code) === s.expect ? 0 : c) : code.startsWith('2') ? 0 : c), 0);
      const errorRate = bad(r) / Math.max(1, r.sent);
      // At saturation a closed loop's latency is only connections ÷ throughput: reads run again paced
      // at half the rate they reached, submissions at the target rate for the sustained period.
      // A submission target the saturated run did not reach cannot be sustained either: its latency is
      // then measured at 80 % of what it reached, the most it can take without a growing backlog.
      const rate = s.goal?.rps
        ? r.rps >= s.goal.rps
          ? s.goal.rps
          : Math.floor(r.rps * 0.8)
        : s.method === 'GET' && s.goal?.p99 && r.rps > 2
          ? Math.floor(r.rps / 2)
          : 0;
      const paced = rate ? { rate, r: await load.run({ ...spec, rate, seconds: s.goal?.rps ? o.submitSeconds : spec.seconds }) } : undefined;
      rows.push({ scenario: s, r, paced, errorRate });
      log(
        `${kind}: ${s.name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${paced ? `; paced at ${rate}/s: ${Math.round(paced.r.rps)}/s done, p50 ${paced.r.p50} ms, p99 ${paced.r.p99} ms, errors ${paced.r.errors}` : ''}, errors ${r.errors}, ${JSON.stringify(r.statuses)}`,
      );
      if (paced && bad(paced.r) / Math.max(1, paced.r.sent) > MAX_ERROR_RATE) failures.push(`${kind}: ${s.name} at ${rate}/s: ${bad(paced.r)} of ${paced.r.sent} requests failed`);
      if (errorRate > MAX_ERROR_RATE) failures.push(`${kind}: ${s.name}: ${(errorRate * 100).toFixed(1)} % of requests failed`);
    }

    const [sinceRow] = await sql<{ since: string }>(
      `SELECT to_char(registered_at AT TIME ZONE 'Europe/Sofia', 'YYYY-MM-DD') AS since FROM cases
       WHERE kind = 'signal' AND is_public AND NOT hidden ORDER BY registered_at DESC OFFSET 99999 LIMIT 1`,
    );
    // After the submissions: the 100,000 newest signals. A register smaller than the export's 100,000 is exported whole.
    const since = sinceRow?.since ?? '2000-01-01';
    const exp = await exportProbe(load, appOrigin, `/exports/signals.geojson?from=${since}`);
    log(`${kind}: GeoJSON export: ${exp.features} features, ${mb(exp.bytes)} in ${exp.seconds.toFixed(1)} s, RSS +${mb(exp.rssGrowth)}, JS heap + external +${mb(exp.heapGrowth)}`);
    probes.push({
      name: `GeoJSON export of ${exp.features.toLocaleString('en')} signals (${mb(exp.bytes)})`,
      value: `${exp.seconds.toFixed(1)} s; server process RSS +${mb(exp.rssGrowth)} (JS heap and buffers +${mb(exp.heapGrowth)})`,
      target: 'streams; memory grows < 100 MB',
      met: exp.rssGrowth < 100 * 1024 * 1024,
    });

    const sweep = await sweepProbe(db, serverUrl, kind === 'postgres' ? SWEEP_OPEN : 0);
    log(
      `${kind}: reminder sweep: ${sweep.found} clocks found among ${sweep.running} running (${sweep.open} open documents${sweep.reopened ? `, ${sweep.reopened} of them reopened for the measurement` : ''}) in ${sweep.ms.toFixed(1)} ms (max ${sweep.maxMs.toFixed(1)}); index ${sweep.indexUsed ? 'used' : 'NOT used'}`,
    );
    probes.push({
      name: `finding all clocks due for a reminder (the sweep's query: running clocks of open documents overdue within ${OVERDUE_LOOKBACK_DAYS} days, due today or within 2 working days, without that step recorded) with ${sweep.open.toLocaleString('en')} open documents and ${sweep.running.toLocaleString('en')} running clocks${sweep.reopened ? ` (${sweep.reopened.toLocaleString('en')} closed ones reopened for it in a transaction rolled back after)` : ''}`,
      value: `${sweep.found.toLocaleString('en')} found in ${sweep.ms.toFixed(1)} ms (median of 5; max ${sweep.maxMs.toFixed(1)} ms); ${sweep.indexUsed ? 'a range scan of case_clocks_running_due_idx' : '**case_clocks_running_due_idx not used**'}`,
      target: kind === 'postgres' ? `< 1 s with ${SWEEP_OPEN.toLocaleString('en')} open documents` : '< 1 s',
      met: sweep.maxMs < SWEEP_TARGET_MS && sweep.indexUsed && (kind !== 'postgres' || sweep.open >= SWEEP_OPEN),
    });

    const year = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Sofia', year: 'numeric' }).format(new Date());
    const [gap] = await sql<{ count: number; max: number }>("SELECT count(*)::int AS count, max(reg_seq)::int AS max FROM cases WHERE register_code = 'КЦ01' AND reg_year = $1", [Number(year)]);
    const numbering = { count: Number(gap!.count), max: Number(gap!.max), ok: Number(gap!.count) === Number(gap!.max) };
    if (!numbering.ok) failures.push(`${kind}: ${numbering.count} signals of ${year} but the last number is ${numbering.max}: the register has gaps`);
    secondStartInput = { numbers };

    await app.close();
    appOpen = false;
    if (kind === 'pglite') {
      await db.close();
      dbOpen = false;
      const s = await secondStart(dataDir!, load, secondStartInput.numbers, o);
      log(`${kind}: second start ready in ${s.readySeconds.toFixed(1)} s; RSS ${mb(s.rss)} (peak ${mb(s.peak)}) after a short load`);
      probes.push({ name: 'second start of `npm start` on this database', value: `${s.readySeconds.toFixed(1)} s to answer /health`, target: '≤ 4 s', met: s.readySeconds <= 4 });
      probes.push({ name: 'resident memory of that server after 6 s of load', value: `${mb(s.rss)} (peak ${mb(s.peak)})`, target: '≤ 1.2 GB', met: s.peak <= 1.2 * 1024 ** 3 });
    }
    for (const r of rows) {
      const g = r.scenario.goal;
      if (g?.p99) r.scenario.goal = { ...g, p99: g.p99 * factor };
    }
    return { kind, title, versions, dataset, rssPeak, rows, probes, numbering, failures };
  } finally {
    clearInterval(rssSampler);
    for (const fn of undo.reverse()) {
      await fn().catch((err: unknown) => log(`${kind}: cleanup: ${err instanceof Error ? err.message : String(err)}`));
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One request before the load, so a broken route stops the bench with its answer rather than as a column of errors. */
async function preflight(origin: string, s: Scenario): Promise<void> {
  const path = s.paths ? s.paths[0]! : s.path!;
  const res = await fetch(origin + path, {
    method: s.method,
    body: s.perClient ? s.body?.split(CLIENT_TOKEN).join('preflight') : s.body,
    redirect: 'manual',
    headers: { ...(s.body ? { 'content-type': s.contentType ?? 'application/json' } : {}), ...(s.headers ?? {}), ...(s.perClient ? { 'x-forwarded-for': '192.0.2.1' } : {}) },
  });
  const text = await res.text();
  const ok = s.expect ? res.status === s.expect : res.ok;
  if (!ok) throw new Error(`${s.name}: ${s.method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
}

function baselineOf(rows: Row[], b: Baseline): number | undefined {
  return rows.find((x) => x.scenario.is === b)?.r.rps;
}

function ratioOf(rows: Row[], row: Row): number | undefined {
  const base = row.scenario.vs ? baselineOf(rows, row.scenario.vs) : undefined;
  return base ? row.r.rps / base : undefined;
}

function ratioText(rows: Row[], row: Row): string {
  const s = row.scenario;
  if (s.is === 'constant') return '1.00 (reference)';
  const parts: string[] = [];
  const label: Record<Baseline, string> = { constant: 'constant', select: 'bare SELECT', insert: 'bare INSERT', inbox: 'inbox' };
  const ratio = ratioOf(rows, row);
  if (ratio !== undefined) parts.push(`${ratio.toFixed(2)} × ${label[s.vs!]}`);
  const c = baselineOf(rows, 'constant');
  if (c) parts.push(`${(row.r.rps / c).toFixed(2)} × ${label.constant}`);
  return parts.join('; ');
}

function errorsText(r: LoadResult, expect?: number): string {
  const odd = Object.entries(r.statuses)
    .filter(([code]) => (expect ? Number(code) !== expect : !code.startsWith('2')))
    .map(([code, n]) => `${code}×${n}`);
  // autocannon counts a timeout as an error too; naming them tells a slow path from a broken one.
  const errors = r.timeouts ? `${r.errors} (${r.timeouts} timeouts)` : String(r.errors);
  return `${errors}${odd.length ? ` (${odd.join(', ')})` : ''}`;
}

function goalText(g: Goal | undefined): string {
  if (!g) return '';
  const parts: string[] = [];
  if (g.rps) parts.push(`≥ ${g.rps}/s`);
  if (g.p99) parts.push(`p99 ≤ ${g.p99} ms`);
  if (g.ratio) parts.push(`≥ ${g.ratio} × base`);
  return parts.join(', ');
}

/** Whether each part of the goal was met: rates and submissions' latency paced at the target, reads' latency at saturation and paced. */
function metText(rows: Row[], row: Row): string {
  const g = row.scenario.goal;
  if (!g) return '';
  const out: string[] = [];
  // A sustained rate is met when the paced run kept up (98 % of the requests done in the period) without errors.
  if (g.rps) out.push(row.paced && row.paced.rate >= g.rps && row.paced.r.rps >= 0.98 * g.rps && row.paced.r.errors === 0 ? 'rate ✅' : 'rate ❌');
  if (g.p99) {
    // Submissions are judged at their target rate only; reads also at saturation.
    if (!g.rps) out.push(`p99 ${row.r.p99 <= g.p99 ? '✅' : '❌'}`);
    if (row.paced) out.push(`paced p99 ${row.paced.r.p99 <= g.p99 ? '✅' : '❌'}`);
  }
  if (g.ratio) {
    const ratio = ratioOf(rows, row);
    if (ratio !== undefined) out.push(ratio >= g.ratio ? 'ratio ✅' : 'ratio ❌');
  }
  return out.join(' · ');
}

function tableCells(rep: DbReport): string[][] {
  return rep.rows.map((row) => [
    row.scenario.name,
    Math.round(row.r.rps).toString(),
    String(row.r.p50),
    String(row.r.p99),
    row.paced ? `${row.paced.r.p50} / ${row.paced.r.p99} @ ${row.paced.rate}/s${row.paced.r.lateP99 ? ` (sender late ≤ ${row.paced.r.lateP99})` : ''}` : '',
    errorsText(row.r, row.scenario.expect),
    ratioText(rep.rows, row),
    goalText(row.scenario.goal),
    metText(rep.rows, row),
  ]);
}

const HEAD = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'paced: p50 / p99 ms', 'errors', 'ratio', 'target', 'met'];

function markdownTable(rep: DbReport): string {
  const lines = [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---:|---:|---:|---|---|---|'];
  for (const c of tableCells(rep)) lines.push(`| ${c.join(' | ')} |`);
  return lines.join('\n');
}

function textTable(rep: DbReport): string {
  const all = [HEAD, ...tableCells(rep)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [fmt(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

function dataLine(d: DatasetReport): string {
  return (
    `${d.cases.toLocaleString('en')} cases over 7 years (${d.open.toLocaleString('en')} open; +${d.events.toLocaleString('en')} history events, ${d.files.toLocaleString('en')} photo records, ` +
    `${d.clocks.toLocaleString('en')} legal clocks of which ${d.runningClocks.toLocaleString('en')} running, ` +
    `${d.users.toLocaleString('en')} users, ${d.subscriptions.toLocaleString('en')} subscriptions) loaded with COPY in ${d.seconds.toFixed(1)} s ` +
    `(${Object.entries(d.phases)
      .map(([k, v]) => `${k}: ${v.toFixed(1)} s`)
      .join('; ')})`
  );
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ${os.type()} ${os.release()}`;
}

function renderDoc(reports: DbReport[], o: BenchOptions, existing: string | null): string {
  const date = new Date().toISOString();
  const parts = [
    '# Performance',
    '',
    'Measured by `bench/run.ts`. Run it with',
    '',
    '```sh',
    'npm run bench                       # both databases: 1,000,000 cases on the server, 100,000 on PGlite',
    'npm run bench -- --db=pglite --pglite-cases=100000 --seconds=10',
    '```',
    '',
    'Options: `--db=pglite|postgres|both` (default both when the server at `--pg-url`, default',
    `\`${DEFAULT_PG_URL}\`, answers, else pglite), \`--cases=N\` (server, default 1,000,000), \`--pglite-cases=N\``,
    '(default 100,000), `--users=N` (default 50,000), `--seconds=S` per scenario (default 10), `--submit-seconds=S`',
    'of the paced submission runs (default 60), `--warmup=S` unreported warm-up per scenario (default 1), `--connections=C`',
    '(default 50). The run replaces everything above the findings marker.',
    '',
    'Each database is fresh (PGlite in a temporary directory; on the server a `bench_<pid>` database that is dropped',
    'afterwards), loaded by `bench/dataset.ts` with COPY: cases over 7 years in registration order (gap-free numbers per',
    'register and year, bursts of a week at 4×), types drawn by the real Call Sofia catalogue weights, points from PostGIS',
    'inside Sofia’s neighbourhoods, ~5 history events each, 20 % with 1–3 photo records, a backlog that is mostly recent,',
    'their legal clocks as the deadline engine computes them from the seeded policies (moved back to the register’s first',
    'day) and the history, `cases.due_at` set, registered users and subscriptions; then `VACUUM ANALYZE`. The unit inbox',
    'sorted by due date and filtered to overdue is compared with the default inbox of the same run; the reminder sweep’s',
    'query is timed on its own (on the server with at least 100,000 open documents: closed ones are reopened for it in a',
    'transaction that is rolled back). The real app (`buildApp`) and a bare Fastify app without',
    'plugins run in one process on that database; autocannon fires from a child process, so load generator, app and',
    '(for the server) PostgreSQL share the machine’s two cores. Tracking, page and bare SELECT requests pick one of 1,000',
    'numbers of every age at random per request. Every scenario runs first at saturation (50 connections, as fast as',
    'answered: req/s, p50, p99, ratios). At saturation a closed loop’s latency is only connections ÷ throughput, so each',
    'scenario with a latency target runs again **paced** by the bench’s own open-loop generator over up to 50 kept-alive',
    'connections, each request timed from when it was handed to the sockets (waiting for a free one counts); how late the',
    'generator itself sent (its timers and GC on the shared cores) is shown apart as “sender late ≤ p99 ms”. Reads are',
    'paced at half the rate they reached; submissions at the target 500/s when the saturated run reached it, otherwise at',
    '80 % of what they reached. Ratios are req/s divided by the baseline’s req/s, measured in the same run.',
    'PGlite targets are 4× the server’s latencies.',
    '',
    `## Latest run (${date})`,
    '',
    `- Machine: ${machine()}`,
    `- Node ${process.version}; ${o.connections} connections; ${o.seconds} s per scenario after ${o.warmup} s warm-up, ${o.submitSeconds} s per paced submission run`,
  ];
  for (const rep of reports) {
    parts.push(
      '',
      `### ${rep.title}`,
      '',
      `- Database: ${rep.versions}`,
      `- Data: ${dataLine(rep.dataset)}`,
      `- Bench process RSS peak (app + bare app${rep.kind === 'pglite' ? ' + PGlite' : ''} + the loader): ${mb(rep.rssPeak)}`,
      `- Numbering: ${rep.numbering.count.toLocaleString('en')} signals this year, last number ${rep.numbering.max.toLocaleString('en')} — ${rep.numbering.ok ? 'gap-free' : '**gaps**'}`,
      '',
      markdownTable(rep),
      '',
      ...rep.probes.map((p) => `- ${p.name}: ${p.value} (target ${p.target}) ${p.met === null ? '' : p.met ? '✅' : '❌'}`),
    );
    if (rep.failures.length) parts.push('', ...rep.failures.map((f) => `- **Failed:** ${f}`));
  }
  const at = existing?.indexOf(FINDINGS_MARK) ?? -1;
  const tail = at >= 0 ? existing!.slice(at) : `${FINDINGS_MARK}\n\n## Findings\n`;
  return `${parts.join('\n')}\n\n${tail}`;
}

async function main(): Promise<number> {
  const o = await parseOptions(process.argv.slice(2));
  log(`databases: ${o.dbs.join(', ')}; cases ${o.cases} (PGlite ${o.pgliteCases}); ${o.seconds} s × ${o.connections} connections`);
  const load = startLoadGenerator();
  const reports: DbReport[] = [];
  try {
    for (const kind of o.dbs) reports.push(await benchDatabase(kind, o, load));
  } finally {
    await load.close();
  }
  for (const rep of reports) {
    process.stdout.write(`\n${rep.title} — ${dataLine(rep.dataset)}\n`);
    process.stdout.write(`numbering ${rep.numbering.ok ? 'gap-free' : 'HAS GAPS'} (${rep.numbering.count}/${rep.numbering.max})\n\n`);
    process.stdout.write(`${textTable(rep)}\n`);
    for (const p of rep.probes) process.stdout.write(`${p.name}: ${p.value} (target ${p.target}) ${p.met ? 'met' : 'MISSED'}\n`);
  }
  if (process.env.BENCH_NO_DOC !== '1') {
    mkdirSync(dirname(DOC), { recursive: true });
    writeFileSync(DOC, renderDoc(reports, o, existsSync(DOC) ? readFileSync(DOC, 'utf8') : null));
    log(`wrote ${DOC}`);
  }
  const failures = reports.flatMap((r) => r.failures);
  for (const f of failures) process.stderr.write(`FAILED ${f}\n`);
  return failures.length ? 1 : 0;
}

main().then(
  // pg-boss and pool timers may linger after close; the bench's answer is its exit code.
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
