import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

/** Limits of one multipart request. */
export interface MultipartLimits {
  /** Largest file, bytes: a larger one is reported (`truncated`) and none of it is kept. */
  fileSize: number;
  /** Most files; one more ends the reading with `tooManyFiles`. */
  files: number;
  /** Largest request, bytes, everything counted: more answers 413 (BODY_TOO_LARGE) and nothing is kept. */
  requestBytes: number;
}

/** A file of the request, on disk until the request ends. */
export interface ReceivedFile {
  fieldname: string;
  filename: string | undefined;
  mimetype: string;
  size: number;
  /** Larger than `fileSize`: nothing of it was kept. */
  truncated: boolean;
  path: string | null;
}

/** A multipart form: its fields (a repeated name as a list, in order) and files (in order). */
export interface MultipartForm {
  fields: Record<string, string | string[]>;
  files: ReceivedFile[];
  /** More files came than `files` allows; reading stopped there. */
  tooManyFiles: boolean;
}

const tempFiles = new WeakMap<FastifyRequest, Set<string>>();
/** Requests refused for their size: the rest of their body is not worth reading. */
const oversized = new WeakSet<FastifyRequest>();

async function removeAll(paths: Iterable<string>): Promise<void> {
  await Promise.all([...paths].map((p) => rm(p, { force: true }).catch(() => undefined)));
}

/**
 * Removes a request's temporary upload files when its answer is sent (the handler is done with
 * them by then), or when it is abandoned.
 */
export function registerMultipartCleanup(app: FastifyInstance): void {
  const clean = async (req: FastifyRequest) => {
    const set = tempFiles.get(req);
    if (!set?.size) return;
    const paths = [...set];
    set.clear();
    await removeAll(paths);
  };
  app.addHook('onSend', async (req, reply) => {
    // Whoever answers (a route re-rendering its form, or the error presenter), close the connection
    // instead of reading the rest of a body already refused.
    if (oversized.has(req)) reply.header('connection', 'close');
    await clean(req);
  });
  app.addHook('onResponse', clean);
  app.addHook('onRequestAbort', clean);
}

/** A field's last value (forms that take one value per name). */
export function lastValues(fields: MultipartForm['fields']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = Array.isArray(v) ? v.at(-1)! : v;
  return out;
}

/** A received file's bytes, read back from disk when it is checked. */
export async function readBack(file: ReceivedFile): Promise<Buffer> {
  if (!file.path) throw new AppError('FILE_TOO_LARGE');
  return readFile(file.path);
}

/**
 * Reads a multipart request as it arrives, each file streamed to a temporary file under
 * `DATA_DIR/tmp` (removed when the request ends), so memory holds no upload while it is being
 * received and a request over its limits is refused before anything is kept. Fields stay in
 * memory (at most 60 of 64 KB, the plugin's limits); a longer value is refused as a whole (413)
 * rather than cut and echoed back.
 */
export async function readMultipart(req: FastifyRequest, dataDir: string, limits: MultipartLimits): Promise<MultipartForm> {
  if (Number(req.headers['content-length']) > limits.requestBytes) {
    oversized.add(req);
    throw new AppError('BODY_TOO_LARGE');
  }
  const dir = join(dataDir, 'tmp');
  await mkdir(dir, { recursive: true });
  let paths = tempFiles.get(req);
  if (!paths) tempFiles.set(req, (paths = new Set()));
  const mine: string[] = [];
  const form: MultipartForm = { fields: Object.create(null) as Record<string, string | string[]>, files: [], tooManyFiles: false };

  // Every byte of the request counts, also of files cut at their limit and of what comes after.
  let received = 0;
  let overLimit: () => void = () => undefined;
  const limitHit = new Promise<never>((_, reject) => {
    overLimit = () => reject(new AppError('BODY_TOO_LARGE'));
  });
  limitHit.catch(() => undefined);
  let current: { destroy(err?: Error): void } | null = null;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.requestBytes) {
      req.raw.removeListener('data', onData);
      // Stop feeding the parser; the answer closes the connection (registerMultipartCleanup).
      req.raw.unpipe();
      oversized.add(req);
      current?.destroy(new AppError('BODY_TOO_LARGE'));
      overLimit();
    }
  };

  try {
    const parts = req.parts({ limits: { fileSize: limits.fileSize, files: limits.files } })[Symbol.asyncIterator]();
    // The first next() pipes the request into the parser; only then may we listen to it too.
    let pending = parts.next();
    req.raw.on('data', onData);
    for (;;) {
      let next: Awaited<typeof pending>;
      try {
        next = await Promise.race([pending, limitHit]);
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_FILES_LIMIT') {
          form.tooManyFiles = true;
          break;
        }
        throw err;
      }
      if (next.done) break;
      const part = next.value;
      if (part.type === 'file') {
        const path = join(dir, randomUUID());
        paths.add(path);
        mine.push(path);
        current = part.file;
        let size = 0;
        part.file.on('data', (c: Buffer) => (size += c.length));
        await Promise.race([pipeline(part.file, createWriteStream(path)), limitHit]);
        current = null;
        const truncated = part.file.truncated;
        // Browsers send an empty part when no file was chosen; of a file over its limit nothing is kept.
        const empty = size === 0 && !part.filename;
        if (empty || truncated) {
          await rm(path, { force: true });
          paths.delete(path);
        }
        if (!empty) form.files.push({ fieldname: part.fieldname, filename: part.filename, mimetype: part.mimetype, size, truncated, path: truncated ? null : path });
      } else {
        if (part.valueTruncated || part.fieldnameTruncated) throw new AppError('BODY_TOO_LARGE');
        const v = String(part.value);
        // PostgreSQL refuses NUL in text: name the field here, as the hook does for other bodies (this one is read later).
        if (v.includes('\u0000') || part.fieldname.includes('\u0000')) {
          throw new AppError('VALIDATION', { issues: [{ field: part.fieldname.replace(/\p{Cc}/gu, '') || 'body', code: 'TEXT_CONTROL_CHARS' }] });
        }
        const prev = form.fields[part.fieldname];
        if (prev === undefined) form.fields[part.fieldname] = v;
        else if (Array.isArray(prev)) prev.push(v);
        else form.fields[part.fieldname] = [prev, v];
      }
      pending = parts.next();
    }
    if (received > limits.requestBytes) throw new AppError('BODY_TOO_LARGE');
    return form;
  } catch (err) {
    await removeAll(mine);
    for (const p of mine) paths.delete(p);
    if (err instanceof AppError) throw err;
    throw new AppError('MULTIPART_BROKEN', { cause: err });
  } finally {
    req.raw.removeListener('data', onData);
  }
}
