/**
 * Citizens' photos attached to signals. An upload is never stored as sent: it is decoded and
 * re-encoded so that nothing but pixels survives (PR-4: personal data — a phone photo carries
 * the place it was taken, the device and sometimes the owner's name in EXIF/GPS/XMP).
 */

import sharp from 'sharp';
import { AppError } from '../errors/index.js';

export type ImageKind = 'jpeg' | 'png' | 'webp';

/** Largest upload accepted, in bytes (the limit quoted in the PHOTO_TOO_LARGE message). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

// A 10 MB file can still declare billions of pixels (decompression bomb); 50 MP is above any
// phone camera in use, so a real photo never reaches it. Quoted in the PHOTO_TOO_MANY_PIXELS message.
export const MAX_INPUT_PIXELS = 50_000_000;

const LARGE_SIDE = 1600;
const THUMB_SIDE = 320;
const LARGE_QUALITY = 82;
const THUMB_QUALITY = 75;

// JPEG has no alpha; without flattening, transparent PNG/WebP areas would turn black.
const FLATTEN_BACKGROUND = '#ffffff';

export interface ProcessedPhoto {
  /** What the upload really was, by its bytes. */
  kind: ImageKind;
  /** Of the `large` copy, after EXIF orientation was applied. */
  width: number;
  height: number;
  /** JPEG for the page, longest side at most 1600 px, without metadata. */
  large: Buffer;
  /** JPEG fitting inside 320×320, without metadata. */
  thumb: Buffer;
  /** Size of the original upload. */
  bytes: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function startsWith(buf: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (buf.length < at + bytes.length) return false;
  return bytes.every((b, i) => buf[at + i] === b);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** Recognises JPEG, PNG or WebP by magic bytes (never by file name); null otherwise. */
export function sniffImage(buf: Uint8Array): ImageKind | null {
  // The file name and the browser's Content-Type are chosen by the sender; only the bytes count.
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, PNG_SIGNATURE)) return 'png';
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8)) return 'webp';
  return null;
}

/** Validates and re-encodes an uploaded photo: strips location and camera metadata (EXIF/GPS/XMP/ICC comments), applies orientation, makes a page copy and a thumbnail. */
export async function processPhoto(buf: Buffer, field: string): Promise<ProcessedPhoto> {
  // Size first: refusing an oversized file must not cost a decode.
  if (buf.length > MAX_PHOTO_BYTES) throw new AppError('PHOTO_TOO_LARGE', { field });

  // Sniffing also keeps other formats sharp could decode (SVG, TIFF, PDF, GIF…) out of the pipeline.
  const kind = sniffImage(buf);
  if (kind === null) throw new AppError('PHOTO_NOT_IMAGE', { field });

  // The header tells the size without decoding: a photo with too many pixels is told so, with the
  // limit, rather than called damaged (the person can resize it; a damaged file they cannot fix).
  const header = await sharp(buf).metadata().catch(() => null);
  if (header?.width && header.height && header.width * header.height > MAX_INPUT_PIXELS) {
    throw new AppError('PHOTO_TOO_MANY_PIXELS', { field, params: { max: MAX_INPUT_PIXELS } });
  }

  try {
    // No withMetadata/keepExif/keepIccProfile: sharp then writes none of the input's EXIF, GPS,
    // XMP, IPTC, ICC or comments. rotate() bakes the orientation tag into the pixels, since the
    // tag itself is dropped with the rest.
    const { data: large, info } = await sharp(buf, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(LARGE_SIDE, LARGE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: FLATTEN_BACKGROUND })
      .jpeg({ quality: LARGE_QUALITY, progressive: true })
      .toBuffer({ resolveWithObject: true });

    // From the page copy rather than the upload: already oriented, clean and small, so the
    // (possibly 10 MB) original is decoded only once.
    const thumb = await sharp(large, { failOn: 'error' })
      .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: THUMB_QUALITY })
      .toBuffer();

    return { kind, width: info.width, height: info.height, large, thumb, bytes: buf.length };
  } catch (err) {
    // Truncated or corrupt data behind valid magic bytes ends here; so would a pixel count the
    // header understated (sharp's own limit), which is still too many pixels.
    if (err instanceof Error && /pixel limit/i.test(err.message)) throw new AppError('PHOTO_TOO_MANY_PIXELS', { field, params: { max: MAX_INPUT_PIXELS }, cause: err });
    throw new AppError('PHOTO_BROKEN', { field, cause: err });
  }
}
