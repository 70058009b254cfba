/**
 * Documents registered users attach to letters, complaints and requests (CC-8). The kind is
 * decided by the bytes, never by the name or the browser's Content-Type; a file that only
 * starts like a PDF or an office document but is cut off is refused as broken.
 */
import { AppError } from '../errors/index.js';
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
  const safeName = filename.replace(/[\\/\u0000-\u001f"<>|:*?]/g, '_').slice(-120) || 'document';
  if (kind === 'jpeg' || kind === 'png' || kind === 'webp') {
    const photo = await processPhoto(buf, field).catch((err) => {
      throw err instanceof AppError && err.code === 'PHOTO_BROKEN' ? new AppError('FILE_BROKEN', { field }) : err;
    });
    return { type: 'jpeg', mime: MIME.jpeg, data: photo.large, filename: safeName.replace(/\.(png|webp|jpe?g)$/i, '') + '.jpg' };
  }
  return { type: kind, mime: MIME[kind], data: buf, filename: safeName };
}
