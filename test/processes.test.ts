import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Database } from '../src/platform/db/index.js';
import { appSecrets, authAccounts, users } from '../src/platform/auth/index.js';
import { getCatalog } from '../src/modules/catalog/index.js';
import { ACCOUNTS_CLEANUP } from '../src/modules/accounts/index.js';
import { eventually, testDb, testDbUrl } from './harness.js';
import { signalBody } from './factories.js';
import { ip } from './accounts.factories.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// The two processes share one job schema, and it is not the one of this worker's in-process apps:
// those have no SMTP and would take the mail jobs and keep the emails in the outbox.
const JOBS_SCHEMA = 'pgboss_procs';
const SUBMISSIONS = 300;
// A child whose test process died (even by SIGKILL, when no exit hook runs) sees its stdin close
// and exits, so no run leaves orphans behind.
const ORPHAN_GUARD = `data:text/javascript,${encodeURIComponent("process.stdin.on('end',()=>process.exit(1)).on('error',()=>process.exit(1)).resume();")}`;

const onServer = inject('backend') === 'postgres';
if (!onServer) {
  console.warn('SKIPPED: process tests (test/processes.test.ts) — they start two app processes on one database, which needs a PostgreSQL server (TEST_DATABASE_URL); the embedded PGlite database lives inside one process');
}

/** A real SMTP server on loopback that keeps who got which outbox message. */
function startSmtp() {
  const received: { to: string; outboxId: number }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // A reverse DNS lookup per connection would measure the resolver, not the instances.
    disableReverseLookup: true,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const id = /^X-Sofia-Outbox-Id: *(\d+)/im.exec(raw)?.[1];
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), outboxId: id ? Number(id) : NaN });
        cb();
      });
    },
  });
  return new Promise<{ port: number; received: typeof received; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as AddressInfo).port;
      resolve({ port, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** `n` distinct free loopback ports: all are held open together, so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

interface Child {
  name: string;
  url: string;
  proc: ChildProcess;
  /** hostname:pid, as the instance writes it into job_runs. */
  instance: string;
  dataDir: string;
  output: string[];
  stopping: boolean;
}

const children: Child[] = [];

function killAllNow() {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    rmSync(c.dataDir, { recursive: true, force: true });
  }
}

function tail(c: Child): string {
  return c.output.join('').split('\n').slice(-40).join('\n');
}

/** Starts `node --import tsx src/main.ts` as a separate process with the given settings. */
function startChild(name: string, port: number, env: Record<string, string>): Child {
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), `sofia-proc-${name}-`));
  // Only what the process needs: the worker's own environment (VITEST_*, NODE_OPTIONS) must not leak in.
  const proc = spawn(process.execPath, ['--import', ORPHAN_GUARD, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: url, DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const child: Child = { name, url, proc, instance: `${hostname()}:${proc.pid}`, dataDir, output: [], stopping: false };
  proc.stdout!.on('data', (d: Buffer) => child.output.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => child.output.push(d.toString()));
  proc.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`instance ${name} exited unexpectedly (code ${code}, signal ${signal}):\n${tail(child)}`);
  });
  children.push(child);
  return child;
}

