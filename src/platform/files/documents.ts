/**
 * Documents registered users attach to letters, complaints and requests (CC-8). The kind is
 * decided by the bytes, never by the name or the browser's Content-Type; a file that only
 * starts like a PDF or an office document but is cut off is refused as broken.
 */
import { randomUUID } from 'node:crypto';
import { AppError, type FieldIssue } from '../errors/index.js';
import { bytesOf, type Bytes, type FileStore } from './storage.js';
import { processPhoto, sniffImage } from './images.js';

/** Largest document accepted (quoted in the FILE_TOO_LARGE message). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export type DocumentType = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'doc' | 'xls' | 'jpeg' | 'png' | 'webp';

/** A document ready to store. */
export interface CheckedDocument {
  type: DocumentType;
  mime: string;
  /** What to store: images are re-encoded without metadata (PR-4), other files as sent. */
  data: Buffer;
  filename: string;
}

const MIME: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** The extension a stored file gets from its detected type (images are stored re-encoded as JPEG). */
const EXTENSION: Record<DocumentType, string> = {
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  pptx: 'pptx',
  odt: 'odt',
  ods: 'ods',
  doc: 'doc',
  xls: 'xls',
  jpeg: 'jpg',
  png: 'jpg',
  webp: 'jpg',
};
/** Other spellings of the same extension that may stay. */
const SAME: Partial<Record<string, string[]>> = { jpg: ['jpeg'] };

const BASE_MAX = 100;

/**
 * The name a file is stored and downloaded under (issue 11, defect 10). The sender chose the
 * name: staff open what they download, and the operating system goes by the last extension.
 * - Control and format characters (\p{Cc}, \p{Cf}) are removed: a right-to-left override made
 *   "report\u202Efdp.hta" show as "report…pdf"; NUL and line breaks break headers and logs.
 * - Path separators and the characters Windows refuses become "_".
 * - The name ends in the extension of the detected type. A last extension that is another one
 *   ("invoice.pdf.hta", a PDF/HTA polyglot) is dropped, so that name becomes "invoice.pdf"; a name
 *   without one gets it ("Заявление" → "Заявление.pdf"). Only a last part with a letter counts as
 *   an extension, so "Протокол 12.05.2026" keeps its date ("Протокол 12.05.2026.pdf").
 * - Nothing left: "document" with the extension.
 */
