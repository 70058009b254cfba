import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import { slimPostgisBundle } from './postgis-bundle.js';

export { schema };

/** The typed query builder over either driver. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Orm = PgDatabase<any, typeof schema>;
/** A transaction of the typed query builder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<any, typeof schema, any>;

/** Runs parameterised SQL; what pg-boss and the few raw statements need. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** A statement for `batch`: built with the query builder, or text with its parameters. */
export type Statement = SQL | { text: string; values: unknown[] };

/** An open database: the query builder, a raw executor, and how to close it. */
export interface Database {
  kind: 'pglite' | 'postgres';
  orm: Orm;
  /**
   * For public reads that tolerate a replica's lag (map, lists, overview, exports, Open311 reads):
   * the replica when one is configured, otherwise the same as `orm`. Never for writes, nor for
   * reading back what a person has just done.
   */
  read: Orm;
  raw: SqlExecutor;
  /**
   * Runs statements as one transaction in one round trip to the server (BEGIN; …; COMMIT as one
   * batch); answers the first statement's rows. A failing statement rolls back all of them.
   * With `group`, batches of that group sent meanwhile may share the transaction (group commit).
   */
  batch(statements: Statement[], opts?: { group?: string }): Promise<Record<string, unknown>[]>;
  /** The connection string when on a server (pg-boss opens its own pool there). */
  url?: string;
  close(): Promise<void>;
}

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** Options for opening the database. */
export interface OpenOptions {
  /** PostgreSQL server URL; when absent, embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; absent with no url means in memory. */
  dataDir?: string;
  /** A PGlite data-dir dump to start from (tests: a prepared template). */
  loadDataDir?: Blob;
  /** Where derived files (the slim PostGIS bundle) are cached; default: the OS temp folder. */
  cacheDir?: string;
  /** Pool size on a server. */
  poolMax?: number;
  /** A read-only replica of `url` for `Database.read`. */
  readUrl?: string;
}

/** Opens PGlite (+PostGIS) or a PostgreSQL server pool, and applies the migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? openServer(opts.url, opts.poolMax ?? 10, opts.readUrl) : openEmbedded(opts);
}

async function openEmbedded(opts: OpenOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const bundlePath = slimPostgisBundle(opts.cacheDir ?? join(tmpdir(), 'sofia-cache'));
  const slim = {
    name: 'postgis',
    setup: async (pg: unknown, emscriptenOpts: unknown) => ({ ...(await postgis.setup(pg as never, emscriptenOpts as never)), bundlePath }),
  };
  const pg = await PGlite.create({
    dataDir: opts.dataDir,
    loadDataDir: opts.loadDataDir,
    extensions: { postgis: slim },
  });
  const orm = drizzle(pg, { schema }) as unknown as Orm;
  await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(orm as never, { migrationsFolder: MIGRATIONS });
  return {
    kind: 'pglite',
    orm,
    read: orm,
    raw: pgliteExecutor(pg),
    // One query at a time in one process: a plain transaction does the same.
    batch: (statements) =>
      orm.transaction(async (tx) => {
        let first: Record<string, unknown>[] = [];
        for (const [i, st] of statements.entries()) {
          const rows = isSql(st) ? ((await tx.execute(st)) as unknown as { rows: Record<string, unknown>[] }).rows : (await txExecutor(tx).executeSql(st.text, st.values)).rows;
          if (i === 0) first = rows;
        }
        return first;
      }),
    async close() {
      await pg.close();
    },
    // exposed for tests that dump a template
    ...({ pglite: pg } as object),
  };
}

/** An executor over a PGlite instance or transaction; parameterless text may hold several statements. */
export function pgliteExecutor(pg: {
  query(t: string, v?: unknown[]): Promise<{ rows: any[] }>;
  exec(t: string): Promise<{ rows: any[] }[]>;
}): SqlExecutor {
  return {
    async executeSql(text, values) {
      // PGlite's extended protocol refuses multi-statement text; pg-boss sends such text without parameters.
      if (values && values.length) return pg.query(text, values);
      const results = await pg.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}

async function openServer(url: string, max: number, readUrl?: string): Promise<Database> {
  const pgMod = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pgMod.default.Pool({ connectionString: url, max });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const orm = drizzle(pool, { schema }) as unknown as Orm;
  const readPool = readUrl ? new pgMod.default.Pool({ connectionString: readUrl, max }) : null;
  readPool?.on('error', () => {
    // As for the primary's pool: the next checkout replaces a lost idle connection.
  });
  const read = readPool ? (drizzle(readPool, { schema }) as unknown as Orm) : orm;
  const dialect = (orm as unknown as { dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } } }).dialect;

  /** Runs statements as one transaction in one round trip; answers each statement's rows. */
  async function runBatch(statements: Statement[]): Promise<Record<string, unknown>[][]> {
    const client = await pool.connect();
    try {
      // The simple protocol takes several statements but no parameters: values go in as literals
      // quoted by the driver. Locks taken inside (the register's counter row) are then held only
      // while the server runs the batch and commits, never while this process gets round to its
      // next statement (bench finding: under load that wait was most of the hold).
      const texts = statements.map((st) => {
        const q = isSql(st) ? dialect.sqlToQuery(st) : { sql: st.text, params: st.values };
        return inlineParams(q.sql, (i) => literal(client, q.params[i - 1]));
      });
      const results = (await client.query(`BEGIN;\n${texts.join(';\n')};\nCOMMIT`)) as unknown as { rows: Record<string, unknown>[] }[];
      return results.slice(1, -1).map((r) => r.rows);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  // Group commit: batches of one group that arrive while another of the group is committing wait
  // and go together in the next transaction. A register's counter row admits one transaction at a
  // time and each commit waits for its WAL flush; k registrations in one transaction share that
  // flush and that lock, so the register keeps up with a burst (a storm, a snowfall) instead of
  // queueing it. Idle, a batch goes at once, alone: nothing waits for company.
  type Waiting = { statements: Statement[]; resolve: (rows: Record<string, unknown>[]) => void; reject: (err: unknown) => void };
  const groups = new Map<string, Waiting[]>();
  const MAX_GROUP = 64;
  function grouped(name: string, statements: Statement[]): Promise<Record<string, unknown>[]> {
    return new Promise((resolve, reject) => {
      const waiting = groups.get(name);
      if (waiting) return void waiting.push({ statements, resolve, reject });
      const queue: Waiting[] = [{ statements, resolve, reject }];
      groups.set(name, queue);
      void (async () => {
        while (queue.length) {
          const items = queue.splice(0, MAX_GROUP);
          try {
            const rows = await runBatch(items.flatMap((i) => i.statements));
            let at = 0;
            for (const i of items) {
              i.resolve(rows[at]!);
              at += i.statements.length;
            }
          } catch (err) {
            if (items.length === 1) items[0]!.reject(err);
            // One failing batch must not fail the others that happened to share its transaction.
            else for (const i of items) await runBatch(i.statements).then((r) => i.resolve(r[0]!), i.reject);
          }
        }
        groups.delete(name);
      })();
    });
  }
  // Several instances may start together on one server: one migrates while the others wait on
  // a session advisory lock, which must be held on one dedicated connection.
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7311001)');
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query('SELECT pg_advisory_unlock(7311001)').catch(() => undefined);
    client.release();
  }
  return {
    kind: 'postgres',
    orm,
    read,
    url,
    raw: { executeSql: (text, values) => pool.query(text, values as unknown[]) },
    batch: (statements, opts) => (opts?.group ? grouped(opts.group, statements) : runBatch(statements).then((r) => r[0]!)),
    async close() {
      await Promise.all([pool.end(), readPool?.end()]);
    },
    // exposed for tests that change every connection's session settings
    ...({ pool } as object),
  };
}

