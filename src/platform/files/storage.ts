import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';

/** Stores files under a root directory by key; with several instances the root must be shared storage. */
export interface FileStore {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  remove(prefix: string): Promise<void>;
}

/** A file store on the local disk, writing atomically (temp file, then rename). */
export function diskStore(root: string): FileStore {
  const path = (key: string) => {
    const p = normalize(join(root, key));
    if (!p.startsWith(normalize(root) + sep)) throw new Error('file key escapes the store');
    return p;
  };
  return {
    async put(key, data) {
      const p = path(key);
      await mkdir(dirname(p), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, p);
    },
    async get(key) {
      try {
        return await readFile(path(key));
      } catch {
        return null;
      }
    },
    async remove(prefix) {
      await rm(path(prefix), { recursive: true, force: true });
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a file id from a URL or a form is a well-formed UUID: stored files are named by them, and anything else must not reach a uuid column. */
export function isFileId(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

/**
 * An upload's bytes: in memory (tests, small bodies), or read on demand from the temporary file
 * the edge streamed it to — so that a service holds one upload at a time, not a request's worth.
 */
export type Bytes = Buffer | (() => Promise<Buffer>);

/** The bytes of an upload, read now. */
export function bytesOf(b: Bytes): Promise<Buffer> {
  return Buffer.isBuffer(b) ? Promise.resolve(b) : b();
}