export function storedFileName(filename: string, type: DocumentType): string {
  const ext = EXTENSION[type];
  const accepted = [ext, ...(SAME[ext] ?? [])];
  // The end holds the extension; 300 characters bound the work of the patterns below.
  let name = String(filename ?? '')
    .slice(-300)
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[\\/"<>|:*?]/g, '_')
    // Windows drops trailing dots and spaces, which would change the extension.
    .replace(/[\s.]+$/u, '');
  const last = /\.([\p{L}\p{N}]{1,16})$/u.exec(name);
  if (last && /\p{L}/u.test(last[1]!)) {
    const given = last[1]!.toLowerCase();
    name = name.slice(0, last.index);
    if (!accepted.includes(given)) {
      // A double extension whose inner one is right ("invoice.pdf.hta") keeps the inner one only once.
      const inner = /\.([\p{L}\p{N}]{1,16})$/u.exec(name);
      if (inner && accepted.includes(inner[1]!.toLowerCase())) name = name.slice(0, inner.index);
    }
  }
  // Leading dots hide a file on Unix; what is left before the extension needs no trailing dots or spaces.
  name = name.replace(/^[\s.]+|[\s.]+$/gu, '');
  const chars = Array.from(name);
  if (chars.length > BASE_MAX) name = chars.slice(0, BASE_MAX).join('').trim();
  return `${name || 'document'}.${ext}`;
}

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function zipKind(buf: Buffer): DocumentType | null {
  // A zip ends with its central directory; a truncated upload has none.
  const tail = buf.subarray(Math.max(0, buf.length - 65_557));
  if (tail.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1')) < 0) return null;
  // OpenDocument stores its type uncompressed as the first entry, "mimetype".
  const head = buf.subarray(0, 200).toString('latin1');
  if (head.includes('mimetypeapplication/vnd.oasis.opendocument.text')) return 'odt';
  if (head.includes('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')) return 'ods';
  // Office Open XML: entry names are stored uncompressed in the local headers and the directory.
  const names = buf.toString('latin1');
  if (!names.includes('[Content_Types].xml')) return null;
  if (names.includes('word/document.xml')) return 'docx';
  if (names.includes('xl/workbook.xml')) return 'xlsx';
  if (names.includes('ppt/presentation.xml')) return 'pptx';
  return null;
}

/** Decides what a file is by its bytes; null when it is none of the accepted kinds. */
export function sniffDocument(buf: Buffer): DocumentType | 'broken' | null {
  if (buf.length < 8) return null;
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') {
    return buf.subarray(Math.max(0, buf.length - 2048)).includes('%%EOF') ? 'pdf' : 'broken';
  }
  if (buf.subarray(0, 8).equals(OLE2)) return buf.length >= 1536 ? (buf.includes(Buffer.from('Workbook', 'utf16le')) ? 'xls' : 'doc') : 'broken';
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return zipKind(buf) ?? 'broken';
  const img = sniffImage(buf);
  return img;
}

/** Checks an uploaded document and prepares it for storage; throws FILE_* naming the field. */
export async function checkDocument(buf: Buffer, filename: string, field: string): Promise<CheckedDocument> {
  if (buf.length > MAX_DOCUMENT_BYTES) throw new AppError('FILE_TOO_LARGE', { field });
  const kind = sniffDocument(buf);
  if (kind === 'broken') throw new AppError('FILE_BROKEN', { field });
  if (!kind) throw new AppError('FILE_TYPE', { field });
  if (kind === 'jpeg' || kind === 'png' || kind === 'webp') {
    const photo = await processPhoto(buf, field).catch((err) => {
      throw err instanceof AppError && err.code === 'PHOTO_BROKEN' ? new AppError('FILE_BROKEN', { field }) : err;
    });
    return { type: 'jpeg', mime: MIME.jpeg, data: photo.large, filename: storedFileName(filename, kind) };
  }
  return { type: kind, mime: MIME[kind], data: buf, filename: storedFileName(filename, kind) };
}

/** A document that passed its checks and is in the file store under `documents/<id>`. */
export interface StoredDocument {
  id: string;
  type: DocumentType;
  mime: string;
  filename: string;
  bytes: number;
}

/**
 * Checks uploaded documents by their bytes one at a time and stores each that passes, so that
 * at most one is in memory. When any fails, what was stored is removed again and VALIDATION
 * names every bad file (with the problems already found in `issues`).
 */
export async function checkAndStoreDocuments(store: FileStore, uploads: { field: string; filename: string; data: Bytes }[], issues: FieldIssue[] = []): Promise<StoredDocument[]> {
  const stored: StoredDocument[] = [];
  const problems = [...issues];
  try {
    for (const u of uploads) {
      try {
        const d = await checkDocument(await bytesOf(u.data), u.filename, u.field);
        if (problems.length) continue;
        const id = randomUUID();
        await store.put(`documents/${id}`, d.data);
        stored.push({ id, type: d.type, mime: d.mime, filename: d.filename, bytes: d.data.length });
      } catch (err) {
        if (err instanceof AppError && err.issues.length) problems.push(...err.issues);
        else throw err;
      }
    }
    if (problems.length) throw new AppError('VALIDATION', { issues: problems });
    return stored;
  } catch (err) {
    await removeDocuments(store, stored);
    throw err;
  }
}

/** Removes stored documents (a registration or an answer that did not commit). */
export async function removeDocuments(store: FileStore, docs: { id: string }[]): Promise<void> {
  await Promise.all(docs.map((d) => store.remove(`documents/${d.id}`).catch(() => undefined)));
}