/**
 * Puts each parameter's literal in place of its `$n` in a statement's text — only where `$n` is
 * a parameter: not inside a quoted string, a quoted identifier, a dollar-quoted body or a
 * comment. The values themselves are never scanned (they arrive as quoted literals), so no text
 * a person typed can become SQL.
 */
export function inlineParams(text: string, lit: (n: number) => string): string {
  const special = /['"$]|--|\/\*/g;
  let out = '';
  let i = 0;
  for (;;) {
    special.lastIndex = i;
    const m = special.exec(text);
    if (!m) return out + text.slice(i);
    out += text.slice(i, m.index);
    i = m.index;
    let end: number;
    if (m[0] === "'" || m[0] === '"') {
      // A quoted string or identifier; a doubled quote stays inside it; E'…' strings also escape with a backslash.
      const q = m[0];
      const escapes = q === "'" && /(^|[^\w$])[eE]$/.test(out);
      let j = i + 1;
      while (j < text.length) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === q && text[j + 1] === q) j += 2;
        else if (text[j] === q) break;
        else j++;
      }
      end = j + 1;
    } else if (m[0] === '--') {
      const nl = text.indexOf('\n', i);
      end = nl < 0 ? text.length : nl;
    } else if (m[0] === '/*') {
      const close = text.indexOf('*/', i + 2);
      end = close < 0 ? text.length : close + 2;
    } else {
      const rest = text.slice(i, i + 80);
      const param = /^\$(\d+)/.exec(rest);
      if (param && !/[\w$]$/.test(out)) {
        out += lit(Number(param[1]));
        i += param[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
      const close = tag ? text.indexOf(tag[0], i + tag[0].length) : -1;
      end = tag ? (close < 0 ? text.length : close + tag[0].length) : i + 1;
    }
    out += text.slice(i, end);
    i = end;
  }
}

function isSql(st: Statement): st is SQL {
  return !('text' in st && 'values' in st);
}

/** A value as an SQL literal: booleans and NULL as such, anything else quoted by the driver, of no type until its place gives it one (as a parameter is). */
function literal(client: { escapeLiteral(s: string): string }, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') return `'${String(v)}'`;
  if (v instanceof Date) return client.escapeLiteral(v.toISOString());
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
  if (typeof v === 'object') return client.escapeLiteral(JSON.stringify(v));
  return client.escapeLiteral(String(v));
}

/** The raw executor of a transaction, so that jobs can be enqueued inside it. */
export function txExecutor(tx: Tx): SqlExecutor {
  // drizzle keeps the driver's transaction client on the session; both drivers expose query().
  const client = (tx as unknown as { session: { client: any } }).session.client;
  if (typeof client.exec === 'function') return pgliteExecutor(client);
  return { executeSql: (text, values) => client.query(text, values) };
}
