/**
 * Load benchmark of the platform on PGlite and/or PostgreSQL: seeds a realistic register, then
 * measures the public read and write paths against bare baselines on the same database and
 * writes docs/performance.md. Usage: npm run bench -- --db=both --signals=100000 --seconds=10
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp, prepareData } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, pgliteExecutor, type Database } from '../src/platform/db/index.js';
import { seedDemoCases } from '../src/modules/cases/index.js';
import { startLoadGenerator, type LoadGenerator, type LoadResult, type LoadSpec } from './load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs', 'performance.md');
const FINDINGS_MARK = '<!-- findings -->';
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// Central Sofia around the Largo/Sveta Nedelya: 0.01° × 0.006°, about 800 m × 670 m.
const STREET_BBOX = '23.315,42.693,23.325,42.699';
const POINT = { lat: 42.6977, lon: 23.3219 };
// Over this share of failed requests a scenario measures failures, not throughput.
const MAX_ERROR_RATE = 0.01;

type Kind = 'pglite' | 'postgres';

/** Command-line options of the bench. */
export interface BenchOptions {
  dbs: Kind[];
  signals: number;
  pgliteSignals: number;
  seconds: number;
  warmup: number;
  connections: number;
  pgUrl: string;
}

type Baseline = 'constant' | 'select' | 'insert';

interface Scenario {
  name: string;
  target: 'app' | 'bare';
  method: 'GET' | 'POST';
  path?: string;
  paths?: string[];
  body?: string;
  /** The bare baseline this scenario is compared with, besides the constant route. */
  vs?: Baseline;
  /** Which baseline this scenario is, when it is one. */
  is?: Baseline;
}

interface Row {
  scenario: Scenario;
  r: LoadResult;
  errorRate: number;
}

