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
