import sharp from 'sharp';
import type { App } from '../src/app.js';
import { getCatalog, type CatalogType } from '../src/modules/catalog/index.js';

/** Points inside known districts (checked against the polygons by the geo tests). */
export const POINTS = {
  lozenetsNdk: { lat: 42.6846, lon: 23.3189 },
  mladost: { lat: 42.6487, lon: 23.3790 },
  lyulin: { lat: 42.7161, lon: 23.2573 },
  plovdiv: { lat: 42.1354, lon: 24.7453 },
};

/** A catalogue type: the pothole type with extra fields, or the first type without any. */
export async function types(app: App) {
  const catalog = await getCatalog(app.ctx.db.orm);
  const all = catalog.categories.flatMap((c) => c.types);
  const pothole = all.find((t) => t.fields.some((f) => f.code === 'surface'))!;
  const plain = all.find((t) => t.fields.length === 0)!;
  const otherCategory = all.find((t) => t.categoryId !== plain.categoryId)!;
  const withAllKinds = all.filter((t) => t.fields.length > 0);
  return { catalog, pothole, plain, otherCategory, withAllKinds, all };
}

/** A valid signal body for the JSON API. */
export function signalBody(type: CatalogType, over: Record<string, unknown> = {}) {
  const extra: Record<string, unknown> = {};
  for (const f of type.fields) {
    if (!f.required) continue;
    extra[f.code] =
      f.datatype === 'number' ? 2 : f.datatype === 'date' ? '2026-11-01' : f.datatype === 'single' ? f.options![0]!.key : f.datatype === 'multi' ? [f.options![0]!.key] : f.datatype === 'bool' ? true : 'x';
  }
  return { kind: 'signal', categoryId: type.categoryId, typeId: type.id, description: 'Дупка на пътя пред входа', ...POINTS.lozenetsNdk, extra, ...over };
}

/** A real JPEG with camera and GPS metadata, as a phone would send it. */
export async function phonePhoto(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 120, g: 90, b: 60 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Model Z' } })
    .toBuffer();
}

/** A multipart body for app.inject from form fields and files. */
export async function multipart(fields: Record<string, string | string[]>, files: { name: string; filename: string; data: Buffer; type?: string }[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  for (const f of files) fd.append(f.name, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.filename);
  const req = new Request('http://local/', { method: 'POST', body: fd });
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } };
}