interface DbReport {
  kind: Kind;
  title: string;
  versions: string;
  signals: number;
  seeded: number;
  events: number;
  seedSeconds: number;
  rssBefore: number;
  rssAfter: number;
  rows: Row[];
  numbering: { count: number; span: number; ok: boolean };
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
      signals: { type: 'string' },
      'pglite-signals': { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'pg-url': { type: 'string' },
    },
    strict: true,
  });
  const pgUrl = values['pg-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL;
  const signals = positiveInt('signals', values.signals, 100_000);
  const db = values.db ?? ((await serverAnswers(pgUrl)) ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(db)) throw new Error(`--db must be pglite, postgres or both, got ${db}`);
  // The server first: PGlite's WebAssembly heap is not returned to the OS on close and would inflate the server's RSS figures.
  const dbs: Kind[] = db === 'both' ? ['postgres', 'pglite'] : [db as Kind];
  if (dbs.includes('postgres') && !(await serverAnswers(pgUrl))) throw new Error(`no PostgreSQL server answers at ${pgUrl}`);
  return {
    dbs,
    signals,
    pgliteSignals: positiveInt('pglite-signals', values['pglite-signals'], signals),
    seconds: Math.max(1, positiveInt('seconds', values.seconds, 10)),
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

/** Seeds a fresh database, serves the app and the bare baselines on it, and loads every scenario. */
export async function benchDatabase(kind: Kind, o: BenchOptions, load: LoadGenerator): Promise<DbReport> {
  const tmp = mkdtempSync(join(os.tmpdir(), `sofia-bench-${kind}-`));
  // Undone in reverse: servers before the pools they use, pools before the database is dropped.
  const undo: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    let db: Database;
    let serverUrl: string | undefined;
    if (kind === 'pglite') {
      // The slim PostGIS bundle is derived once and reused across runs: it is not what is measured.
      const cacheDir = join(os.tmpdir(), 'sofia-bench-cache');
      mkdirSync(cacheDir, { recursive: true });
      db = await openDatabase({ dataDir: join(tmp, 'pglite'), cacheDir });
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
    undo.push(() => db.close());
    const sql = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.raw.executeSql(text, values)).rows as T[];

    const [v] = await sql<{ pg: string; gis: string }>('SELECT version() AS pg, postgis_version() AS gis');
    const pgVersion = String(v!.pg).split(/ on | \(/)[0];
    const title =
      kind === 'pglite'
        ? `PGlite ${packageVersion('@electric-sql/pglite')} + pglite-postgis ${packageVersion('@electric-sql/pglite-postgis')}`
        : `PostgreSQL server (${pgVersion})`;
    const versions = `${String(v!.pg).split(', compiled by')[0]}; PostGIS ${v!.gis}`;

    await prepareData(db, { demo: false, demoSignals: 0 });
    const n = kind === 'pglite' ? o.pgliteSignals : o.signals;
    log(`${kind}: seeding ${n} signals…`);
    const t0 = performance.now();
    const seeded = await seedDemoCases(db, n, new Date(), 365);
    const seedSeconds = (performance.now() - t0) / 1000;
    await sql('ANALYZE');
    const [counts] = await sql<{ cases: number; events: number }>('SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_events)::int AS events');
    log(`${kind}: seeded ${seeded} cases (+${counts!.events} events) in ${seedSeconds.toFixed(1)} s = ${Math.round(seeded / seedSeconds)} cases/s`);

    await sql('CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, body text, at timestamptz DEFAULT now())');
    const numbers = (await sql<{ reg_number: string }>('SELECT reg_number FROM cases WHERE is_public AND NOT hidden ORDER BY random() LIMIT 1000')).map(
      (r) => r.reg_number,
    );
    if (!numbers.length) throw new Error('no public cases to track: seed more signals');
    const [type] = await sql<{ id: number; category_id: number }>(
      `SELECT t.id, t.category_id FROM case_types t JOIN categories c ON c.id = t.category_id
       WHERE t.fields = '[]'::jsonb AND t.active AND c.active ORDER BY t.id LIMIT 1`,
    );
    if (!type) throw new Error('no catalogue type without extra fields');
    const signal = JSON.stringify({
      kind: 'signal',
      categoryId: Number(type.category_id),
      typeId: Number(type.id),
      description: 'Дупка на пътя пред входа (натоварващ тест)',
      ...POINT,
      extra: {},
    });

    const config = loadConfig({ DATA_DIR: tmp, LOG_LEVEL: 'silent', DEMO: '0', PUBLIC_BASE_URL: 'http://bench.local' });
    const app = await buildApp({ config, db, logger: false });
    undo.push(() => app.close());
    const appOrigin = await app.app.listen({ host: '127.0.0.1', port: 0 });

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

    const enc = (prefix: string) => numbers.map((x) => `${prefix}${encodeURIComponent(x)}`);
    const scenarios: Scenario[] = [
      { name: 'bare constant', target: 'bare', method: 'GET', path: '/bare', is: 'constant' },
      { name: 'bare indexed SELECT', target: 'bare', method: 'GET', paths: enc('/bare-select/'), is: 'select' },
      { name: 'tracking JSON', target: 'app', method: 'GET', paths: enc('/api/v1/cases/'), vs: 'select' },
      { name: 'tracking page HTML', target: 'app', method: 'GET', paths: enc('/cases/'), vs: 'select' },
      { name: 'map whole city (zoom 11)', target: 'app', method: 'GET', path: '/api/v1/map/clusters?zoom=11', vs: 'select' },
      { name: 'map street level (zoom 17)', target: 'app', method: 'GET', path: `/api/v1/map/clusters?zoom=17&bbox=${STREET_BBOX}`, vs: 'select' },
      { name: 'submit signal (POST JSON)', target: 'app', method: 'POST', path: '/api/v1/cases', body: signal, vs: 'insert' },
      { name: 'bare INSERT in a transaction', target: 'bare', method: 'POST', path: '/bare-insert', body: signal, is: 'insert' },
    ];

    const rssBefore = process.memoryUsage().rss;
    const rows: Row[] = [];
    for (const s of scenarios) {
      const origin = s.target === 'app' ? appOrigin : bareOrigin;
      await preflight(origin, s);
      const spec: LoadSpec = { origin, method: s.method, path: s.path, paths: s.paths, body: s.body, connections: o.connections, seconds: o.seconds };
      // A short unreported run first, so that JIT, plan caches and buffers are warm for every scenario alike.
      if (o.warmup > 0) await load.run({ ...spec, seconds: o.warmup });
      const r = await load.run(spec);
      const errorRate = (r.errors + r.non2xx) / Math.max(1, r.sent);
      rows.push({ scenario: s, r, errorRate });
      log(`${kind}: ${s.name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx} ${JSON.stringify(r.statuses)}`);
      if (errorRate > MAX_ERROR_RATE) failures.push(`${kind}: ${s.name}: ${(errorRate * 100).toFixed(1)} % of requests failed`);
    }
    const rssAfter = process.memoryUsage().rss;

    const [gap] = await sql<{ count: number; span: number | null }>(
      "SELECT count(*)::int AS count, (max(reg_seq) - min(reg_seq) + 1)::int AS span FROM cases WHERE channel = 'api'",
    );
    const numbering = { count: Number(gap!.count), span: Number(gap!.span ?? 0), ok: Number(gap!.count) === Number(gap!.span ?? 0) };
    if (!numbering.ok) failures.push(`${kind}: ${numbering.count} API submissions span ${numbering.span} numbers: the register has gaps`);

    return { kind, title, versions, signals: n, seeded, events: counts!.events, seedSeconds, rssBefore, rssAfter, rows, numbering, failures };
  } finally {
    for (const fn of undo.reverse()) {
      await fn().catch((err: unknown) => log(`${kind}: cleanup: ${err instanceof Error ? err.message : String(err)}`));
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One request before the load, so a broken route stops the bench with its answer rather than as a column of non-2xx. */
async function preflight(origin: string, s: Scenario): Promise<void> {
  const path = s.paths ? s.paths[0]! : s.path!;
  const res = await fetch(origin + path, {
    method: s.method,
    body: s.body,
    headers: s.body ? { 'content-type': 'application/json' } : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${s.name}: ${s.method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
}

function baselineOf(rows: Row[], b: Baseline): number | undefined {
  return rows.find((x) => x.scenario.is === b)?.r.rps;
}

function ratioText(rows: Row[], row: Row): string {
  const s = row.scenario;
  if (s.is === 'constant') return '1.00 (reference)';
  const parts: string[] = [];
  const label: Record<Baseline, string> = { constant: 'constant', select: 'bare SELECT', insert: 'bare INSERT' };
  if (s.vs) {
    const base = baselineOf(rows, s.vs);
    if (base) parts.push(`${(row.r.rps / base).toFixed(2)} × ${label[s.vs]}`);
  }
  const c = baselineOf(rows, 'constant');
  if (c) parts.push(`${(row.r.rps / c).toFixed(2)} × ${label.constant}`);
  return parts.join('; ');
}

function errorsText(r: LoadResult): string {
  const odd = Object.entries(r.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${code}×${n}`);
  // autocannon counts a timeout as an error too; naming them tells a slow path from a broken one.
  const errors = r.timeouts ? `${r.errors} (${r.timeouts} timeouts)` : String(r.errors);
  return `${errors} / ${r.non2xx}${odd.length ? ` (${odd.join(', ')})` : ''}`;
}

function tableCells(rep: DbReport): string[][] {
  return rep.rows.map((row) => [
    row.scenario.name,
    Math.round(row.r.rps).toString(),
    String(row.r.p50),
    String(row.r.p99),
    errorsText(row.r),
    ratioText(rep.rows, row),
  ]);
}

const HEAD = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors / non-2xx', 'ratio'];

function markdownTable(rep: DbReport): string {
  const lines = [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---:|---:|---|'];
  for (const c of tableCells(rep)) lines.push(`| ${c.join(' | ')} |`);
  return lines.join('\n');
}

function textTable(rep: DbReport): string {
  const all = [HEAD, ...tableCells(rep)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [fmt(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

function seedLine(rep: DbReport): string {
  return `${rep.seeded.toLocaleString('en')} signals and questions (+${rep.events.toLocaleString('en')} history events) seeded in ${rep.seedSeconds.toFixed(1)} s = ${Math.round(rep.seeded / rep.seedSeconds).toLocaleString('en')} cases/s`;
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ${os.type()} ${os.release()}`;
}

/** Milliseconds of the single server thread per request at saturation: where the time goes. */
function serviceMs(r: LoadResult): number {
  return r.rps > 0 ? 1000 / r.rps : Infinity;
}

function autoFindings(reports: DbReport[]): string {
  const out = ['## Findings', '', 'Computed from the first run; edit freely, later runs keep everything below the marker.', ''];
  for (const rep of reports) {
    const get = (b: Baseline) => rep.rows.find((x) => x.scenario.is === b);
    const sel = get('select');
    const app = rep.rows.filter((x) => x.scenario.target === 'app').sort((a, b) => a.r.rps - b.r.rps);
    const worst = app[0];
    out.push(`- **${rep.title}**: at saturation one request costs the server ${rep.rows.map((x) => `${x.scenario.name} ${serviceMs(x.r).toFixed(2)} ms`).join(', ')}.`);
    if (worst && sel) {
      out.push(
        `  The slowest path is ${worst.scenario.name} at ${Math.round(worst.r.rps)} req/s, ${(serviceMs(worst.r) - serviceMs(sel.r)).toFixed(2)} ms per request above the bare indexed SELECT.`,
      );
    }
  }
  return out.join('\n') + '\n';
}

function renderDoc(reports: DbReport[], o: BenchOptions, existing: string | null): string {
  const date = new Date().toISOString();
  const parts = [
    '# Performance',
    '',
    'Measured by `bench/run.ts`. Run it with',
    '',
    '```sh',
    'npm run bench -- --db=both --signals=100000 --seconds=10',
    '```',
    '',
    'Options: `--db=pglite|postgres|both` (default both when the server at `--pg-url`, default',
    `\`${DEFAULT_PG_URL}\`, answers, else pglite), \`--signals=N\` (default 100000), \`--pglite-signals=N\``,
    '(default: `--signals`), `--seconds=S` per scenario (default 10), `--warmup=S` unreported warm-up per',
    'scenario (default 1), `--connections=C` (default 50). The run replaces everything above the findings marker.',
    '',
    'Each database is fresh (PGlite in a temporary directory; on the server a `bench_<pid>` database that is',
    'dropped afterwards), seeded by `seedDemoCases` over 365 days, then analysed. The real app (`buildApp`)',
    'and a bare Fastify app without plugins run in one process on that database; autocannon fires from a',
    'child process, so load generator, app and (for the server) PostgreSQL share the machine’s cores.',
    'Tracking and bare SELECT requests pick one of 1,000 real numbers at random per request.',
    'Ratios are req/s divided by the baseline’s req/s: tracking and map against the bare indexed SELECT,',
    'submission against the bare INSERT in a transaction, everything against the bare constant route.',
    '',
    `## Latest run (${date})`,
    '',
    `- Machine: ${machine()}`,
    `- Node ${process.version}; ${o.connections} connections, ${o.seconds} s per scenario after ${o.warmup} s warm-up`,
  ];
  for (const rep of reports) {
    parts.push(
      '',
      `### ${rep.title}`,
      '',
      `- Database: ${rep.versions}`,
      `- Data: ${seedLine(rep)}`,
      `- Process RSS: ${mb(rep.rssBefore)} before the scenarios, ${mb(rep.rssAfter)} after`,
      `- Numbering: ${rep.numbering.count.toLocaleString('en')} API submissions took ${rep.numbering.span.toLocaleString('en')} consecutive numbers — ${rep.numbering.ok ? 'gap-free' : '**gaps**'}`,
      '',
      markdownTable(rep),
    );
    if (rep.failures.length) parts.push('', ...rep.failures.map((f) => `- **Failed:** ${f}`));
  }
  const at = existing?.indexOf(FINDINGS_MARK) ?? -1;
  const tail = at >= 0 ? existing!.slice(at) : `${FINDINGS_MARK}\n\n${autoFindings(reports)}`;
  return `${parts.join('\n')}\n\n${tail}`;
}

async function main(): Promise<number> {
  const o = await parseOptions(process.argv.slice(2));
  log(`databases: ${o.dbs.join(', ')}; signals ${o.signals} (PGlite ${o.pgliteSignals}); ${o.seconds} s × ${o.connections} connections`);
  const load = startLoadGenerator();
  const reports: DbReport[] = [];
  try {
    for (const kind of o.dbs) reports.push(await benchDatabase(kind, o, load));
  } finally {
    await load.close();
  }
  for (const rep of reports) {
    process.stdout.write(`\n${rep.title} — ${seedLine(rep)}\n`);
    process.stdout.write(`RSS ${mb(rep.rssBefore)} → ${mb(rep.rssAfter)}; numbering ${rep.numbering.ok ? 'gap-free' : 'HAS GAPS'} (${rep.numbering.count}/${rep.numbering.span})\n\n`);
    process.stdout.write(`${textTable(rep)}\n`);
  }
  mkdirSync(dirname(DOC), { recursive: true });
  writeFileSync(DOC, renderDoc(reports, o, existsSync(DOC) ? readFileSync(DOC, 'utf8') : null));
  log(`wrote ${DOC}`);
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
