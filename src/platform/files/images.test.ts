import { describe, test, expect } from 'vitest';
import sharp, { type Sharp } from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { AppError, errorMessage } from '../errors/index.js';
import { MAX_PHOTO_BYTES, processPhoto, sniffImage } from './images.js';

// Inputs are generated with sharp so that no binary fixtures (and no real person's photo) live in the repo.

function solid(width: number, height: number, background = '#c04020'): Sharp {
  return sharp({ create: { width, height, channels: 3, background } });
}

/** Two colour halves, left red and right blue, so a rotation can be seen in the pixels. */
async function leftRightJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: '#0000ff' } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
    .composite([{ input: half, left: width / 2, top: 0 }])
    .jpeg()
    .withMetadata({ orientation })
    .toBuffer();
}

async function rgbAt(jpeg: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

async function expectAppError(p: Promise<unknown>, code: string, field: string): Promise<AppError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, but the photo was accepted`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const appErr = err as AppError;
  expect(appErr.code).toBe(code);
  expect(appErr.issues[0]?.field).toBe(field);
  expect(appErr.issues[0]?.code).toBe(code);
  return appErr;
}

const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="SecretAuthor"/></rdf:RDF></x:xmpmeta>';

describe('sniffImage', () => {
  test('recognises JPEG, PNG and WebP by their bytes', async () => {
    expect(sniffImage(await solid(8, 8).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImage(await solid(8, 8).png().toBuffer())).toBe('png');
    expect(sniffImage(await solid(8, 8).webp().toBuffer())).toBe('webp');
  });

  test('rejects anything else, including formats sharp could decode', async () => {
    expect(sniffImage(Buffer.from('hello'))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
    expect(sniffImage(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffImage(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(sniffImage(await solid(8, 8).gif().toBuffer())).toBeNull();
    expect(sniffImage(await solid(8, 8).tiff().toBuffer())).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });
});

describe('processPhoto', () => {
  test('strips EXIF (camera and GPS), XMP, ICC and JPEG comments', async () => {
    const withExif = await solid(400, 300)
      .jpeg()
      .withExif({
        IFD0: { Make: 'TestCam', Model: 'X1', Artist: 'Ivan Petrov' },
        // IFD3 is the GPS directory in libvips: a point near the Sofia City Court.
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '42/1 41/1 45/1', GPSLongitudeRef: 'E', GPSLongitude: '23/1 19/1 20/1' },
      })
      .withXmp(XMP)
      .withIccProfile('p3')
      .toBuffer();
    // A COM segment right after SOI, as some cameras and editors write.
    const comment = Buffer.from('SecretComment', 'latin1');
    const upload = Buffer.concat([
      withExif.subarray(0, 2),
      Buffer.from([0xff, 0xfe, 0x00, comment.length + 2]),
      comment,
      withExif.subarray(2),
    ]);

    // The input really carries what must be removed.
    const before = await sharp(upload).metadata();
    expect(before.exif).toBeDefined();
    expect(before.exif!.includes(Buffer.from([0x25, 0x88]))).toBe(true); // GPSInfo IFD pointer (0x8825, little-endian)
    expect(before.xmp).toBeDefined();
    expect(before.hasProfile).toBe(true);
    expect(upload.includes('TestCam')).toBe(true);

    const out = await processPhoto(upload, 'photos');
    expect(out.kind).toBe('jpeg');
    expect(out.bytes).toBe(upload.length);
    for (const copy of [out.large, out.thumb]) {
      const meta = await sharp(copy).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      for (const secret of ['TestCam', 'Ivan Petrov', 'SecretAuthor', 'SecretComment', 'Exif', 'http://ns.adobe.com']) {
        expect(copy.includes(secret), secret).toBe(false);
      }
    }
  });

  test('accepts PNG and reports it as png, output is JPEG', async () => {
    const png = await solid(300, 200).png().toBuffer();
    const out = await processPhoto(png, 'photo');
    expect(out.kind).toBe('png');
    expect([out.width, out.height]).toEqual([300, 200]);
    expect((await sharp(out.large).metadata()).format).toBe('jpeg');
    expect((await sharp(out.thumb).metadata()).format).toBe('jpeg');
  });

  test('accepts WebP and reports it as webp, output is JPEG', async () => {
    const webp = await solid(300, 200).webp().toBuffer();
    const out = await processPhoto(webp, 'photo');
    expect(out.kind).toBe('webp');
    expect([out.width, out.height]).toEqual([300, 200]);
    expect((await sharp(out.large).metadata()).format).toBe('jpeg');
  });

  test('transparent areas become white, not black', async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const out = await processPhoto(png, 'photo');
    const [r, g, b] = await rgbAt(out.large, 20, 20);
    expect(Math.min(r, g, b)).toBeGreaterThan(240);
  });

  test('a 4000x3000 photo is scaled to 1600 on the longest side, the thumbnail fits 320x320', async () => {
    const big = await solid(4000, 3000).jpeg().toBuffer();
    const out = await processPhoto(big, 'photo');
    expect([out.width, out.height]).toEqual([1600, 1200]);
    const large = await sharp(out.large).metadata();
    expect([large.width, large.height]).toEqual([1600, 1200]);
    const thumb = await sharp(out.thumb).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBe(320);
    expect(thumb.width).toBeLessThanOrEqual(320);
    expect(thumb.height).toBeLessThanOrEqual(320);
    expect(thumb.width / thumb.height).toBeCloseTo(4 / 3, 1);
  });

  test('a portrait photo is limited by its height', async () => {
    const tall = await solid(1000, 3000).png().toBuffer();
    const out = await processPhoto(tall, 'photo');
    expect(out.height).toBe(1600);
    expect(out.width).toBeLessThanOrEqual(534);
    const thumb = await sharp(out.thumb).metadata();
    expect(thumb.height).toBe(320);
    expect(thumb.width).toBeLessThanOrEqual(320);
  });

  test('a small photo is not upscaled, neither copy', async () => {
    const small = await solid(120, 80).jpeg().toBuffer();
    const out = await processPhoto(small, 'photo');
    expect([out.width, out.height]).toEqual([120, 80]);
    const thumb = await sharp(out.thumb).metadata();
    expect([thumb.width, thumb.height]).toEqual([120, 80]);
  });

  test('EXIF orientation 6 on a 200x100 image gives a 100x200 photo, turned clockwise', async () => {
    const upload = await leftRightJpeg(200, 100, 6);
    expect((await sharp(upload).metadata()).orientation).toBe(6);

    const out = await processPhoto(upload, 'photo');
    expect([out.width, out.height]).toEqual([100, 200]);
    const meta = await sharp(out.large).metadata();
    expect([meta.width, meta.height]).toEqual([100, 200]);
    expect(meta.orientation).toBeUndefined();
    // Turned 90° clockwise for display: the stored left (red) half is now on top.
    const [tr, , tb] = await rgbAt(out.large, 50, 30);
    const [br, , bb] = await rgbAt(out.large, 50, 170);
    expect(tr).toBeGreaterThan(200);
    expect(tb).toBeLessThan(60);
    expect(bb).toBeGreaterThan(200);
    expect(br).toBeLessThan(60);
    const thumb = await sharp(out.thumb).metadata();
    expect([thumb.width, thumb.height]).toEqual([100, 200]);
  });

  test('a text file renamed .jpg is PHOTO_NOT_IMAGE for the given field', async () => {
    const err = await expectAppError(processPhoto(Buffer.from('hello'), 'photos[2]'), 'PHOTO_NOT_IMAGE', 'photos[2]');
    expect(err.status).toBe(400);
  });

  test('a decodable but unaccepted format (GIF) is PHOTO_NOT_IMAGE', async () => {
    const gif = await solid(10, 10).gif().toBuffer();
    await expectAppError(processPhoto(gif, 'photo'), 'PHOTO_NOT_IMAGE', 'photo');
  });

  test('a truncated JPEG is PHOTO_BROKEN', async () => {
    const full = await solid(400, 300).jpeg().toBuffer();
    const truncated = full.subarray(0, 200);
    expect(sniffImage(truncated)).toBe('jpeg');
    const err = await expectAppError(processPhoto(truncated, 'photo'), 'PHOTO_BROKEN', 'photo');
    expect(err.status).toBe(400);
    expect(err.cause).toBeInstanceOf(Error);
  });

  test('a truncated PNG is PHOTO_BROKEN', async () => {
    const full = await solid(400, 300).png().toBuffer();
    await expectAppError(processPhoto(full.subarray(0, 60), 'photo'), 'PHOTO_BROKEN', 'photo');
  });

  test('10 MB + 1 byte is PHOTO_TOO_LARGE, checked before anything else', async () => {
    // Not an image at all: the size must be refused before sniffing or decoding.
    const tooBig = Buffer.alloc(MAX_PHOTO_BYTES + 1, 0x41);
    const err = await expectAppError(processPhoto(tooBig, 'photo'), 'PHOTO_TOO_LARGE', 'photo');
    expect(err.status).toBe(413);
    expect(MAX_PHOTO_BYTES).toBe(10 * 1024 * 1024);
  });

  test('exactly 10 MB is not refused for its size', async () => {
    const jpeg = await solid(50, 50).jpeg().toBuffer();
    // Bytes after the EOI marker are ignored by decoders, so this is a valid 10 MB JPEG.
    const padded = Buffer.concat([jpeg, Buffer.alloc(MAX_PHOTO_BYTES - jpeg.length)]);
    expect(padded.length).toBe(MAX_PHOTO_BYTES);
    const out = await processPhoto(padded, 'photo');
    expect(out.bytes).toBe(MAX_PHOTO_BYTES);
    expect([out.width, out.height]).toEqual([50, 50]);
  });

  test('a decompression bomb (small file, more than 50 megapixels) is PHOTO_TOO_MANY_PIXELS, not "damaged"', async () => {
    // 8000x7000 = 56 MP of one colour compresses to well under the 10 MB upload limit.
    const bomb = await sharp({ create: { width: 8000, height: 7000, channels: 3, background: '#000000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(MAX_PHOTO_BYTES);
    await expectAppError(processPhoto(bomb, 'photo'), 'PHOTO_TOO_MANY_PIXELS', 'photo');
  }, 30_000);

  test('a 400-megapixel PNG says it has too many pixels and names the limit, in both languages (issue 11, defect 9)', async () => {
    // A PNG that declares 20000x20000 in its header: a few dozen bytes, never decoded.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body) >>> 0);
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND', Buffer.alloc(0))]);
    const err = await expectAppError(processPhoto(png, 'photos[0]'), 'PHOTO_TOO_MANY_PIXELS', 'photos[0]');
    expect(errorMessage(err.code, 'bg')).toContain('50 мегапиксела');
    expect(errorMessage(err.code, 'en')).toContain('50 megapixels');
    expect(errorMessage(err.code, 'bg')).not.toMatch(/повредена/);
  });
});