/** Waits until the process answers /health; fails at once, with its output, if it exits. */
async function healthy(c: Child, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) throw new Error(`instance ${c.name} exited during start-up:\n${tail(c)}`);
    const ok = await fetch(`${c.url}/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`instance ${c.name} did not answer /health in ${ms / 1000} s:\n${tail(c)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops a process as an operator would (SIGTERM, graceful), and kills it if it hangs. */
async function stopChild(c: Child): Promise<void> {
  c.stopping = true;
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    const exited = new Promise<void>((r) => c.proc.once('exit', () => r()));
    c.proc.kill('SIGTERM');
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(c.dataDir, { recursive: true, force: true });
}

describe.skipIf(!onServer)('two app processes on one PostgreSQL database', () => {
  let db: Database;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let a: Child;
  let b: Child;
  let previousSecret: string | null = null;
  const submitted: { number: string; email: string }[] = [];

  beforeAll(async () => {
    process.once('exit', killAllNow);
    db = await testDb();
    const dbUrl = (await testDbUrl())!;
    smtp = await startSmtp();
    // Without AUTH_SECRET the two processes must agree on one generated secret: start them with
    // none in the database, so that they race to create it. Put back what in-process apps of
    // this worker hold in memory afterwards.
    const [old] = await db.orm.select().from(appSecrets).where(eq(appSecrets.name, 'auth'));
    previousSecret = old?.value ?? null;
    await db.orm.delete(appSecrets).where(eq(appSecrets.name, 'auth'));
    const [pa, pb] = (await freePorts(2)) as [number, number];
    const env = {
      DATABASE_URL: dbUrl,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      JOBS_SCHEMA,
      CLEANUP_CRON: '* * * * *',
      // pg-boss's defaults (30 s, 5 s) would let a tick's run start up to ~35 s late.
      JOBS_SCHEDULE_CHECK_SECONDS: '2',
    };
    a = startChild('A', pa, env);
    b = startChild('B', pb, env);
    await Promise.all([healthy(a), healthy(b)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    process.removeListener('exit', killAllNow);
    await smtp?.close();
    if (db && previousSecret) {
      await db.orm.insert(appSecrets).values({ name: 'auth', value: previousSecret }).onConflictDoUpdate({ target: appSecrets.name, set: { value: previousSecret } });
    }
  }, 60_000);

  test(`${SUBMISSIONS} concurrent submissions spread over both processes get unique, gap-free numbers`, async () => {
    const catalog = await getCatalog(db.orm);
    const plain = catalog.categories.flatMap((c) => c.types).find((t) => t.fields.length === 0)!;
    const tag = randomBytes(3).toString('hex');
    const res = await Promise.all(
      Array.from({ length: SUBMISSIONS }, async (_, i) => {
        const email = `proc${i}.${tag}@example.bg`;
        const r = await fetch(`${[a, b][i % 2]!.url}/api/v1/cases`, {
          method: 'POST',
          // Each from its own client address (X-Forwarded-For from loopback is trusted): not a test of the per-address limit.
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip() },
          body: JSON.stringify(signalBody(plain, { email })),
          signal: AbortSignal.timeout(90_000),
        });
        return { status: r.status, body: (await r.json()) as { number?: string }, email };
      }),
    );
    expect(res.filter((r) => r.status !== 201).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    for (const r of res) submitted.push({ number: r.body.number!, email: r.email });
    const seqs = submitted.map((s) => Number(s.number.split('-')[2])).sort((x, y) => x - y);
    expect(new Set(submitted.map((s) => s.number)).size).toBe(SUBMISSIONS);
    expect(seqs.at(-1)! - seqs[0]!).toBe(SUBMISSIONS - 1);
    // What one process registered, the other finds.
    const fromA = submitted[0]!.number;
    expect((await fetch(`${b.url}/api/v1/cases/${encodeURIComponent(fromA)}`)).status).toBe(200);
  }, 120_000);

  test('every confirmation email is delivered exactly once by the two processes’ job workers', async () => {
    expect(submitted).toHaveLength(SUBMISSIONS);
    const emails = submitted.map((s) => s.email);
    const wanted = new Set(emails);
    const ours = () => smtp.received.filter((m) => wanted.has(m.to));
    await eventually(async () => new Set(ours().map((m) => m.to)).size === SUBMISSIONS, 120_000, 500);
    // Nothing more can be sent once no mail job is waiting, running or due for a retry.
    await eventually(async () => {
      const { rows } = await db.raw.executeSql(`SELECT count(*)::int AS n FROM ${JOBS_SCHEMA}.job WHERE name = 'mail-send' AND state IN ('created', 'retry', 'active')`, []);
      return rows[0].n === 0;
    }, 60_000, 500);
    const { rows: outbox } = await db.raw.executeSql('SELECT id, "to", status FROM mail_outbox WHERE "to" = ANY($1)', [emails]);
    expect(outbox).toHaveLength(SUBMISSIONS);
    expect(outbox.filter((r) => r.status !== 'sent')).toEqual([]);
    const got = ours();
    expect(got).toHaveLength(SUBMISSIONS);
    expect(new Set(got.map((m) => m.outboxId))).toEqual(new Set(outbox.map((r) => Number(r.id))));
    for (const r of outbox) expect(got.filter((m) => m.to === r.to), r.to).toHaveLength(1);
  }, 180_000);

  test('a session made on one process is valid on the other, and logging out on one ends it on both', async () => {
    const id = randomBytes(16).toString('hex');
    const username = `proc_${randomBytes(4).toString('hex')}`;
    const password = 'Vitosha-zalez-2026';
    await db.orm.insert(users).values({ id, name: 'Елена Иванова', email: `${username}@example.bg`, emailVerified: true, username, displayUsername: username, firstName: 'Елена', lastName: 'Иванова' });
    await db.orm.insert(authAccounts).values({ id: randomBytes(16).toString('hex'), accountId: id, providerId: 'credential', userId: id, password: await hashPassword(password) });
    // As a browser on our own page: its Origin is ours (the CSRF check refuses others).
    const login = await fetch(`${a.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.url }, body: new URLSearchParams({ login: username, password }) });
    expect(login.status).toBe(303);
    const cookie = login.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
    const onB = await fetch(`${b.url}/api/v1/me`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { username: string }).username).toBe(username);
    await fetch(`${b.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: b.url } });
    expect((await fetch(`${a.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
  });

  test('a scheduled job runs once per tick for both processes together, not once per process', async () => {
    const { rows: sched } = await db.raw.executeSql(`SELECT created_on FROM ${JOBS_SCHEMA}.schedule WHERE name = $1`, [ACCOUNTS_CLEANUP]);
    expect(sched).toHaveLength(1);
    const minuteOf = (t: Date | number) => Math.floor(new Date(t).getTime() / 60_000) * 60_000;
    const runs = async (from: number, to: number) => {
      const { rows } = await db.raw.executeSql(
        'SELECT instance, started_at, finished_at, error FROM job_runs WHERE name = $1 AND instance = ANY($2) AND started_at >= $3 AND started_at < $4 ORDER BY started_at',
        [ACCOUNTS_CLEANUP, [a.instance, b.instance], new Date(from), new Date(to)],
      );
      return rows as { instance: string; started_at: Date; finished_at: Date | null; error: string | null }[];
    };
    // pg-boss serves the tick of the minute in which the schedule appeared as well. When that run
    // starts inside that minute, the minute is the first to count (which saves a minute of
    // waiting); when it slips into the next one, that minute holds two ticks' runs and is skipped.
    const firstRun = (await eventually(async () => (await runs(0, 8.64e15))[0], 60_000, 500)).started_at;
    const t1 = minuteOf(firstRun) === minuteOf(sched[0].created_on) ? minuteOf(firstRun) : minuteOf(firstRun) + 60_000;
    const minutes = [t1, t1 + 60_000] as const;
    const last = await eventually(async () => (await runs(minutes[1], minutes[1] + 60_000)).find((x) => x.finished_at), 150_000, 1000);
    // A run per process would come with the next schedule checks, seconds later: wait for several
    // of them (JOBS_SCHEDULE_CHECK_SECONDS=2) before counting. The first minute is seen whole.
    const settled = new Date(last.started_at).getTime() + 12_000;
    await eventually(async () => Date.now() >= settled, 30_000, 500);
    const all = await runs(minutes[0], minutes[1] + 60_000);
    const perMinute = minutes.map((m) => all.filter((x) => minuteOf(x.started_at) === m).length);
    expect(perMinute, JSON.stringify(all)).toEqual([1, 1]);
    expect(all.every((x) => x.finished_at && !x.error)).toBe(true);
    expect(all.every((x) => x.instance === a.instance || x.instance === b.instance)).toBe(true);
  }, 180_000);
});
