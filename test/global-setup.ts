import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/platform/db/index.js';
import { prepareData } from '../src/app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: 'pglite' | 'postgres';
    /** PGlite: a data-dir dump with migrations and reference data, for each worker to start from. */
    templateFile: string;
    /** PostgreSQL: the template database each worker copies, and the server URL. */
    templateDb: string;
    serverUrl: string;
  }
}

/** Builds one database with migrations and reference data; each worker starts from a copy of it. */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  const started = Date.now();
  if (!url) {
    const db = await openDatabase({});
    await prepareData(db, { demo: false, demoSignals: 0 });
    const pglite = (db as unknown as { pglite: { dumpDataDir(c: 'none' | 'gzip'): Promise<Blob> } }).pglite;
    const dump = await pglite.dumpDataDir('none');
    const dir = mkdtempSync(join(tmpdir(), 'sofia-test-'));
    const file = join(dir, 'template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await db.close();
    project.provide('backend', 'pglite');
    project.provide('templateFile', file);
    project.provide('templateDb', '');
    project.provide('serverUrl', '');
    console.log(`test database: PGlite template ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  const name = `sofia_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const tplUrl = withDatabase(url, name);
  const db = await openDatabase({ url: tplUrl, poolMax: 2 });
  await prepareData(db, { demo: false, demoSignals: 0 });
  await db.close();
  project.provide('backend', 'postgres');
  project.provide('templateFile', '');
  project.provide('templateDb', name);
  project.provide('serverUrl', url);
  console.log(`test database: PostgreSQL template ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    // Workers' copies are named after the template; drop them all with it.
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`sofia_w_${process.pid}_%`]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

/** The same server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
