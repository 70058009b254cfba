import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * PGlite compiles every shared library in an extension bundle at each start. The PostGIS bundle
 * ships raster and topology too (~30 MB of WebAssembly we never load), which costs seconds per
 * start; we keep a copy of the bundle without them.
 */
const DROP = [/postgis_raster/, /postgis_topology/, /rtpostgis/, /topology/, /--unpackaged--/, /address_standardizer/, /postgis_tiger/, /postgis_sfcgal/];

function slimTar(tar: Buffer): Buffer {
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const total = 512 + Math.ceil(size / 512) * 512;
    const block = tar.subarray(off, off + total);
    off += total;
    // pax / GNU long-name records describe the entry that follows: keep or drop them with it.
    if (type === 'x' || type === 'L' || type === 'g') {
      pending.push(block);
      continue;
    }
    const full = prefix ? `${prefix}/${name}` : name;
    if (!DROP.some((re) => re.test(full))) out.push(...pending, block);
    pending = [];
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

/** The path of the slim PostGIS bundle, made once from the installed package. */
export function slimPostgisBundle(cacheDir: string): URL {
  const require = createRequire(import.meta.url);
  // The package exports only its entry: find its folder from there (dist/index.cjs).
  const pkgDir = dirname(dirname(require.resolve('@electric-sql/pglite-postgis')));
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(cacheDir, `postgis-${version}-slim.tar.gz`);
  if (!existsSync(target)) {
    const src = join(pkgDir, 'dist', 'postgis.tar.gz');
    mkdirSync(cacheDir, { recursive: true });
    const slim = gzipSync(slimTar(gunzipSync(readFileSync(src))), { level: 1 });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, slim);
    renameSync(tmp, target);
  }
  return pathToFileURL(resolve(target));
}
